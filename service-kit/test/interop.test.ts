import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import { CallError } from "../src/client/call-error.ts";
import { createClient, type PromiseClient } from "../src/client/client.ts";
import type { ClientImplementation } from "../src/client/unary-channel.ts";
import { MAX_MESSAGE_BYTES } from "../src/wire/limits.ts";
import { largestBodyWithin, type SimpleResponse } from "./support/interop-messages.ts";
import {
  type InteropServer,
  startInteropServer,
  startKitInteropServer,
  testServiceDefinition,
} from "./support/interop-service.ts";

// The unary cases of gRPC's interop suite (grpc/grpc doc/interop-test-descriptions.md), both ways:
// the kit's client and grpc-js's against a plain grpc-js server of grpc.testing.TestService (what
// any gRPC server expects of a client), and both clients against the same service on the kit's
// own server (what any gRPC client expects of a server). Streaming cases have no place here (the
// kit's client is unary only), so cancel_after_begin and timeout_on_sleeping_server take their
// unary form.

type TestClient = PromiseClient<typeof testServiceDefinition>;

const servers: { name: string; start(): Promise<InteropServer> }[] = [
  { name: "grpc-js server", start: startInteropServer },
  { name: "kit server", start: startKitInteropServer },
];
let server: InteropServer;

const SPECIAL_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";
/** The largest response the kit's client accepts (MAX_MESSAGE_BYTES) and one byte more. */
const LARGEST_BODY = largestBodyWithin(MAX_MESSAGE_BYTES);
/** The largest request payload beside `response_size: 1` (2 bytes) that the server accepts. */
const LARGEST_REQUEST_BODY = largestBodyWithin(MAX_MESSAGE_BYTES - 2);

/** What a call came to: the response's payload, summed up, or the status it failed with. */
async function outcomeOf(call: Promise<SimpleResponse | object>): Promise<unknown> {
  try {
    const response = await call;
    if (!("payload" in response)) {
      return response;
    }
    const body = response.payload?.body ?? new Uint8Array();
    return { bodyBytes: body.length, allZero: body.every((byte) => byte === 0) };
  } catch (error) {
    return error instanceof CallError ? { code: error.code, details: error.details } : error;
  }
}

const zeros = (n: number) => ({ body: new Uint8Array(n) });

const cases: { name: string; call: (client: TestClient) => Promise<object>; want: unknown }[] = [
  {
    name: "empty_unary: an empty request, an empty response",
    call: (client) => client.emptyCall({}),
    want: {},
  },
  {
    name: "large_unary: 271828 bytes out, 314159 back",
    call: (client) => client.unaryCall({ responseSize: 314_159, payload: zeros(271_828) }),
    want: { bodyBytes: 314_159, allZero: true },
  },
  {
    name: "large_unary at the size limit: a response of exactly MAX_MESSAGE_BYTES",
    call: (client) => client.unaryCall({ responseSize: LARGEST_BODY, payload: zeros(1) }),
    want: { bodyBytes: LARGEST_BODY, allZero: true },
  },
  {
    name: "large_unary at the size limit: a request of exactly MAX_MESSAGE_BYTES",
    call: (client) => client.unaryCall({ responseSize: 1, payload: zeros(LARGEST_REQUEST_BODY) }),
    want: { bodyBytes: 1, allZero: true },
  },
  {
    name: "large_unary over the size limit: a response one byte larger is RESOURCE_EXHAUSTED",
    call: (client) => client.unaryCall({ responseSize: LARGEST_BODY + 1, payload: zeros(1) }),
    want: {
      code: status.RESOURCE_EXHAUSTED,
      details: expect.stringContaining(`${MAX_MESSAGE_BYTES + 1}`),
    },
  },
  {
    name: "large_unary over the size limit: a request one byte larger is RESOURCE_EXHAUSTED",
    call: (client) =>
      client.unaryCall({ responseSize: 1, payload: zeros(LARGEST_REQUEST_BODY + 1) }),
    want: { code: status.RESOURCE_EXHAUSTED, details: expect.any(String) },
  },
  {
    name: "status_code_and_message: the status the server was asked for",
    call: (client) =>
      client.unaryCall({
        responseSize: 0,
        responseStatus: { code: 2, message: "test status message" },
      }),
    want: { code: status.UNKNOWN, details: "test status message" },
  },
  {
    name: "special_status_message: whitespace and Unicode, intact",
    call: (client) =>
      client.unaryCall({ responseSize: 0, responseStatus: { code: 2, message: SPECIAL_MESSAGE } }),
    want: { code: status.UNKNOWN, details: SPECIAL_MESSAGE },
  },
  {
    name: "unimplemented_method: UNIMPLEMENTED",
    call: (client) => client.unimplementedCall({}),
    want: { code: status.UNIMPLEMENTED, details: expect.any(String) },
  },
  {
    name: "timeout_on_sleeping_server: DEADLINE_EXCEEDED",
    call: async (client) => {
      server.setSleepMs(2_000);
      try {
        return await client.unaryCall(
          { responseSize: 1, payload: zeros(27_182) },
          { timeoutMs: 1 },
        );
      } finally {
        server.setSleepMs(0);
      }
    },
    want: { code: status.DEADLINE_EXCEEDED, details: expect.any(String) },
  },
  {
    name: "cancel_after_begin: cancelled right after it starts, CANCELLED",
    call: (client) => {
      const controller = new AbortController();
      const call = client.unaryCall(
        { responseSize: 314_159, payload: zeros(271_828) },
        { signal: controller.signal },
      );
      controller.abort();
      return call;
    },
    want: { code: status.CANCELLED, details: expect.any(String) },
  },
];

const implementations: ClientImplementation[] = ["kit", "grpc-js"];

describe.each(servers)("on the $name", ({ start }) => {
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server.stop());

  describe.each(implementations)("the interop unary cases, on the %s client", (implementation) => {
    let client: TestClient;
    beforeAll(async () => {
      client = createClient(testServiceDefinition, `127.0.0.1:${server.port}`, {
        timeoutMs: 10_000,
        implementation,
      });
      await client.emptyCall({}); // connected, so each case is about its call only
    });
    afterAll(() => client.close());

    test.each(cases)("$name", async ({ call, want }) => {
      expect(await outcomeOf(call(client))).toEqual(want);
    });
  });
});
