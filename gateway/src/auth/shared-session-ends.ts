import { sessionIdOf } from "../http/session-rate-limit.ts";
import type { SessionEndChannel } from "../shared-state/session-end-channel.ts";
import type { SessionValidator } from "./session-cache.ts";
import type { SessionEnd } from "./session-ends.ts";

/**
 * The validator of one gateway among replicas: the ends it makes (logout, sign out everywhere, a
 * new sign-in replacing a session) are published once identity has deleted, and the ends the
 * others make drop what this one caches. Without a channel (no SHARED_STATE_URL), `validator`.
 */
export function withSharedEnds(
  validator: SessionValidator,
  channel: SessionEndChannel | undefined,
): SessionValidator {
  if (channel === undefined) {
    return validator;
  }
  channel.attach(validator);
  return {
    ...validator,
    end: (token, remove) =>
      published(validator.end(token, remove), channel, { sessionId: sessionIdOf(token) }),
    endAllOf: (userId, remove) =>
      published(validator.endAllOf(userId, remove), channel, { userId }),
  };
}

// Published whether or not identity answered, as the local cache drops it either way: a
// replica dropping a live session only re-checks it. Awaited, so that when the browser hears
// "signed out" the other replicas have been told.
async function published<T>(
  ending: Promise<T>,
  channel: SessionEndChannel,
  end: SessionEnd,
): Promise<T> {
  try {
    return await ending;
  } finally {
    await channel.publish(end);
  }
}
