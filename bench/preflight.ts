import { SESSION_COOKIE } from "./stack.ts";

export interface PreflightRequest {
  method: "GET" | "POST";
  url: string;
  expectedStatus: number;
  /** A session token to send as the cookie, or null for none. */
  sessionToken: string | null;
  /** A JSON body, sent with the `origin` the gateway's CSRF check wants. */
  body?: { json: string; origin: string };
}

/**
 * One request by hand before any load, so that a scenario whose route does not answer as
 * expected (a 401 from a bad seed, a 3xx, a 415) fails with that answer instead of a count.
 * Returns what went wrong, or null.
 */
export async function preflight(request: PreflightRequest): Promise<string | null> {
  const headers: Record<string, string> = {};
  if (request.sessionToken !== null) {
    headers.cookie = `${SESSION_COOKIE}=${request.sessionToken}`;
  }
  if (request.body !== undefined) {
    headers.origin = request.body.origin;
    headers["content-type"] = "application/json";
  }
  const what = `${request.method} ${request.url}`;
  const response = await fetch(request.url, {
    method: request.method,
    headers,
    body: request.body?.json,
    redirect: "manual",
    signal: AbortSignal.timeout(5_000),
  }).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  if (response instanceof Error) {
    return `${what} failed: ${response.message}`;
  }
  const text = await response.text();
  if (response.status !== request.expectedStatus) {
    return `${what} answered ${response.status}, not ${request.expectedStatus}: ${text.slice(0, 300)}`;
  }
  return null;
}
