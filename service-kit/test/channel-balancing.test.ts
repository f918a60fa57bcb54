import { afterEach, expect, test } from "bun:test";
import { freePort, testCallerKeys } from "@trellis/testing";
import { parseSigningKey } from "../src/caller/caller-keys.ts";
import { createClient } from "../src/client/client.ts";
import { type Target, targetOf } from "../src/client/targets.ts";
import type { GrpcServer } from "../src/server/grpc-server.ts";
import { echoService, startEchoHost } from "./support/echo-service.ts";
import { eventually } from "./support/eventually.ts";
import { replicaProcess } from "./support/replica-process.ts";

// Three replicas of one service behind one name (a Kubernetes headless Service, Docker's DNS with
// several containers), each on its own loopback address (Linux routes all of 127/8 to lo) and the
// same port, as DNS would hand them out. Each replica answers with its own address, so the counts
// come from the answers. Outcomes are counts of calls, never times.

const ADDRESSES = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];
const NAME = "echo.internal:50051";
const callerKey = parseSigningKey(testCallerKeys.signingKey);
const USER_ID = "0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

/** An in-process replica on `host`:`port` that answers with its host. */
async function replica(
  host: string,
  port: number,
  age: { maxConnectionAgeMs?: number; maxConnectionAgeGraceMs?: number } = {},
): Promise<GrpcServer> {
  const server = await startEchoHost({
    host,
    port,
    ...age,
    handler: async () => ({ text: host, userId: "" }),
  });
  server.markServing();
  cleanups.push(() => server.shutdown());
  return server;
}

/** A name whose addresses the test changes, and how often the client asked for them. */
function dnsName(targets: Target[]) {
  const name = { targets, lookups: 0 };
  const resolveTargets = async (): Promise<Target[]> => {
    name.lookups++;
    return name.targets;
  };
  return { name, resolveTargets };
}

function clientOf(resolveTargets: () => Promise<Target[]>, resolveEveryMs?: number) {
  const client = createClient(echoService, NAME, {
    timeoutMs: 5_000,
    callerKey,
    resolveTargets,
    resolveEveryMs,
  });
  cleanups.push(() => client.close());
  return client;
}

type Client = ReturnType<typeof clientOf>;

interface Load {
  /** Answers per replica address. */
  answers: Map<string, number>;
  /** Each failed call: the number of calls started before it, and why it failed. */
  failures: { startedAfter: number; error: unknown }[];
  started: number;
  inFlight: number;
  /** Set to start no more calls. */
  stop: boolean;
}

/**
 * Makes `total` calls, `concurrency` at a time. `beforeEach` runs before each call starts (the test
 * acting at a given count of calls); while it returns a promise, the call waits for it and asks
 * again, so that nothing runs between its last answer and the call's start.
 */
async function load(
  client: Client,
  total: number,
  concurrency: number,
  beforeEach: (load: Load) => Promise<unknown> | undefined = () => undefined,
): Promise<Load> {
  const state: Load = { answers: new Map(), failures: [], started: 0, inFlight: 0, stop: false };
  const worker = async (): Promise<void> => {
    while (state.started < total && !state.stop) {
      for (let gate = beforeEach(state); gate !== undefined; gate = beforeEach(state)) {
        await gate;
      }
      if (state.started >= total || state.stop) {
        break;
      }
      const startedAfter = state.started++;
      state.inFlight++;
      try {
        const { text } = await client.echo({ text: "hi" }, { userId: USER_ID });
        state.answers.set(text, (state.answers.get(text) ?? 0) + 1);
      } catch (error) {
        state.failures.push({ startedAfter, error });
      } finally {
        state.inFlight--;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return state;
}

/** Each address's share of the answers, in percent, rounded down. */
function shares(answers: Map<string, number>, addresses: string[]): Record<string, number> {
  const total = [...answers.values()].reduce((sum, count) => sum + count, 0);
  return Object.fromEntries(
    addresses.map((address) => [address, Math.floor((100 * (answers.get(address) ?? 0)) / total)]),
  );
}

const within = (low: number, high: number) => (share: number) => share >= low && share <= high;

test("10,000 calls to a name with three replicas: each answers 25-42% of them, none fails", async () => {
  const port = freePort();
  for (const host of ADDRESSES) {
    await replica(host, port);
  }
  const { resolveTargets } = dnsName(ADDRESSES.map((host) => targetOf(host, port)));

  const run = await load(clientOf(resolveTargets), 10_000, 16);

  expect(run.failures).toEqual([]);
  const got = shares(run.answers, ADDRESSES);
  expect({ got, balanced: Object.values(got).every(within(25, 42)) }).toEqual({
    got,
    balanced: true,
  });
}, 60_000);

test("a replica SIGKILLed mid-run: no call fails but those in flight when it died, and the others take the rest", async () => {
  const port = freePort();
  const children = await Promise.all(ADDRESSES.map((host) => replicaProcess(host, port, cleanups)));
  const { resolveTargets } = dnsName(ADDRESSES.map((host) => targetOf(host, port)));
  const client = clientOf(resolveTargets);
  const killed = { inFlight: -1, started: -1, answersBefore: 0 };

  // From call 2,000 every call waits while the replica dies, so "in flight when it died" is
  // exactly the calls that had started and not ended: nothing starts between the kill and its exit.
  let dying: Promise<unknown> | undefined;
  let dead = false;
  const run = await load(client, 6_000, 16, (state) => {
    if (state.started >= 2_000 && dying === undefined) {
      killed.inFlight = state.inFlight;
      killed.started = state.started;
      killed.answersBefore = state.answers.get(ADDRESSES[0] as string) ?? 0;
      children[0]?.kill("SIGKILL");
      // The client learns of the dead connection from its socket's close, which may come after
      // the child's exit event: calls wait out a moment of idle event loop too, as none start
      // between a real crash and its peers' sockets closing.
      dying = children[0]?.exited
        .then(() => Bun.sleep(100))
        .then(() => {
          dead = true;
        });
    }
    return dead ? undefined : dying;
  });

  const failedLate = run.failures.filter((failure) => failure.startedAfter >= killed.started);
  expect({ failedLate, withinInFlight: run.failures.length <= killed.inFlight }).toEqual({
    failedLate: [],
    withinInFlight: true,
  });
  expect(run.answers.get(ADDRESSES[0] as string) ?? 0).toBeLessThanOrEqual(
    killed.answersBefore + killed.inFlight,
  );
  // The two left share what came after.
  const got = shares(run.answers, ADDRESSES.slice(1));
  expect(Object.values(got).every(within(40, 60))).toBe(true);
}, 60_000);

test("an address added to the name gets its share of calls once the client resolves again", async () => {
  const port = freePort();
  for (const host of ADDRESSES) {
    await replica(host, port);
  }
  const { name, resolveTargets } = dnsName(
    ADDRESSES.slice(0, 2).map((host) => targetOf(host, port)),
  );
  const client = clientOf(resolveTargets, 50);
  const before = await load(client, 1_000, 8);
  expect(before.answers.get(ADDRESSES[2] as string)).toBeUndefined();

  name.targets = ADDRESSES.map((host) => targetOf(host, port));
  const lookups = name.lookups;
  // Calls go on until the client has asked again (it asks at a call once 50 ms have passed).
  expect(
    await eventually(async () => {
      await client.echo({ text: "hi" }, { userId: USER_ID });
      return name.lookups > lookups;
    }),
  ).toBe(true);
  const after = await load(client, 3_000, 8);

  expect(after.failures).toEqual([]);
  expect(Object.values(shares(after.answers, ADDRESSES)).every(within(25, 42))).toBe(true);
}, 60_000);

test("servers ending connections at their maximum age: clients reconnect and resolve again, and no call fails", async () => {
  const port = freePort();
  for (const host of ADDRESSES) {
    await replica(host, port, { maxConnectionAgeMs: 100, maxConnectionAgeGraceMs: 5_000 });
  }
  const { name, resolveTargets } = dnsName(ADDRESSES.map((host) => targetOf(host, port)));
  const client = clientOf(resolveTargets);

  // Until the client has lost 10 connections to age (each makes it resolve again), at most 200,000.
  const run = await load(client, 200_000, 16, (state) => {
    state.stop = name.lookups > 10;
    return undefined;
  });

  expect({ failures: run.failures, reconnected: name.lookups > 10 }).toEqual({
    failures: [],
    reconnected: true,
  });
  expect(Object.values(shares(run.answers, ADDRESSES)).every(within(20, 46))).toBe(true);
}, 60_000);

test("grpc-js's client (the fallback) balances over the addresses too: 3,000 calls, each replica 25-42%", async () => {
  const port = freePort();
  for (const host of ADDRESSES) {
    await replica(host, port);
  }
  // grpc-js's own list of addresses for a name, as its DNS resolver would hand them over.
  const address = `ipv4:${ADDRESSES.map((host) => `${host}:${port}`).join(",")}`;
  const client = createClient(echoService, address, {
    timeoutMs: 5_000,
    callerKey,
    implementation: "grpc-js",
  });
  cleanups.push(() => client.close());

  const run = await load(client, 3_000, 16);

  expect(run.failures).toEqual([]);
  expect(Object.values(shares(run.answers, ADDRESSES)).every(within(25, 42))).toBe(true);
}, 60_000);
