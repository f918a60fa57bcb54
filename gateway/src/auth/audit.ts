import { createHash } from "node:crypto";
import type { Logger } from "@trellis/service-kit";
import { requestIdOf } from "../http/request-context.ts";

/**
 * Names a session in logs: the first 16 hex characters (64 bits) of SHA-256 of the token's id
 * half. Enough to tell one user's sessions apart and to match lines about the same one; nothing
 * that lets anyone act as the user (the secret half never enters it) or find the row by id.
 */
export function sessionHash(token: string): string {
  const id = token.split(".", 1)[0] ?? "";
  return createHash("sha256").update(id).digest("hex").slice(0, 16);
}

/**
 * The audit trail of sign-in and sign-out: one line per event, with `audit` naming it, the user
 * id and `session_hash`. Never a token, a secret, a code or a profile field.
 */
export interface AuditLog {
  signedIn(
    request: Request,
    event: { userId: string; token: string; provider: string; newUser: boolean },
  ): void;
  signedOut(request: Request, event: { userId: string; token: string }): void;
  signedOutEverywhere(
    request: Request,
    event: { userId: string; token: string; deletedCount: number },
  ): void;
  /** At warn: a sign-in that did not complete, with the code the browser is shown. */
  signInFailed(request: Request, event: { provider: string; reason: string }): void;
}

export function auditLog(log: Logger): AuditLog {
  const session = (request: Request, userId: string, token: string) => ({
    request_id: requestIdOf(request),
    user_id: userId,
    session_hash: sessionHash(token),
  });
  return {
    signedIn(request, { userId, token, provider, newUser }) {
      const fields = { ...session(request, userId, token), provider, new_user: newUser };
      log.info({ audit: "sign_in", ...fields }, "signed in");
    },
    signedOut(request, { userId, token }) {
      log.info({ audit: "sign_out", ...session(request, userId, token) }, "signed out");
    },
    signedOutEverywhere(request, { userId, token, deletedCount }) {
      const fields = { ...session(request, userId, token), deleted_count: deletedCount };
      log.info({ audit: "sign_out_everywhere", ...fields }, "signed out everywhere");
    },
    signInFailed(request, { provider, reason }) {
      const fields = { request_id: requestIdOf(request), provider, reason };
      log.warn({ audit: "sign_in_failed", ...fields }, "sign-in failed");
    },
  };
}
