import { cpuSeconds, machineCpuSeconds, postgresCpuSeconds, rssMb, rssSplitMb } from "./proc.ts";
import type { Child } from "./processes.ts";
import type { ProcessRole } from "./scenario-kinds.ts";

// Where the machine's CPU went during a scenario's measured runs, and the memory of the
// processes under test around it. On a 2-core machine the load generator, Postgres and every
// process of the stack share the same cores, so this is half of reading the numbers.

export type CpuColumn = ProcessRole | "postgres" | "load generator" | "kernel irq" | "other";

export interface Usage {
  /** RSS before the warm-up and after the last run, for the processes the scenario exercises. */
  rssMb: Partial<Record<ProcessRole, { before: number | null; after: number | null }>>;
  /**
   * Average cores busy during the measured runs. "kernel irq" is interrupt and softirq time
   * (mostly the loopback network stack, caused by the load itself); "other" is the machine's
   * busy time left after that and the bench's processes: other work on a shared machine.
   */
  cores: Partial<Record<CpuColumn, number>>;
}

export interface Snapshot {
  atMs: number;
  cpu: Partial<Record<ProcessRole, number | null>>;
  postgres: number;
  machine: { busy: number; interrupts: number };
  self: number;
}

export function snapshot(processes: Partial<Record<ProcessRole, Child>>): Snapshot {
  const cpu: Partial<Record<ProcessRole, number | null>> = {};
  for (const [role, child] of entries(processes)) {
    cpu[role] = cpuSeconds(child.pid);
  }
  const self = process.cpuUsage();
  return {
    atMs: performance.now(),
    cpu,
    postgres: postgresCpuSeconds(),
    machine: machineCpuSeconds(),
    self: (self.user + self.system) / 1e6,
  };
}

export function rssOf(
  processes: Partial<Record<ProcessRole, Child>>,
  roles: readonly ProcessRole[],
): Partial<Record<ProcessRole, number | null>> {
  const rss: Partial<Record<ProcessRole, number | null>> = {};
  for (const role of roles) {
    const child = processes[role];
    rss[role] = child === undefined ? null : rssMb(child.pid);
  }
  return rss;
}

/** The anonymous part of each process's RSS (see `rssSplitMb`). */
export function anonRssOf(
  processes: Partial<Record<ProcessRole, Child>>,
  roles: readonly ProcessRole[],
): Partial<Record<ProcessRole, number | null>> {
  const anon: Partial<Record<ProcessRole, number | null>> = {};
  for (const role of roles) {
    const child = processes[role];
    anon[role] = child === undefined ? null : (rssSplitMb(child.pid)?.anon ?? null);
  }
  return anon;
}

/**
 * Several measured intervals as one: a synthetic start at zero and their deltas summed, so that
 * `usageBetween` averages over those intervals only (runs taken in turns with another
 * scenario's, whose time between them belongs to the other scenario).
 */
export function joinIntervals(intervals: [Snapshot, Snapshot][]): [Snapshot, Snapshot] {
  const zero: Snapshot = {
    atMs: 0,
    cpu: {},
    postgres: 0,
    machine: { busy: 0, interrupts: 0 },
    self: 0,
  };
  const sum: Snapshot = {
    atMs: 0,
    cpu: {},
    postgres: 0,
    machine: { busy: 0, interrupts: 0 },
    self: 0,
  };
  for (const [start, end] of intervals) {
    sum.atMs += end.atMs - start.atMs;
    sum.postgres += end.postgres - start.postgres;
    sum.machine.busy += end.machine.busy - start.machine.busy;
    sum.machine.interrupts += end.machine.interrupts - start.machine.interrupts;
    sum.self += end.self - start.self;
    for (const [role, last] of Object.entries(end.cpu) as [ProcessRole, number | null][]) {
      const first = start.cpu[role];
      const soFar = sum.cpu[role];
      sum.cpu[role] =
        last === null || first === null || first === undefined || soFar === null
          ? null
          : (soFar ?? 0) + last - first;
      zero.cpu[role] = 0;
    }
  }
  return [zero, sum];
}

export function usageBetween(
  before: Snapshot,
  after: Snapshot,
  generatorCpuSeconds: number,
  rss: {
    roles: readonly ProcessRole[];
    before: Partial<Record<ProcessRole, number | null>>;
    after: Partial<Record<ProcessRole, number | null>>;
  },
): Usage {
  const wallS = (after.atMs - before.atMs) / 1000;
  const cores: Partial<Record<CpuColumn, number>> = {};
  let accounted = after.self - before.self;
  for (const [role, end] of Object.entries(after.cpu) as [ProcessRole, number | null][]) {
    const start = before.cpu[role];
    if (end !== null && start !== null && start !== undefined) {
      cores[role] = (end - start) / wallS;
      accounted += end - start;
    }
  }
  cores.postgres = (after.postgres - before.postgres) / wallS;
  cores["load generator"] = generatorCpuSeconds / wallS;
  accounted += after.postgres - before.postgres + generatorCpuSeconds;
  const interrupts = after.machine.interrupts - before.machine.interrupts;
  cores["kernel irq"] = interrupts / wallS;
  const busy = after.machine.busy - before.machine.busy;
  cores.other = Math.max(0, (busy - interrupts - accounted) / wallS);
  const rssMb: Usage["rssMb"] = {};
  for (const role of rss.roles) {
    rssMb[role] = { before: rss.before[role] ?? null, after: rss.after[role] ?? null };
  }
  return { rssMb, cores };
}

function entries(processes: Partial<Record<ProcessRole, Child>>): [ProcessRole, Child][] {
  return Object.entries(processes).filter(
    (entry): entry is [ProcessRole, Child] => entry[1] !== undefined,
  );
}
