import { expect, test } from "bun:test";
import { Metadata, status } from "@grpc/grpc-js";
import { mintCallerToken, testCallerKeys } from "@trellis/testing";
import { parsePublicKeys } from "../src/caller/caller-keys.ts";
import { AppError } from "../src/errors.ts";
import { silentLogger } from "../src/log.ts";
import { bindService, type Unary } from "../src/server/bind-service.ts";
import type { UnaryHandler } from "../src/server/server-call.ts";
import { type EchoRequest, type EchoResponse, echoService, ping } from "./support/echo-service.ts";

// A handler that answers only once its call is over (it ignores the signal, or finishes its work
// regardless) must not have that answer sent as a success: the client has given up or is about
// to, and a late OK would race its deadline (seen as a flaky DEADLINE_EXCEEDED test in CI).

const USER_ID = "0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69";

/**
 * The call bindService is handed, as the kit's server makes it: its signal aborts (DEADLINE_EXCEEDED)
 * `deadlineMs` from now, or on `cancel()`.
 */
async function fakeCall(deadlineMs: number) {
  const metadata = new Metadata();
  const token = await mintCallerToken({ subject: USER_ID, method: echoService.echo.path });
  metadata.set("x-trellis-caller", token);
  const controller = new AbortController();
  setTimeout(
    () => controller.abort(new AppError("DEADLINE_EXCEEDED", "deadline exceeded")),
    deadlineMs,
  );
  return {
    call: { metadata, request: { text: "hi" }, signal: controller.signal },
    cancel: () => controller.abort(new AppError("CANCELLED", "call cancelled")),
  };
}

function serve(echo: Unary<EchoRequest, EchoResponse>): UnaryHandler {
  const implementation = bindService(
    echoService,
    { echo, ping },
    { log: silentLogger(), callerKeys: parsePublicKeys(testCallerKeys.publicKeys) },
  );
  return implementation.echo as UnaryHandler;
}

async function answer(handle: UnaryHandler, call: Parameters<UnaryHandler>[0]) {
  const got = await handle(call);
  return got.error === undefined
    ? { code: status.OK, response: got.response }
    : { code: got.error.code };
}

test.each([
  {
    name: "an answer made after the deadline is DEADLINE_EXCEEDED, not OK",
    deadlineMs: 30,
    echo: async (_request: EchoRequest, caller: { signal: AbortSignal; userId: string }) => {
      await new Promise((resolve) => caller.signal.addEventListener("abort", resolve));
      return { text: "too late", userId: caller.userId };
    },
    want: { code: status.DEADLINE_EXCEEDED },
  },
  {
    name: "an answer made before the deadline is sent",
    deadlineMs: 5_000,
    echo: async (request: EchoRequest, caller: { userId: string }) => ({
      text: request.text,
      userId: caller.userId,
    }),
    want: { code: status.OK, response: { text: "hi", userId: USER_ID } },
  },
])("$name", async ({ deadlineMs, echo, want }) => {
  const got = await answer(serve(echo), (await fakeCall(deadlineMs)).call);
  expect(got).toEqual(want);
});

test("an answer made after the client cancelled is CANCELLED, not OK", async () => {
  const { call, cancel } = await fakeCall(5_000);
  const handle = serve(async (_request, caller) => {
    await new Promise((resolve) => caller.signal.addEventListener("abort", resolve));
    return { text: "too late", userId: caller.userId };
  });
  const answered = answer(handle, call);
  await Bun.sleep(20);
  cancel();

  expect(await answered).toEqual({ code: status.CANCELLED });
});
