import type { Logger } from "@trellis/service-kit";
import type { SessionValidator } from "../auth/session-cache.ts";
import type { SessionEnd } from "../auth/session-ends.ts";
import type { SharedState } from "./redis-connections.ts";
import { decodeSessionEnd, encodeSessionEnd } from "./session-end-message.ts";

/** What hears the ends other replicas make: the session cache. */
export type SessionEndSink = Pick<SessionValidator, "endedElsewhere" | "setEndsReach">;

/** How gateway replicas tell each other of the sessions they end. */
export interface SessionEndChannel {
  /** Tells every replica (this one too) of `end`; never rejects. */
  publish(end: SessionEnd): Promise<void>;
  /** Delivers the ends to `sink`, and tells it whether they can reach it (not until subscribed). */
  attach(sink: SessionEndSink): void;
  close(): void;
}

const CHANNEL = "trellis:gateway:session-ends";
// A subscription that answers no PING within the command timeout is taken for lost: a peer gone
// without a FIN would otherwise look alive until TCP keepalive notices, minutes later.
const HEARTBEAT_MS = 500;

/**
 * Session ends over Redis pub/sub. The subscriber subscribes on each (re)connection and only then
 * tells the sink that ends reach it; from a lost connection (or a heartbeat without answer) until
 * then, the sink is told they do not, and keeps no entry longer than a second.
 */
export function redisSessionEndChannel(state: SharedState, log: Logger): SessionEndChannel {
  const { subscriber } = state;
  let sink: SessionEndSink | null = null;
  let reached = false;
  const setReached = (now: boolean) => {
    if (now !== reached) {
      reached = now;
      sink?.setEndsReach(now);
    }
  };
  const subscribe = () => {
    subscriber.subscribe(CHANNEL).then(
      () => setReached(true),
      () => subscriber.disconnect(true),
    );
  };
  subscriber.on("ready", subscribe);
  subscriber.on("close", () => setReached(false));
  subscriber.on("message", (channel: string, message: string) => {
    const end = channel === CHANNEL ? decodeSessionEnd(message) : null;
    if (end !== null) {
      sink?.endedElsewhere(end);
    }
  });
  const heartbeat = setInterval(() => {
    if (reached) {
      subscriber.ping().catch(() => {
        setReached(false);
        subscriber.disconnect(true);
      });
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    async publish(end) {
      await state.commands.publish(CHANNEL, encodeSessionEnd(end)).catch((error: Error) => {
        // The other replicas keep the session at most their TTL, as with no shared state.
        log.warn({ err: error.message }, "could not publish a session end to the other replicas");
      });
    },
    attach(next) {
      sink = next;
      next.setEndsReach(reached);
    },
    close() {
      clearInterval(heartbeat);
    },
  };
}
