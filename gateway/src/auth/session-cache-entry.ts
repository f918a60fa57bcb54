import type { ValidatedSession } from "./session-cache.ts";

/** A cached check. */
export interface Entry {
  /** Identity's answer as it came, to know which check made this entry. */
  answer: ValidatedSession;
  /** The answer as reused: `renewed` false. */
  session: ValidatedSession;
  /** The session's expiry, ms. */
  expires: number;
  /** The expiry the browser's cookie was last set to (0 when it must be set). */
  cookieUntil: number;
  /** Served until then (the TTL, or the session's expiry when sooner). */
  until: number;
  /** A request after this starts a background re-check. */
  refreshAt: number;
}

/** The session as one request gets it: `renewed` the first time after the expiry moved. */
export function serveEntry(entry: Entry): ValidatedSession {
  if (entry.expires <= entry.cookieUntil) {
    return entry.session;
  }
  // This request's guard sets the cookie; the next ones need not.
  entry.cookieUntil = entry.expires;
  return { ...entry.session, renewed: true };
}
