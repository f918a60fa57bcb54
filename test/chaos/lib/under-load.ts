import type { ScenarioResult } from "../scenario.ts";
import type { ChaosStack } from "./chaos-stack.ts";
import { lostWrites } from "./check-writes.ts";
import { type LoadReport, startLoad } from "./load.ts";

// The shape of every scenario here: steady load, the fault, the load kept on until the stack
// answers again (or a bound passes), then the count of what was answered and what was lost.

export interface Fault {
  /** The table's "fault" column. */
  name: string;
  /** Causes the fault and ends it (Postgres back, the process started again); recovery counts from the end. */
  inject(): Promise<void>;
  /** Extra words for the table's detail column, asked after the load stopped. */
  detail?(): string;
}

export interface LoadShape {
  workers: number;
  /** Load before the fault, so the fault meets warm connections and a busy pool. */
  warmupMs: number;
  /** Load after the recovery, so what the recovery left broken shows. */
  settleMs: number;
  /** How long to wait for a success after the fault ended before calling it unrecovered. */
  recoverWithinMs: number;
}

export const defaultShape: LoadShape = {
  workers: 4,
  warmupMs: 2_000,
  settleMs: 2_000,
  recoverWithinMs: 20_000,
};

export async function underLoad(
  world: ChaosStack,
  fault: Fault,
  shape: LoadShape = defaultShape,
): Promise<ScenarioResult> {
  const load = startLoad({ browser: world.browser, workers: shape.workers });
  let report: LoadReport | undefined;
  try {
    await Bun.sleep(shape.warmupMs);
    await fault.inject();
    const endedAt = performance.now();
    const recovered = await waitForSuccessAfter(load.peek, endedAt, shape.recoverWithinMs);
    if (recovered) {
      await Bun.sleep(shape.settleMs);
    }
    report = await load.stop();
    const failed = report.requests - report.answers["2xx"];
    const firstSuccess = report.successesSentAt.find((sentAt) => sentAt >= endedAt);
    return {
      fault: fault.name,
      requests: report.requests,
      answers: report.answers,
      writesAcknowledged: report.acknowledged.size,
      writesLost: await lostWrites(world.stack.notesDatabaseUrl, report.acknowledged),
      recoveryMs: failed === 0 ? null : recoveryMs(firstSuccess, endedAt),
      detail: describe(report, fault),
    };
  } finally {
    if (report === undefined) {
      await load.stop();
    }
  }
}

/** Infinity when nothing succeeded after the fault: the table prints "never". */
function recoveryMs(firstSuccess: number | undefined, endedAt: number): number {
  return firstSuccess === undefined ? Number.POSITIVE_INFINITY : Math.round(firstSuccess - endedAt);
}

async function waitForSuccessAfter(
  peek: () => LoadReport,
  since: number,
  withinMs: number,
): Promise<boolean> {
  const until = performance.now() + withinMs;
  while (performance.now() < until) {
    if (peek().successesSentAt.some((sentAt) => sentAt >= since)) {
      return true;
    }
    await Bun.sleep(50);
  }
  return false;
}

function describe(report: LoadReport, fault: Fault): string {
  const parts = [
    `creates sent again: ${report.retriedCreates}`,
    `abandoned: ${report.abandonedCreates}`,
  ];
  const extra = fault.detail?.();
  return extra === undefined ? parts.join(", ") : [...parts, extra].join(", ");
}
