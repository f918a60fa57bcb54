import type { User } from "@trellis/contracts/identity/v1";
import type { Caller } from "@trellis/service-kit";
import type { Outcome } from "@trellis/testing";
import { defaultAbsoluteLifetimeMs, type SessionRecord, sessionLifetimeMs } from "../session.ts";
import { formatSessionToken, hashSecret, type SessionToken } from "../session-token.ts";
import { toUserMessage, type UserRecord } from "../user.ts";

// UUIDv7-shaped constants, so test data looks like what the service stores.
export const USER_ID = "0190a1b2-0000-7000-8000-00000000aaaa";
export const OTHER_USER_ID = "0190a1b2-0000-7000-8000-00000000bbbb";
/** The id a handler under test gets from its `newId` dep. */
export const NEW_ID = "0190a1b2-0000-7000-8000-0000000000ff";

/** When stored fixture users and sessions were written. */
export const EARLIER = new Date("2025-01-02T03:04:05.000Z");
/** The handlers' clock, and the fake repositories': calls happen now. */
export const NOW = new Date("2025-03-01T12:00:00.000Z");

/** The stored session's token. */
export const TOKEN: SessionToken = {
  id: "abcdefghijkmnpqrstuvwxyz",
  secret: "23456789abcdefghijkmnpqr",
};
/** The token a handler under test gets from its `newSessionToken` dep. */
export const NEW_TOKEN: SessionToken = {
  id: "zyxwvutsrqpnmkjihgfedcba",
  secret: "98765432zyxwvutsrqpnmkji",
};
export const TOKEN_TEXT = formatSessionToken(TOKEN);
export const NEW_TOKEN_TEXT = formatSessionToken(NEW_TOKEN);

/** `ms` milliseconds after NOW (before it when negative). */
export function fromNow(ms: number): Date {
  return new Date(NOW.getTime() + ms);
}

export const day = 24 * 60 * 60 * 1000;
/** When a session created or renewed NOW expires. */
export const FRESH_EXPIRY = fromNow(sessionLifetimeMs);
/** The handlers' absolute session lifetime: the default, 90 days. */
export const ABSOLUTE_LIFETIME_MS = defaultAbsoluteLifetimeMs;

/** A caller whose call never ends early. */
export function caller(userId: string = USER_ID): Caller {
  return { userId, signal: new AbortController().signal };
}

/** What an internal handler gets for a call that never ends early. */
export function call(): { signal: AbortSignal } {
  return { signal: new AbortController().signal };
}

/** A stored user, USER_ID, unchanged since EARLIER. */
export function user(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: USER_ID,
    name: "Ada Lovelace",
    email: "ada@example.com",
    avatarUrl: "https://avatars.example.com/u/42",
    createdAt: EARLIER,
    ...overrides,
  };
}

/** `user(overrides)` as the API returns it. */
export function userMessage(overrides: Partial<UserRecord> = {}): User {
  return toUserMessage(user(overrides));
}

/** USER_ID's stored session for TOKEN, created EARLIER, with 20 days left. */
export function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: TOKEN.id,
    userId: USER_ID,
    secretHash: hashSecret(TOKEN.secret),
    createdAt: EARLIER,
    expiresAt: fromNow(20 * day),
    ...overrides,
  };
}

/** The one answer to every token that does not name a live session. */
export const rejectedSession: Outcome<never> = {
  code: "UNAUTHENTICATED",
  message: "invalid or expired session",
};
