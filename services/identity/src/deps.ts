import type { SessionsRepo } from "./db/sessions.ts";
import type { UsersRepo } from "./db/users.ts";
import type { SessionToken } from "./session-token.ts";

/** Everything the handlers use; main.ts builds the real ones, tests pass fakes. */
export interface Deps {
  users: UsersRepo;
  sessions: SessionsRepo;
  /** New user ids: UUIDv7, so that id order is creation order. */
  newId: () => string;
  /** The clock sessions expire and renew by. */
  now: () => Date;
  /** A fresh random session token. */
  newSessionToken: () => SessionToken;
  /** How long after its creation a session is refused, however active (config). */
  sessionAbsoluteLifetimeMs: number;
}
