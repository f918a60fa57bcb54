import type { SessionEnd } from "../auth/session-ends.ts";
import type { SessionEndChannel, SessionEndSink } from "../shared-state/session-end-channel.ts";

/**
 * Redis pub/sub as the replicas see it, in memory: what one publishes reaches every attached
 * sink at once (its own included), while the bus is reached.
 */
export function fakeSessionEndBus() {
  const sinks: SessionEndSink[] = [];
  const published: SessionEnd[] = [];
  let reached = true;
  const channel = (): SessionEndChannel => ({
    async publish(end) {
      published.push(end);
      if (reached) {
        for (const sink of sinks) {
          sink.endedElsewhere(end);
        }
      }
    },
    attach(sink) {
      sinks.push(sink);
      sink.setEndsReach(reached);
    },
    close: () => undefined,
  });
  return {
    channel,
    published,
    /** Loses (false) or regains (true) every replica's subscription at once. */
    setReached(now: boolean) {
      reached = now;
      for (const sink of sinks) {
        sink.setEndsReach(now);
      }
    },
  };
}
