import { afterEach, expect, test } from "bun:test";
import { freePort, testCallerKeys } from "@trellis/testing";
import { parseSigningKey } from "../src/caller/caller-keys.ts";
import { createClient } from "../src/client/client.ts";
import { type Target, targetOf } from "../src/client/targets.ts";
import type { GrpcServer } from "../src/server/grpc-server.ts";
import { echoService, startEchoHost } from "./support/echo-service.ts";

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
}

/**
 * Makes `total` calls, `concurrency` at a time; `beforeEach` runs before each call starts and may
 * wait (the test acting at a given count of calls).
 */
async function load(
  client: Client,
  total: number,
  concurrency: number,
  beforeEach: (load: Load) => Promise<void> | void = () => {},
): Promise<Load> {
  const state: Load = { answers: new Map(), failures: [], started: 0, inFlight: 0 };
  const worker = async (): Promise<void> => {
    while (state.started < total) {
      await beforeEach(state);
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
