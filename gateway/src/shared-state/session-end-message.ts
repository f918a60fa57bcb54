import type { SessionEnd } from "../auth/session-ends.ts";

// What replicas publish: `{"s":"<session id>"}` or `{"u":"<user id>"}`. Ids only, never a token.
const MAX_ID_LENGTH = 200;

export function encodeSessionEnd(end: SessionEnd): string {
  return JSON.stringify("userId" in end ? { u: end.userId } : { s: end.sessionId });
}

/** The end a message names, or null for anything else (it is dropped, never thrown). */
export function decodeSessionEnd(message: string): SessionEnd | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) {
    return null;
  }
  const { s, u } = parsed as { s?: unknown; u?: unknown };
  if (isId(s) && u === undefined) {
    return { sessionId: s };
  }
  if (isId(u) && s === undefined) {
    return { userId: u };
  }
  return null;
}

function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_ID_LENGTH;
}
