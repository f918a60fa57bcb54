import { afterEach } from "bun:test";
import type { ClientHttp2Session } from "node:http2";
import type { H2GrpcServer } from "../../src/server/h2-server.ts";
import type { SessionLifetimeOptions } from "../../src/server/session-lifetime.ts";

/** Keepalive as the kit sets it and no maximum age: connections live as long as a test needs. */
export const noLifetime: SessionLifetimeOptions = {
  keepaliveTimeMs: 60_000,
  keepaliveTimeoutMs: 10_000,
  maxAgeMs: 0,
  maxAgeGraceMs: 0,
};

/**
 * Lists a test file pushes its servers and client sessions to; after each test the sessions are
 * destroyed and the servers drained, so no test leaves a port or a connection to the next.
 */
export function cleanedUpAfterEach(): {
  servers: H2GrpcServer[];
  sessions: ClientHttp2Session[];
} {
  const servers: H2GrpcServer[] = [];
  const sessions: ClientHttp2Session[] = [];
  afterEach(async () => {
    for (const session of sessions.splice(0)) {
      session.destroy();
    }
    await Promise.all(servers.splice(0).map((server) => server.drain(100)));
  });
  return { servers, sessions };
}
