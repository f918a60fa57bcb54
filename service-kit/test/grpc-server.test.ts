import { afterEach, describe, expect, test } from "bun:test";
import { connect } from "node:http2";
import { status } from "@grpc/grpc-js";
import { testCallerKeys } from "@trellis/testing";
import { pino } from "pino";
import { parseSigningKey } from "../src/caller/caller-keys.ts";
import { checkHealth } from "../src/client/check-health.ts";
import { createClient } from "../src/client/client.ts";
import type { Logger } from "../src/log.ts";
import type { Unary } from "../src/server/bind-service.ts";
import type { GrpcServer } from "../src/server/grpc-server.ts";
import { MAX_MESSAGE_BYTES } from "../src/wire/limits.ts";
import {
  ECHO_SERVICE_NAME,
  type EchoRequest,
  type EchoResponse,
  echoService,
  startEchoHost as startEcho,
} from "./support/echo-service.ts";
import { eventually } from "./support/eventually.ts";
import { healthStatus, watchHealth } from "./support/health.ts";

const USER_ID = "0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69";

const hosts: GrpcServer[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.shutdown()));
});

async function startEchoHost(
  options: {
    handler?: Unary<EchoRequest, EchoResponse>;
    shutdownDelayMs?: number;
    log?: Logger;
    maxConnections?: number;
  } = {},
): Promise<GrpcServer> {
  const host = await startEcho(options);
  hosts.push(host);
  return host;
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve = (): void => {};
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** The gRPC code a failed call ended with, or "ok". */
function codeOf(result: Promise<unknown>): Promise<number | "ok"> {
  return result.then(
    () => "ok" as const,
    (error: { code: number }) => error.code,
  );
}

describe("startGrpcServer health", () => {
  test.each([
    { name: "the whole server", service: "" },
    { name: "the service", service: ECHO_SERVICE_NAME },
  ])("reports NOT_SERVING for $name until markServing(), then SERVING", async ({ service }) => {
    const host = await startEchoHost();

    expect(await healthStatus(host.port, service)).toBe("NOT_SERVING");
    host.markServing();
    expect(await healthStatus(host.port, service)).toBe("SERVING");
  });

  test("checkHealth reads the same answers as the reference grpc-health-check encoding", async () => {
    const host = await startEchoHost();
    const address = `127.0.0.1:${host.port}`;

    expect(await checkHealth(address, { timeoutMs: 2_000 })).toBe("NOT_SERVING");
    host.markServing();
    expect(await checkHealth(address, { timeoutMs: 2_000 })).toBe("SERVING");
    expect(await checkHealth(address, { service: ECHO_SERVICE_NAME, timeoutMs: 2_000 })).toBe(
      "SERVING",
    );
  });

  test("answers NOT_FOUND for a service it does not host", async () => {
    const host = await startEchoHost();

    expect(await codeOf(healthStatus(host.port, "other.v1.Service"))).toBe(status.NOT_FOUND);
  });

  test("Watch streams each change and ends when shutdown begins, without holding it open", async () => {
    const lines: string[] = [];
    const host = await startEchoHost({
      log: pino({ level: "info" }, { write: (line: string) => lines.push(line) }),
    });
    const watch = watchHealth(host.port, "");
    expect(await eventually(async () => watch.updates.length === 1)).toBe(true);

    host.markServing();
    expect(await eventually(async () => watch.updates.length === 2)).toBe(true);
    await host.shutdown();

    expect(await watch.ended).toBeNull();
    expect(watch.updates).toEqual(["NOT_SERVING", "SERVING", "NOT_SERVING"]);
    expect(lines.join("")).not.toContain("drain timed out");
  });
});

describe("GrpcServer.shutdown", () => {
  test("reports NOT_SERVING, lets an in-flight call finish, then refuses new calls", async () => {
    const started = deferred();
    const release = deferred();
    // The delay is the window in which both checks below must see NOT_SERVING: two health calls
    // on loopback take milliseconds, and 2 s leaves a loaded machine room to spare.
    const host = await startEchoHost({
      shutdownDelayMs: 2_000,
      handler: async (request, caller) => {
        started.resolve();
        await release.promise;
        return { text: request.text, userId: caller.userId };
      },
    });
    host.markServing();
    const client = createClient(echoService, `127.0.0.1:${host.port}`, {
      timeoutMs: 10_000,
      callerKey: parseSigningKey(testCallerKeys.signingKey),
    });
    try {
      const inFlight = client.echo({ text: "slow" }, { userId: USER_ID });
      await started.promise;

      const stopping = host.shutdown();

      expect(await healthStatus(host.port, "")).toBe("NOT_SERVING");
      expect(await healthStatus(host.port, ECHO_SERVICE_NAME)).toBe("NOT_SERVING");
      // After the delay the server takes no new connections, while the call above still runs.
      const refusing = async (): Promise<boolean> =>
        (await codeOf(healthStatus(host.port, ""))) === status.UNAVAILABLE;
      expect(await eventually(refusing, 10_000)).toBe(true);
      release.resolve();
      expect(await inFlight).toEqual({ text: "slow", userId: USER_ID });
      await stopping;
      expect(await codeOf(client.echo({ text: "late" }, { userId: USER_ID }))).toBe(
        status.UNAVAILABLE,
      );
    } finally {
      release.resolve();
      client.close();
    }
  });

  test("is idempotent", async () => {
    const host = await startEchoHost();

    await Promise.all([host.shutdown(), host.shutdown()]);
    await host.shutdown();

    expect(await codeOf(healthStatus(host.port, ""))).toBe(status.UNAVAILABLE);
  });
});

describe("startGrpcServer connection cap", () => {
  test("connections past maxConnections are closed, logged once per burst with a count and no address", async () => {
    const lines: string[] = [];
    const host = await startEchoHost({
      maxConnections: 1,
      log: pino({ level: "info", base: null }, { write: (line: string) => lines.push(line) }),
    });
    const url = `http://127.0.0.1:${host.port}`;
    const held = connect(url);
    await new Promise((resolve) => held.once("remoteSettings", resolve));
    const refused = [connect(url), connect(url), connect(url)];
    await Promise.all(
      refused.map(
        (session) => new Promise((resolve) => session.on("error", resolve).once("close", resolve)),
      ),
    );
    await host.shutdown(); // reports the burst now, not at the end of its 10 s
    held.destroy();

    const reports = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => "refused" in line)
      .map(({ time: _, ...rest }) => rest);
    expect(reports).toEqual([
      {
        level: 40,
        refused: 3,
        max_connections: 1,
        msg: "connections refused: the server holds its maximum",
      },
    ]);
  });
});

describe("startGrpcServer message limits", () => {
  test("an answer over MAX_MESSAGE_BYTES fails where it is made, before it is sent", async () => {
    const host = await startEchoHost({
      handler: async () => ({ text: "x".repeat(MAX_MESSAGE_BYTES), userId: "" }),
    });
    host.markServing();
    const client = createClient(echoService, `127.0.0.1:${host.port}`, {
      timeoutMs: 5_000,
      callerKey: parseSigningKey(testCallerKeys.signingKey),
    });
    try {
      const got = await client.echo({ text: "big" }, { userId: USER_ID }).catch((error) => error);

      // The client refuses such a message too, with "Received message larger than max".
      expect({ code: got.code, details: got.details }).toEqual({
        code: status.RESOURCE_EXHAUSTED,
        details: expect.stringMatching(/^Sent message larger than max/),
      });
    } finally {
      client.close();
    }
  });
});
