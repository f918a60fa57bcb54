/** A gateway error answer: the status and the `{ error: { code, message, requestId } }` body. */
export interface ErrorAnswer {
  status: number;
  code: string;
  message: string;
  requestId: string;
}

// What must never reach a client: stack frames and database internals.
const LEAKS = [
  /\n\s*at\s/,
  /\bat\s+\S+\s+\(/,
  /\.(?:ts|js|mjs):\d+/,
  /SQLSTATE|relation "|syntax error/i,
];

/**
 * Reads an error answer, throwing unless it is JSON of exactly the gateway's error shape, its
 * requestId is the X-Request-Id header, and nothing in it looks like a stack trace or SQL.
 */
export async function errorAnswer(response: Response): Promise<ErrorAnswer> {
  const text = await response.text();
  const fail = (why: string): never => {
    throw new Error(`${why}: ${response.status} ${text}`);
  };
  if (!(response.headers.get("content-type") ?? "").startsWith("application/json")) {
    fail("not a JSON answer");
  }
  const body: unknown = JSON.parse(text);
  const error = isRecord(body) && Object.keys(body).length === 1 ? body.error : undefined;
  if (
    !isRecord(error) ||
    Object.keys(error).sort().join() !== "code,message,requestId" ||
    typeof error.code !== "string" ||
    typeof error.message !== "string" ||
    typeof error.requestId !== "string"
  ) {
    return fail("not the error shape");
  }
  if (error.requestId === "" || error.requestId !== response.headers.get("x-request-id")) {
    fail("requestId is not the X-Request-Id");
  }
  if (LEAKS.some((leak) => leak.test(text))) {
    fail("leaks internals");
  }
  return {
    status: response.status,
    code: error.code,
    message: error.message,
    requestId: error.requestId,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
