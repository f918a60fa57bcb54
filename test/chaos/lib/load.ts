import type { Browser } from "../../system/support/browser.ts";
import { type AnswerClass, noAnswers } from "../scenario.ts";

// A steady load on the gateway as signed-in clients make it: each worker creates a note (its own
// Idempotency-Key, sent again with the same key after a 503, 504 or no answer, a bounded number of
// times, as a client that wants its note would) and then reads the list. Every answer is counted
// by class; every create answered 201 is kept, to check afterwards that it exists exactly once.

export interface LoadOptions {
  browser: Browser;
  /** Concurrent clients. */
  workers: number;
  /** A request unanswered after this long counts as "no answer": far past the gateway's deadline. */
  requestTimeoutMs?: number;
  /** How many times one create is sent in all, the first included. */
  maxAttempts?: number;
  /** Each worker's pause between two requests: a steady rate, not a flood. */
  pauseMs?: number;
}

export interface LoadReport {
  requests: number;
  answers: Record<AnswerClass, number>;
  /** Created notes answered 201: title -> id. */
  acknowledged: Map<string, string>;
  /** Creates sent more than once (same key) before they were answered or given up. */
  retriedCreates: number;
  /** Creates never answered 201 within their attempts (not acknowledged, so not "lost"). */
  abandonedCreates: number;
  /** When each request that ended 2xx was sent (ms, performance.now()). */
  successesSentAt: number[];
}

export interface Load {
  /** The counts so far (the live report, not a copy). */
  peek(): LoadReport;
  /** Stops sending new work, lets each worker finish its create (retries included), reports. */
  stop(): Promise<LoadReport>;
}

type Answer = { kind: AnswerClass; status: number; body: unknown };

export function startLoad(options: LoadOptions): Load {
  const report: LoadReport = {
    requests: 0,
    answers: noAnswers(),
    acknowledged: new Map(),
    retriedCreates: 0,
    abandonedCreates: 0,
    successesSentAt: [],
  };
  let stopped = false;
  const send = sender(options, report);
  const worker = async (): Promise<void> => {
    while (!stopped) {
      await createNote(send, report, options.maxAttempts ?? 20);
      await send("/api/notes?page_size=5", {});
      await Bun.sleep(options.pauseMs ?? 10);
    }
  };
  const running = Array.from({ length: options.workers }, worker);
  return {
    peek: () => report,
    async stop() {
      stopped = true;
      await Promise.all(running);
      return report;
    },
  };
}

type Send = (path: string, init: { json?: unknown; key?: string }) => Promise<Answer>;

/** One request, classified and counted. */
function sender(options: LoadOptions, report: LoadReport): Send {
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  return async (path, { json, key }) => {
    const sentAt = performance.now();
    report.requests++;
    const answer = await options.browser
      .api(path, {
        method: json === undefined ? "GET" : "POST",
        json,
        headers: key === undefined ? {} : { "idempotency-key": key },
        signal: AbortSignal.timeout(timeoutMs),
      })
      .then(async (response): Promise<Answer> => {
        const body = await response.json().catch(() => null);
        return { kind: classOf(response.status), status: response.status, body };
      })
      .catch((): Answer => ({ kind: "no answer", status: 0, body: null }));
    report.answers[answer.kind]++;
    if (answer.kind === "2xx") {
      report.successesSentAt.push(sentAt);
    }
    return answer;
  };
}

/** Creates one note, sending it again with its key while the answer says "try again". */
async function createNote(send: Send, report: LoadReport, maxAttempts: number): Promise<void> {
  const key = crypto.randomUUID();
  const title = `chaos ${key}`;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt === 2) {
      report.retriedCreates++;
    }
    const answer = await send("/api/notes", { json: { title, body: "under load" }, key });
    if (answer.status === 201) {
      report.acknowledged.set(title, (answer.body as { id: string }).id);
      return;
    }
    if (!retryable(answer.kind)) {
      break;
    }
    // Backs off as a client would, so an outage is not met with a storm.
    await Bun.sleep(Math.min(50 * attempt, 500));
  }
  report.abandonedCreates++;
}

/** Answers after which the same create may be sent again with its key. */
function retryable(kind: AnswerClass): boolean {
  return kind === "503" || kind === "504" || kind === "no answer";
}

const classes: Record<number, AnswerClass> = { 503: "503", 504: "504" };

/** The class of an HTTP status; one the API never gives (a redirect) counts as a server fault. */
export function classOf(status: number): AnswerClass {
  if (status >= 200 && status < 300) {
    return "2xx";
  }
  if (status >= 400 && status < 500) {
    return "4xx";
  }
  return classes[status] ?? "other 5xx";
}
