import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import { runNodeClient } from "@trellis/testing";
import { invalidArgument } from "../src/errors.ts";
import { echoService, startEchoHost } from "./support/echo-service.ts";

// grpc-js's client under Node 20 against the kit's server under Bun: the two runtimes' HTTP/2
// stacks differ (Bun's has had gRPC framing regressions), so each side of the wire is checked
// against the other's real implementation, not only against the kit's own client.

const USER_ID = "0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69";
const INVALID = "text: «ünïcödé» ✓ 100% :/?";
/** Why each slow call's handler stopped waiting, by its request's text. */
const endedBy: Record<string, unknown> = {};

const host = await startEchoHost({
  handler: async (request, caller) => {
    if (request.text === "invalid") {
      throw invalidArgument(INVALID);
    }
    if (request.text.startsWith("slow")) {
      await new Promise((resolve) => caller.signal.addEventListener("abort", resolve));
      endedBy[request.text] = (caller.signal.reason as { code?: string }).code;
    }
    return { text: request.text, userId: caller.userId };
  },
});
host.markServing();
afterAll(() => host.shutdown());

const results = await runNodeClient(join(import.meta.dir, "fixtures", "node-grpc-js-client.ts"), {
  port: host.port,
  definition: echoService,
  userId: USER_ID,
});

test.each([
  { name: "health Check", key: "check", want: { status: "SERVING" } },
  {
    name: "health Watch: its first update, then cancelled",
    key: "watch",
    want: { first: "SERVING", ended: String(status.CANCELLED) },
  },
  { name: "a unary call", key: "echo", want: { text: "hi", userId: USER_ID } },
  {
    name: "an error with a non-ASCII message",
    key: "invalid",
    want: { code: status.INVALID_ARGUMENT, details: INVALID },
  },
  {
    name: "a deadline the handler outlives",
    key: "deadline",
    want: { code: status.DEADLINE_EXCEEDED, details: expect.any(String) },
  },
  {
    name: "an unknown method",
    key: "unknown",
    want: { code: status.UNIMPLEMENTED, details: expect.any(String) },
  },
  {
    name: "a request over 4 MiB",
    key: "oversized",
    want: { code: status.RESOURCE_EXHAUSTED, details: expect.any(String) },
  },
  {
    name: "a call the client cancels",
    key: "cancelled",
    want: { code: status.CANCELLED, details: expect.any(String) },
  },
])("grpc-js under Node: $name", ({ key, want }) => {
  expect(results[key]).toEqual(want);
});

test("the handlers of the deadline and the cancelled call saw their signal abort", () => {
  // At the deadline both ends' timers fire: the server's (DEADLINE_EXCEEDED), or the client's
  // RST_STREAM arriving first (CANCELLED); either way the handler stops.
  expect(endedBy).toEqual({
    "slow-deadline": expect.stringMatching(/^(DEADLINE_EXCEEDED|CANCELLED)$/),
    "slow-cancel": "CANCELLED",
  });
});
