// What every chaos scenario reports: `bun run chaos` prints one row per result, and the tests
// under test/chaos assert the counts (never the timings).

/** How a request ended, as the load generator classes it. */
export type AnswerClass = "2xx" | "4xx" | "503" | "504" | "other 5xx" | "no answer";

export interface ScenarioResult {
  /** The fault, as a person reads it in the table ("Postgres kill -9 under create load"). */
  fault: string;
  /** Requests the load generator sent while the scenario ran. */
  requests: number;
  /** Those requests by how they ended. */
  answers: Record<AnswerClass, number>;
  /** Creates answered 201: each must exist exactly once afterwards. */
  writesAcknowledged: number;
  /** Acknowledged creates missing (or duplicated) afterwards: must be 0. */
  writesLost: number;
  /** From the fault's end to the first success after it, in ms (null when nothing failed). */
  recoveryMs: number | null;
  /** Anything else the row should say (p99s, memory, retries), short. */
  detail?: string;
}

export interface Scenario {
  name: string;
  run(): Promise<ScenarioResult>;
}

export function noAnswers(): Record<AnswerClass, number> {
  return { "2xx": 0, "4xx": 0, "503": 0, "504": 0, "other 5xx": 0, "no answer": 0 };
}
