import { type AnswerClass, noAnswers } from "../scenario.ts";

// A closed-loop load generator: `concurrency` workers, each sending its next request as soon as
// the last one ended, until the time is up. Small on purpose: it runs in the test's own process
// beside the stack, on the same two cores.

export interface LoadOptions {
  concurrency: number;
  durationMs: number;
  /** One request; `signal` ends it at the generator's own timeout (counted as "no answer"). */
  send: (signal: AbortSignal) => Promise<Response>;
  /** Past this a request counts as "no answer": a hang, not a slow answer. */
  timeoutMs: number;
}

export interface LoadResult {
  requests: number;
  answers: Record<AnswerClass, number>;
  /** How long each answered request took, in ms, by class (sorted). */
  latencyMs: Partial<Record<AnswerClass, number[]>>;
  /** Answers by HTTP status (0: no answer), for what a class hides (a 499 among the 4xx). */
  statuses: Record<number, number>;
  /** 503s that carried Retry-After. */
  retryAfter: number;
  /** 2xx answers per second over the run: shed or failed answers are no work done. */
  throughput: number;
}

export function classify(status: number): AnswerClass {
  if (status === 503 || status === 504) {
    return status === 503 ? "503" : "504";
  }
  if (status >= 500) {
    return "other 5xx";
  }
  // Redirects never come from /api; anything else the client got wrong is 4xx.
  return status >= 200 && status < 300 ? "2xx" : "4xx";
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const answers = noAnswers();
  const latency: Record<AnswerClass, number[]> = {
    "2xx": [],
    "4xx": [],
    "503": [],
    "504": [],
    "other 5xx": [],
    "no answer": [],
  };
  let retryAfter = 0;
  const statuses: Record<number, number> = {};
  const started = performance.now();
  const until = started + options.durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < until) {
      const sent = performance.now();
      const answer = await sendOnce(options);
      answers[answer.class] += 1;
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      latency[answer.class].push(performance.now() - sent);
      retryAfter += answer.retryAfter ? 1 : 0;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsedS = (performance.now() - started) / 1_000;
  const requests = Object.values(answers).reduce((sum, n) => sum + n, 0);
  for (const list of Object.values(latency)) {
    list.sort((a, b) => a - b);
  }
  const throughput = answers["2xx"] / elapsedS;
  return { requests, answers, statuses, latencyMs: latency, retryAfter, throughput };
}

async function sendOnce(
  options: LoadOptions,
): Promise<{ class: AnswerClass; status: number; retryAfter: boolean }> {
  try {
    const response = await options.send(AbortSignal.timeout(options.timeoutMs));
    await response.arrayBuffer();
    return {
      class: classify(response.status),
      status: response.status,
      retryAfter: response.status === 503 && response.headers.has("retry-after"),
    };
  } catch {
    return { class: "no answer", status: 0, retryAfter: false };
  }
}

/** The q-quantile (0..1) of sorted values; 0 for none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Adds `more` into `into`, class by class. */
export function addAnswers(
  into: Record<AnswerClass, number>,
  more: Record<AnswerClass, number>,
): void {
  for (const key of Object.keys(into) as AnswerClass[]) {
    into[key] += more[key];
  }
}
