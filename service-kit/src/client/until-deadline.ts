import { status } from "../wire/status.ts";
import { CallError } from "./call-error.ts";

/**
 * `work`'s result, unless the call's deadline passes or its signal aborts first: a connection
 * that takes long to open is shared by every call waiting for it, but each waits only its own time.
 */
export function untilDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<T | CallError> {
  if (signal?.aborted) {
    return Promise.resolve(new CallError(status.CANCELLED, "Cancelled on client"));
  }
  if (timeoutMs <= 0) {
    return Promise.resolve(
      new CallError(status.DEADLINE_EXCEEDED, "Deadline exceeded while connecting"),
    );
  }
  return new Promise((resolve) => {
    const end = (result: T | CallError): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", cancel);
      resolve(result);
    };
    const cancel = (): void => end(new CallError(status.CANCELLED, "Cancelled on client"));
    const timer = setTimeout(
      () =>
        end(
          new CallError(
            status.DEADLINE_EXCEEDED,
            `Deadline of ${Math.ceil(timeoutMs)} ms exceeded while connecting`,
          ),
        ),
      timeoutMs,
    );
    signal?.addEventListener("abort", cancel, { once: true });
    work.then(end);
  });
}
