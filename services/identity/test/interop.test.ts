import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { IdentityServiceService } from "@trellis/contracts/identity/v1";
import { runNodeClient, type Stall, stall } from "@trellis/testing";
import { identityDatabase, realDeps, startIdentityServer } from "./identity-server.ts";

// Bun's http2 has had gRPC framing regressions (oven-sh/bun#21759, #29365): this file has a
// grpc-js client running under Node call the service hosted by Bun, as the gateway would.

const db = await identityDatabase();
/**
 * ValidateSession of the session id `waitwait...` stalls up to 3 s before querying, so a
 * deadline has something to cut short; each records whether its signal fired.
 */
const WAIT_ID = "wait".repeat(6);
const waits: Stall[] = [];
const deps = realDeps(db);
const server = await startIdentityServer(db, {
  sessions: {
    ...deps.sessions,
    async findWithUser(id, signal) {
      if (id === WAIT_ID) {
        waits.push(await stall(signal, 3_000));
      }
      return deps.sessions.findWithUser(id, signal);
    },
  },
});
let results: Record<string, unknown> = {};

beforeAll(async () => {
  const client = join(import.meta.dir, "fixtures", "node-client.ts");
  results = await runNodeClient(client, {
    port: server.port,
    definition: IdentityServiceService,
  });
}, 30_000);

afterAll(async () => {
  await server.stop();
  await db.close();
});

const user = {
  id: expect.stringMatching(/^[0-9a-f-]{36}$/),
  name: "Nöde «client» ✓",
  email: "node@example.org",
  avatarUrl: "https://avatars.example.com/u/9001",
  createTime: expect.any(String),
};
const rejected = { code: "UNAUTHENTICATED", details: "invalid or expired session" };

test("CompleteOAuthLogin then ValidateSession round trip with the same user", () => {
  expect(results.login).toEqual({
    ok: {
      user,
      sessionToken: expect.stringMatching(/^[a-z2-9]{24}\.[a-z2-9]{24}$/),
      sessionExpireTime: expect.any(String),
      newUser: true,
    },
  });
  expect(results.validated).toEqual({
    ok: { user, sessionExpireTime: expect.any(String), renewed: false },
  });
});

test("UNAUTHENTICATED arrives with its details", () => {
  expect(results.forged).toEqual(rejected);
  expect(results.afterDelete).toEqual(rejected);
});

test("DeleteSession answers an empty message", () => {
  expect(results.deleted).toEqual({ ok: {} });
});

test("a Node client's deadline reaches the Bun server, which stops waiting", async () => {
  expect(results.deadlineSlow).toMatchObject({ code: "DEADLINE_EXCEEDED" });
  // The server's own deadline timer may fire just after the client gave up and exited.
  for (let i = 0; i < 100 && waits.length === 0; i++) {
    await Bun.sleep(20);
  }
  expect(waits).toHaveLength(1);
  for (const wait of waits) {
    expect(wait.aborted).toBe(true);
    expect(wait.waitedMs).toBeLessThan(2_000);
  }
});
