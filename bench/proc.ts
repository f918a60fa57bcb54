import { readdirSync, readFileSync } from "node:fs";

// Linux /proc readings: resident memory and CPU time of our processes, of the Postgres server,
// and of the whole machine (to show how much of it other work took during a run).

/** USER_HZ: /proc reports CPU time in these ticks; 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

/** Resident set size in MiB, or null when the process is gone. */
export function rssMb(pid: number): number | null {
  const status = readProc(`/proc/${pid}/status`);
  const kb = status === null ? undefined : /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return kb === undefined ? null : Math.round((Number(kb) / 1024) * 10) / 10;
}

/**
 * The RSS split into the process's own memory (anonymous: heaps, JIT code, buffers) and the pages
 * of files it maps (mostly the Bun runtime's code, from its binary: clean, shared between the
 * processes of one executable, and dropped under memory pressure), in MiB; null when gone.
 */
export function rssSplitMb(pid: number): { anon: number; file: number } | null {
  const status = readProc(`/proc/${pid}/status`);
  const anon = status === null ? undefined : /^RssAnon:\s+(\d+) kB/m.exec(status)?.[1];
  const file = status === null ? undefined : /^RssFile:\s+(\d+) kB/m.exec(status)?.[1];
  if (anon === undefined || file === undefined) {
    return null;
  }
  const mb = (kb: string): number => Math.round((Number(kb) / 1024) * 10) / 10;
  return { anon: mb(anon), file: mb(file) };
}

/** User + system CPU seconds the process has used so far, or null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  const fields = statFields(pid);
  if (fields === null) {
    return null;
  }
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * CPU seconds of the whole Postgres server: every live process named `postgres`, plus what the
 * postmaster has collected from backends that already exited (pgbench's, closed pool slots).
 */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const fields = statFields(Number(entry));
    if (fields === null || fields.comm !== "postgres") {
      continue;
    }
    total += Number(fields[11]) + Number(fields[12]);
    // The postmaster (its parent is not postgres) holds the reaped children's time.
    const parent = statFields(Number(fields[1]));
    if (parent?.comm !== "postgres") {
      total += Number(fields[13]) + Number(fields[14]);
    }
  }
  return total / TICKS_PER_SECOND;
}

/**
 * CPU seconds of the whole machine, all cores together: busy (everything but idle and iowait),
 * and of that the time spent in interrupts and softirqs, which is mostly the kernel carrying
 * loopback traffic: work the load causes that no process's own CPU time includes.
 */
export function machineCpuSeconds(): { busy: number; interrupts: number } {
  const line = readProc("/proc/stat")?.split("\n")[0] ?? "";
  // user nice system idle iowait irq softirq steal ...
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const interrupts = (values[5] ?? 0) + (values[6] ?? 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, interrupts: interrupts / TICKS_PER_SECOND };
}

/** The fields of /proc/<pid>/stat after the command name (index 0 = state), and the name. */
function statFields(pid: number): (string[] & { comm: string }) | null {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === null) {
    return null;
  }
  // The name is in parentheses and may itself contain spaces or parentheses.
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  return Object.assign(stat.slice(close + 2).split(" "), { comm: stat.slice(open + 1, close) });
}

function readProc(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
