import { expect, test } from "bun:test";
import { silentLogger } from "@trellis/service-kit";
import { startSessionCleanup } from "./session-cleanup.ts";
import { fakeSessions } from "./testing/fake-sessions.ts";
import { day, fromNow, NEW_TOKEN, NOW, session } from "./testing/fixtures.ts";

const live = session();
const expired = session({ id: NEW_TOKEN.id, expiresAt: fromNow(-day) });
const options = { everyMs: 20, timeoutMs: 1_000, log: silentLogger() };

/** Waits up to 10 s for `done`: timers may run late on a busy machine, and it ends when done. */
async function eventually(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !done(); i++) {
    await Bun.sleep(10);
  }
}

test("sweeps at once, then on every tick, until stopped", async () => {
  const sessions = fakeSessions([live, expired]);
  const cleanup = startSessionCleanup({ sessions, now: () => NOW }, options);
  expect(sessions.calls).toEqual([{ method: "deleteExpired", now: NOW }]);
  await eventually(() => sessions.calls.length >= 3);
  cleanup.stop();
  expect(sessions.records()).toEqual([live]);
  const sweeps = sessions.calls.length;
  expect(sweeps).toBeGreaterThanOrEqual(3);
  await Bun.sleep(60);
  expect(sessions.calls).toHaveLength(sweeps);
});

test("a failed sweep is retried at the next tick, not thrown", async () => {
  const sessions = fakeSessions(new Error("connection refused"));
  const cleanup = startSessionCleanup({ sessions, now: () => NOW }, options);
  await eventually(() => sessions.calls.length >= 2);
  cleanup.stop();
  expect(sessions.calls.length).toBeGreaterThanOrEqual(2);
});
