import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callerMetadata, GATEWAY_SUBJECT } from "@trellis/service-kit";
import { testCallerSecret } from "@trellis/service-kit/testing";
import { identityDatabase, realDeps, startIdentityServer } from "./identity-server.ts";

// Bun's http2 has had gRPC framing regressions (oven-sh/bun#21759, #29365): this file has a
// grpc-js client running under Node call the service hosted by Bun, as the gateway would.

const db = await identityDatabase();
/**
 * ValidateSession of the session id `waitwait...` waits up to 3 s for its call to end before
 * querying, so a deadline has something to cut short; each records whether its signal fired.
 */
const WAIT_ID = "wait".repeat(6);
const waits: { aborted: boolean; waitedMs: number }[] = [];
const deps = realDeps(db);
const server = await startIdentityServer(db, {
  sessions: {
    ...deps.sessions,
    async findWithUser(id, signal) {
      if (id === WAIT_ID) {
        const started = performance.now();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 3_000);
          signal.addEventListener("abort", () => {
            clearTimeout(timer);
            resolve();
          });
        });
        waits.push({ aborted: signal.aborted, waitedMs: performance.now() - started });
      }
      return deps.sessions.findWithUser(id, signal);
    },
  },
});
const outDir = await mkdtemp(join(tmpdir(), "identity-interop-"));
let results: Record<string, unknown> = {};

beforeAll(async () => {
  const build = await Bun.build({
    entrypoints: [join(import.meta.dir, "fixtures", "node-client.ts")],
    target: "node",
    outdir: outDir,
  });
  if (!build.success) {
    throw new AggregateError(build.logs, "building the Node client failed");
  }
  const [identity] = callerMetadata(GATEWAY_SUBJECT, testCallerSecret).get("x-trellis-caller");
  const args = [join(outDir, "node-client.js"), String(server.port), String(identity)];
  const child = Bun.spawn(["node", ...args], { stdout: "pipe", stderr: "pipe", timeout: 20_000 });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  if (code !== 0) {
    throw new Error(`node client exited with ${code}: ${stderr}`);
  }
  results = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
}, 30_000);

afterAll(async () => {
  await server.stop();
  await db.close();
  await rm(outDir, { recursive: true, force: true });
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
