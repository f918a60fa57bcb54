import type { User } from "@trellis/contracts/identity/v1";
import { type Static, t } from "elysia";
import {
  BUSY_RETRY_AFTER_DESCRIPTION,
  RATE_LIMITED_DESCRIPTION,
  RATE_LIMITED_RETRY_AFTER_DESCRIPTION,
  UNAVAILABLE_DESCRIPTION,
} from "../openapi/error-responses.ts";

// The REST shapes of contract messages. The mappers below are typed by both sides, so a
// contract change that breaks the REST API fails `bun run typecheck`, not a user.
//
// No `format` keywords: Elysia checks every response against these, and a `format` takes it
// off its fast path (a page of 20 notes cost 388 µs of gateway CPU with them, 51 without,
// measured in-process). The mappers build these objects from typed messages, so the check
// would guard nothing; the OpenAPI document still says what each string holds.
const uuid = () => t.String({ description: "a UUID" });
const timestamp = () => t.String({ description: "an RFC 3339 date-time in UTC" });

export const userJson = t.Object({
  id: uuid(),
  name: t.String(),
  email: t.String(),
  avatarUrl: t.String(),
  createTime: timestamp(),
});
export type UserJson = Static<typeof userJson>;

export const errorJson = t.Object({
  error: t.Object({ code: t.String(), message: t.String(), requestId: t.String() }),
});

/**
 * errorJson as the OpenAPI document shows an answer that carries Retry-After, in the generated
 * operations' words. Only the document reads `headers`; the response check ignores it.
 * `t.Unsafe`: Elysia's `t.Integer` would show as "a string or an integer".
 */
const errorWithRetryAfter = (description: string, retryAfter: string) =>
  t.Object(errorJson.properties, {
    description,
    headers: {
      "Retry-After": t.Unsafe<number>({ type: "integer", minimum: 0, description: retryAfter }),
    },
  });

/** A 429 of a rate limit, with Retry-After. */
export const rateLimitedJson = errorWithRetryAfter(
  RATE_LIMITED_DESCRIPTION,
  RATE_LIMITED_RETRY_AFTER_DESCRIPTION,
);

/** A 503, with the Retry-After a shed call carries (serviceBusy). */
export const busyJson = errorWithRetryAfter(UNAVAILABLE_DESCRIPTION, BUSY_RETRY_AFTER_DESCRIPTION);

export function toUserJson(user: User): UserJson {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    avatarUrl: user.avatarUrl,
    createTime: iso(user.createTime),
  };
}

function iso(time: Date | undefined): string {
  return time === undefined ? "" : time.toISOString();
}
