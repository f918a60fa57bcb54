import { expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import { type HealthStatus, silentLogger, startGrpcServer } from "@trellis/service-kit";
import { createHealthProbe, type HealthClient } from "./health-probe.ts";

const IDENTITY = "127.0.0.1:50052";
const NOTES = "127.0.0.1:50051";

/** Clients that answer SERVING, recording each one made, each check and each close. */
function fakeConnect() {
  const made: string[] = [];
  const checks: string[] = [];
  const closed: string[] = [];
  const connect = (address: string) => {
    made.push(address);
    return {
      async check() {
        checks.push(address);
        return { status: "SERVING" as HealthStatus };
      },
      close: () => closed.push(address),
    } satisfies HealthClient;
  };
  return { connect, made, checks, closed };
}

test("the probe makes one client per service up front and reuses it for every check", async () => {
  const fake = fakeConnect();
  const probe = createHealthProbe([IDENTITY, NOTES], { timeoutMs: 1_000, connect: fake.connect });

  const states: HealthStatus[] = [];
  for (let round = 0; round < 5; round++) {
    states.push(await probe(IDENTITY), await probe(NOTES));
  }
  probe.close();

  expect(fake.made).toEqual([IDENTITY, NOTES]);
  expect(fake.checks.length).toBe(10);
  expect(new Set(states)).toEqual(new Set(["SERVING"]));
  expect(fake.closed).toEqual([IDENTITY, NOTES]);
});

test("the probe refuses an address it was not made for, rather than connect to it", async () => {
  const fake = fakeConnect();
  const probe = createHealthProbe([IDENTITY], { timeoutMs: 1_000, connect: fake.connect });

  await expect(probe("169.254.169.254:80")).rejects.toThrow("no health client");
  expect(fake.made).toEqual([IDENTITY]);
});

test("over the wire: a kit server's health is read, and a stopped one is unreachable", async () => {
  const log = silentLogger();
  const host = await startGrpcServer({
    services: [],
    host: "127.0.0.1",
    port: 0,
    log,
    shutdownDelayMs: 0,
    shutdownGraceMs: 1_000,
  });
  const address = `127.0.0.1:${host.port}`;
  const probe = createHealthProbe([address], { timeoutMs: 2_000 });
  try {
    const starting = await probe(address);
    host.markServing();
    const serving = await probe(address);
    await host.shutdown();
    const stopped = await probe(address).catch((error: { code?: number }) => error.code);

    expect([starting, serving, stopped]).toEqual(["NOT_SERVING", "SERVING", status.UNAVAILABLE]);
  } finally {
    probe.close();
  }
});
