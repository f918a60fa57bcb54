import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { IdentityServiceService } from "@trellis/contracts/identity/v1";
import { createClient, parseSigningKey } from "@trellis/service-kit";
import { type MainProcess, spawnMain, testCallerKeys, waitForServing } from "@trellis/testing";
import { formatSessionToken, hashSecret, newSessionToken } from "../src/session-token.ts";
import { identityDatabase, serviceDir } from "./identity-server.ts";

// `bun src/main.ts` as a real process. On the embedded fallback the database takes one
// connection at a time: this file seeds through its own pool, closes it, and gives the child a
// pool of one.

const db = await identityDatabase();
const userId = Bun.randomUUIDv7();
const expired = newSessionToken();
const live = newSessionToken();
await db.sql`INSERT INTO users (id, name) VALUES (${userId}, 'Seeded')`;
for (const [token, expiresAt] of [
  [expired, new Date(Date.now() - 1_000)],
  [live, new Date(Date.now() + 20 * 24 * 60 * 60 * 1000)],
] as const) {
  await db.sql`
    INSERT INTO sessions (id, user_id, secret_hash, expires_at)
    VALUES (${token.id}, ${userId}, ${hashSecret(token.secret)}, ${expiresAt})`;
}
await db.sql.end();
afterAll(() => db.close());
/** Secrets of the tokens the service issued here: the log must hold none of them. */
const issued: string[] = [expired.secret, live.secret];

const startMain = (env: Record<string, string>, args: string[] = []): MainProcess =>
  spawnMain({ cwd: serviceDir, databaseUrl: db.url, env, args });

describe("bun src/main.ts", () => {
  let service: MainProcess;
  beforeAll(() => {
    // info: the startup sweep of expired sessions reports itself in the log.
    service = startMain({ LOG_LEVEL: "info" });
  });
  afterAll(() => service.kill());

  test("reaches SERVING on grpc.health.v1 Check", async () => {
    expect(await waitForServing(service.address, 15_000)).toBe("SERVING");
  }, 20_000);

  test("--healthcheck exits 0 and prints SERVING", async () => {
    const probe = startMain({ PORT: service.port }, ["--healthcheck"]);
    expect(await probe.exited).toBe(0);
    expect((await probe.stdout).trim()).toBe("SERVING");
  }, 10_000);

  test("answers CompleteOAuthLogin, ValidateSession and a seeded session", async () => {
    const client = createClient(IdentityServiceService, service.address, {
      timeoutMs: 5_000,
      callerKey: parseSigningKey(testCallerKeys.signingKey),
    });
    try {
      const login = await client.completeOAuthLogin({
        provider: "dev",
        providerUserId: "main-test",
        name: "From main",
        email: "",
        avatarUrl: "",
      });
      issued.push(login.sessionToken.split(".")[1] ?? login.sessionToken);
      const validated = await client.validateSession({ sessionToken: login.sessionToken });
      expect(validated.user).toEqual(login.user);
      const seeded = await client.validateSession({ sessionToken: formatSessionToken(live) });
      expect(seeded.user?.id).toBe(userId);
    } finally {
      client.close();
    }
  });

  test("exits with code 0 within a few seconds of SIGTERM", async () => {
    expect(await service.terminate(5_000)).toEqual({ code: 0, stderr: "" });
  }, 10_000);

  test("swept the one expired session at startup, and never logged a token", async () => {
    const log = await service.stdout;
    const sweeps = log
      .split("\n")
      .filter((line) => line.includes('"expired sessions deleted"'))
      .map((line) => JSON.parse(line).deleted);
    expect(sweeps).toEqual([1]);
    expect(issued).toHaveLength(3);
    for (const secret of issued) {
      expect(log).not.toContain(secret);
    }
  });
});

test("a malformed PORT makes it exit 1 naming PORT on stderr", async () => {
  const { exited, stderr } = startMain({ PORT: "abc" });
  expect(await exited).toBe(1);
  expect(await stderr).toContain("PORT");
}, 10_000);
