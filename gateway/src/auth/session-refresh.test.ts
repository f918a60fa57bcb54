import { expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import type { IdentityClient } from "../clients.ts";
import { fakeIdentity, GOOD_TOKEN, grpcError, USER } from "../testing/fake-clients.ts";
import { batchedSessionCheck, refreshBatching } from "./session-refresh.ts";

const BAD_TOKEN = "badsessionid000000000000.badsecret0000000000000000";

function outcomes(checks: Promise<unknown>[]) {
  return Promise.all(
    checks.map((check) =>
      check.then(
        (session) => ({ user: (session as { user: unknown }).user }),
        (error: { code?: number }) => ({ code: error.code }),
      ),
    ),
  );
}

function batchSizes(calls: { method: string; request: unknown }[]): number[] {
  return calls
    .filter((call) => call.method === "validateSessions")
    .map((call) => (call.request as { sessionTokens: string[] }).sessionTokens.length);
}

test("re-checks that fall due together reach identity in one call, each answered on its own", async () => {
  const identity = fakeIdentity();
  const check = batchedSessionCheck(identity, { delayMs: 5, maxBatch: 64 });

  const answers = await outcomes([check(GOOD_TOKEN), check(BAD_TOKEN), check(GOOD_TOKEN)]);

  expect(answers).toEqual([{ user: USER }, { code: status.UNAUTHENTICATED }, { user: USER }]);
  expect(identity.calls).toEqual([
    { method: "validateSessions", request: { sessionTokens: [GOOD_TOKEN, BAD_TOKEN, GOOD_TOKEN] } },
  ]);
});

test("re-checks further apart than the delay go in separate calls", async () => {
  const identity = fakeIdentity();
  const check = batchedSessionCheck(identity, { delayMs: 5, maxBatch: 64 });

  await check(GOOD_TOKEN);
  await check(GOOD_TOKEN);

  expect(batchSizes(identity.calls)).toEqual([1, 1]);
});

test("more re-checks than maxBatch are split over several calls", async () => {
  const identity = fakeIdentity();
  const check = batchedSessionCheck(identity, { delayMs: 5, maxBatch: 2 });

  await outcomes(Array.from({ length: 5 }, () => check(GOOD_TOKEN)));

  expect(batchSizes(identity.calls)).toEqual([2, 2, 1]);
});

test("a failed call rejects every re-check of its batch with the failure", async () => {
  const identity = fakeIdentity({ failure: grpcError(status.UNAVAILABLE, "connection refused") });
  const check = batchedSessionCheck(identity, { delayMs: 5, maxBatch: 64 });

  expect(await outcomes([check(GOOD_TOKEN), check(BAD_TOKEN)])).toEqual([
    { code: status.UNAVAILABLE },
    { code: status.UNAVAILABLE },
  ]);
});

test("an identity without ValidateSessions is asked one token at a time, from then on", async () => {
  const single = fakeIdentity();
  let batchCalls = 0;
  const oldIdentity: Pick<IdentityClient, "validateSession" | "validateSessions"> = {
    validateSession: single.validateSession,
    validateSessions: async () => {
      batchCalls++;
      throw grpcError(status.UNIMPLEMENTED, "unknown method ValidateSessions");
    },
  };
  const check = batchedSessionCheck(oldIdentity, { delayMs: 5, maxBatch: 64 });

  const first = await outcomes([check(GOOD_TOKEN), check(BAD_TOKEN)]);
  const later = await outcomes([check(GOOD_TOKEN)]);

  expect(first).toEqual([{ user: USER }, { code: status.UNAUTHENTICATED }]);
  expect(later).toEqual([{ user: USER }]);
  expect(batchCalls).toBe(1);
  expect(single.calls.map((call) => call.request)).toEqual([
    { sessionToken: GOOD_TOKEN },
    { sessionToken: BAD_TOKEN },
    { sessionToken: GOOD_TOKEN },
  ]);
});

test.each([
  { ttlMs: 5_000, delayMs: 100 },
  { ttlMs: 60_000, delayMs: 100 },
  { ttlMs: 500, delayMs: 50 },
  { ttlMs: 1, delayMs: 0 },
])("a TTL of $ttlMs ms batches re-checks over $delayMs ms", ({ ttlMs, delayMs }) => {
  expect(refreshBatching(ttlMs)).toEqual({ delayMs, maxBatch: 64 });
});
