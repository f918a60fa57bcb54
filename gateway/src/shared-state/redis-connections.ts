import type { Logger } from "@trellis/service-kit";
import { Redis, type RedisOptions } from "ioredis";

/** The gateway's two connections to the Redis its replicas share (SHARED_STATE_URL). */
export interface SharedState {
  /** Rate-limit scripts and PUBLISH. */
  commands: Redis;
  /** SUBSCRIBE only: a subscribed connection takes no other command. */
  subscriber: Redis;
  close(): void;
}

// A request never waits for Redis: while it is away a command fails at once (no offline queue,
// no retry), one that hangs fails after 250 ms, and the caller falls back (rate-limit-shared.ts,
// session-end-channel.ts). Reconnecting goes on for ever, at most 2 s apart.
const connectionOptions: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 250,
  connectTimeout: 1_000,
  retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  // session-end-channel.ts subscribes on every "ready" itself, so it knows when it is listening.
  autoResubscribe: false,
  keepAlive: 10_000,
};

/** Opens both connections; they connect and reconnect in the background. */
export function connectSharedState(url: string, log: Logger): SharedState {
  const commands = new Redis(url, { ...connectionOptions, connectionName: "gateway" });
  const subscriber = new Redis(url, { ...connectionOptions, connectionName: "gateway-ends" });
  for (const [role, connection] of [
    ["commands", commands],
    ["subscriber", subscriber],
  ] as const) {
    logTransitions(connection, role, log);
  }
  return {
    commands,
    subscriber,
    close() {
      commands.disconnect();
      subscriber.disconnect();
    },
  };
}

/**
 * One line when a connection is lost and one when it is back, not one per reconnect attempt;
 * never the URL (it may hold a password).
 */
function logTransitions(connection: Redis, role: string, log: Logger): void {
  let lost = false;
  let connected = false;
  connection.on("ready", () => {
    if (!connected) {
      connected = true;
      log.info({ shared_state: role }, "shared state connected");
    } else if (lost) {
      log.info({ shared_state: role }, "shared state reachable again");
    }
    lost = false;
  });
  const down = (reason: string) => {
    if (!lost) {
      lost = true;
      log.warn({ shared_state: role, reason }, "shared state unreachable");
    }
  };
  // Listening to "error" also keeps ioredis from printing each failed attempt to stderr.
  connection.on("error", (error: Error) => down(error.message));
  connection.on("close", () => down("connection closed"));
}
