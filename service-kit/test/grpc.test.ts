import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import { testCallerKeys } from "@trellis/testing";
import { pino } from "pino";
import { generateCallerKeys, parseSigningKey } from "../src/caller/caller-keys.ts";
import { CallError } from "../src/client/call-error.ts";
import { createClient, type PromiseClient } from "../src/client/client.ts";
import type { ClientImplementation } from "../src/client/unary-channel.ts";
import { invalidArgument, notFound } from "../src/errors.ts";
import type { Handlers } from "../src/server/bind-service.ts";
import type { GrpcServer } from "../src/server/grpc-server.ts";
import {
  type EchoServiceDefinition,
  echoService,
  ping,
  startEchoHost,
} from "./support/echo-service.ts";

const USER_ID = "0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69";

/** Resolves when `signal` aborts, with its reason. */
function abortOf(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(signal.reason);
    }
    signal.addEventListener("abort", () => resolve(signal.reason), { once: true });
  });
}

/** `promise`'s value, or "still pending" when it takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | "still pending"> {
  return Promise.race([promise, Bun.sleep(ms).then(() => "still pending" as const)]);
}

/** A failed call as the client sees it; anything else is returned as is. */
function asStatus(error: unknown): unknown {
  if (error instanceof Error && "code" in error && "details" in error) {
    return { code: error.code, details: error.details };
  }
  return error;
}

const logLines: string[] = [];
const log = pino({ level: "info" }, { write: (line: string) => logLines.push(line) });
const slowCalls: Promise<unknown>[] = [];

const handlers: Handlers<EchoServiceDefinition> = {
  async echo(request, caller) {
    switch (request.text) {
      case "invalid":
        throw invalidArgument("x: bad");
      case "missing":
        throw notFound("note 7 not found");
      case "crash":
        throw new Error("secret sql text");
      case "huge":
        throw invalidArgument(`x: ${"y".repeat(100_000)}`);
      case "lone surrogate":
        throw invalidArgument("x: \uD800");
      case "slow": {
        const aborted = abortOf(caller.signal);
        slowCalls.push(aborted);
        await within(aborted, 10_000);
        return { text: "too late", userId: caller.userId };
      }
      default:
        return { text: request.text, userId: caller.userId };
    }
  },
  ping,
};

let host: GrpcServer;
beforeAll(async () => {
  host = await startEchoHost({ handler: handlers.echo, log, shutdownGraceMs: 1_000 });
  host.markServing();
});
afterAll(async () => {
  await host.shutdown();
});

// Every behaviour holds with the kit's client and with its fallback, grpc-js's (GRPC_CLIENT).
const implementations: ClientImplementation[] = ["kit", "grpc-js"];

describe.each(implementations)(
  "bindService over createClient, on the %s client",
  (implementation) => {
    let client: PromiseClient<EchoServiceDefinition>;
    beforeAll(() => {
      client = createClient(echoService, `127.0.0.1:${host.port}`, {
        timeoutMs: 2_000,
        callerKey: parseSigningKey(testCallerKeys.signingKey),
        implementation,
      });
    });
    afterAll(() => client.close());

    const cases = [
      {
        name: "returns the handler's response with the caller's user id",
        text: "hello",
        userId: USER_ID,
        want: { text: "hello", userId: USER_ID },
      },
      {
        name: "refuses an upper-case user id: the gateway signs ids as identity stores them",
        text: "hello",
        userId: USER_ID.toUpperCase(),
        want: {
          code: status.UNAUTHENTICATED,
          details: "invalid caller identity (x-trellis-caller metadata)",
        },
      },
      {
        name: "refuses a user RPC signed as the gateway with no user",
        text: "hello",
        userId: undefined,
        want: { code: status.UNAUTHENTICATED, details: "this RPC needs a user's identity" },
      },
      {
        name: "refuses an identity whose subject is not a UUID",
        text: "hello",
        userId: "alice",
        want: {
          code: status.UNAUTHENTICATED,
          details: "invalid caller identity (x-trellis-caller metadata)",
        },
      },
      {
        name: "maps invalidArgument to INVALID_ARGUMENT with its message",
        text: "invalid",
        userId: USER_ID,
        want: { code: status.INVALID_ARGUMENT, details: "x: bad" },
      },
      {
        name: "maps notFound to NOT_FOUND with its message",
        text: "missing",
        userId: USER_ID,
        want: { code: status.NOT_FOUND, details: "note 7 not found" },
      },
      {
        name: "clips a message too long for a response header to 1,000 characters",
        text: "huge",
        userId: USER_ID,
        want: { code: status.INVALID_ARGUMENT, details: `x: ${"y".repeat(997)}…` },
      },
      {
        name: "sends a message holding a lone surrogate as well-formed text",
        text: "lone surrogate",
        userId: USER_ID,
        want: { code: status.INVALID_ARGUMENT, details: "x: \uFFFD" },
      },
      {
        name: "hides an unexpected error behind INTERNAL",
        text: "crash",
        userId: USER_ID,
        want: { code: status.INTERNAL, details: "internal error" },
      },
    ];
    test.each(cases)("$name", async ({ text, userId, want }) => {
      const got = await client.echo({ text }, { userId }).catch(asStatus);
      expect(got).toEqual(want);
    });

    const strangers = [
      {
        name: "refuses a call with no signed identity",
        key: undefined,
        details: "missing caller identity (x-trellis-caller metadata)",
      },
      {
        name: "refuses a call signed with a key the service does not trust",
        key: parseSigningKey(generateCallerKeys("stranger").signingKey),
        details: "invalid caller identity (x-trellis-caller metadata)",
      },
    ];
    test.each(strangers)("$name", async ({ key, details }) => {
      const stranger = createClient(echoService, `127.0.0.1:${host.port}`, {
        timeoutMs: 2_000,
        callerKey: key,
        implementation,
      });
      const got = await stranger.echo({ text: "hi" }, { userId: USER_ID }).catch(asStatus);
      stranger.close();
      expect(got).toEqual({ code: status.UNAUTHENTICATED, details });
    });

    test("carries the service's own error code", async () => {
      const got = await client.echo({ text: "missing" }, { userId: USER_ID }).catch((e) => e);

      expect(got).toBeInstanceOf(CallError);
      expect((got as CallError).errorCode).toBe("NOT_FOUND");
    });

    test("runs an internal RPC signed as the gateway", async () => {
      expect(await client.ping({ text: "hi" })).toEqual({ text: "hi", userId: "" });
    });

    test("refuses a user's token on an internal RPC: PERMISSION_DENIED", async () => {
      expect(await client.ping({ text: "hi" }, { userId: USER_ID }).catch(asStatus)).toEqual({
        code: status.PERMISSION_DENIED,
        details: "this RPC is internal: only the gateway may call it",
      });
    });

    test("logs the cause of an INTERNAL error, which the client never sees", async () => {
      logLines.length = 0;

      const got = await client.echo({ text: "crash" }, { userId: USER_ID }).catch(asStatus);

      expect(JSON.stringify(got)).not.toContain("secret");
      const failure = logLines.find((line) => line.includes("rpc failed"));
      expect(failure).toContain("secret sql text");
      expect(failure).toContain("/test.v1.EchoService/Echo");
    });

    // The server's log at the default level (info): quiet for calls that succeed, the hot path.
    test.each([
      { text: "hello", code: "OK", logged: "nothing", level: null },
      { text: "invalid", code: "INVALID_ARGUMENT", logged: "an info line", level: 30 },
      { text: "missing", code: "NOT_FOUND", logged: "an info line", level: 30 },
      { text: "crash", code: "INTERNAL", logged: "a warn line", level: 40 },
    ])("a call answered $code logs $logged", async ({ text, code, level }) => {
      logLines.length = 0;

      await client.echo({ text }, { userId: USER_ID }).catch(asStatus);

      const rpcLines = logLines
        .map((entry) => JSON.parse(entry))
        .filter((entry) => entry.msg === "rpc");
      expect(rpcLines).toEqual(level === null ? [] : [expect.objectContaining({ level, code })]);
    });

    test("a call past its deadline fails DEADLINE_EXCEEDED and aborts the handler's signal", async () => {
      slowCalls.length = 0;

      const got = await client
        .echo({ text: "slow" }, { userId: USER_ID, timeoutMs: 200 })
        .catch(asStatus);

      expect(got).toEqual({ code: status.DEADLINE_EXCEEDED, details: expect.any(String) });
      const [aborted] = slowCalls;
      expect(aborted).toBeDefined();
      const reason = await within(aborted ?? Promise.resolve("no call"), 2_000);
      // The server's deadline timer and the client's cancel race: either one aborts the signal.
      expect(reason).toMatchObject({ name: "AppError" });
    });

    test("a call cancelled through its signal aborts the handler's signal", async () => {
      slowCalls.length = 0;
      const controller = new AbortController();

      const call = client.echo({ text: "slow" }, { userId: USER_ID, signal: controller.signal });
      for (let waited = 0; slowCalls.length === 0 && waited < 2_000; waited += 10) {
        await Bun.sleep(10);
      }
      controller.abort();

      expect(await call.catch(asStatus)).toEqual({
        code: status.CANCELLED,
        details: expect.any(String),
      });
      const reason = await within(slowCalls[0] ?? Promise.resolve("no call"), 2_000);
      expect(reason).toMatchObject({ name: "AppError", code: "CANCELLED" });
    });
  },
);
