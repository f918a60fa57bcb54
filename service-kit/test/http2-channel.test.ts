import { afterEach, expect, test } from "bun:test";
import { constants, type ServerHttp2Stream } from "node:http2";
import type { Socket, Server as TcpServer } from "node:net";
import { createServer as createTcpServer } from "node:net";
import { status } from "@grpc/grpc-js";
import { freePort } from "@trellis/testing";
import { frameMessage } from "../src/wire/message-frame.ts";
import { grpcAnswer, http2Fakes, outcome } from "./support/fake-http2.ts";

// The kit's client transport against servers that misbehave in the ways a real network or a
// wrong peer does. The happy path against the kit's own server is in grpc.test.ts.

const MAX_RESPONSE_BYTES = 1024;
const request = {
  path: "/test.v1.EchoService/Echo",
  message: Buffer.from("hi"),
  headers: { "x-trellis-caller": "v1.someone" },
  timeoutMs: 2_000,
};

const { channelTo, http2Server, defer, cleanUp } = http2Fakes();
afterEach(cleanUp);

const answers: {
  name: string;
  answer: (stream: ServerHttp2Stream) => void;
  want: unknown;
}[] = [
  {
    name: "a message and OK: the message",
    answer: (stream) =>
      grpcAnswer(stream, frameMessage(Buffer.from("hello")), { "grpc-status": "0" }),
    want: "hello",
  },
  {
    name: "trailers only, with an error: that error",
    answer: (stream) =>
      stream.respond(
        {
          ":status": 200,
          "content-type": "application/grpc",
          "grpc-status": "7",
          "grpc-message": "not%20yours",
        },
        { endStream: true },
      ),
    want: { code: status.PERMISSION_DENIED, details: "not yours" },
  },
  {
    name: "OK without a message: UNIMPLEMENTED",
    answer: (stream) => grpcAnswer(stream, Buffer.alloc(0), { "grpc-status": "0" }),
    want: { code: status.UNIMPLEMENTED, details: "No message received" },
  },
  {
    name: "a proxy's 503 page: UNAVAILABLE",
    answer: (stream) => {
      stream.respond({ ":status": 503, "content-type": "text/html" });
      stream.end("<h1>Service Unavailable</h1>");
    },
    want: { code: status.UNAVAILABLE, details: "Received HTTP status code 503" },
  },
  {
    name: "a message over the size limit: RESOURCE_EXHAUSTED, without reading it all",
    answer: (stream) =>
      grpcAnswer(stream, frameMessage(Buffer.alloc(64 * 1024, 1)), { "grpc-status": "0" }),
    want: {
      code: status.RESOURCE_EXHAUSTED,
      details: `Received message larger than max (65536 vs ${MAX_RESPONSE_BYTES})`,
    },
  },
];

// A 200 whose content-type is not gRPC's comes from something else (a web server on the port);
// what it says about grpc-status is not to be believed.
const contentTypes: { contentType: string | undefined; want: unknown }[] = [
  { contentType: "application/grpc", want: "hello" },
  { contentType: "application/grpc+proto", want: "hello" },
  { contentType: "application/grpc+json", want: "hello" },
  { contentType: "application/grpc; charset=utf-8", want: "hello" },
  { contentType: "Application/GRPC", want: "hello" },
  ...["text/html", "application/json", "application/grpc-web", "application/grpcx", undefined].map(
    (contentType) => ({
      contentType,
      want: {
        code: status.UNKNOWN,
        details: `Received invalid content-type ${JSON.stringify(contentType)}`,
      },
    }),
  ),
];
for (const { contentType, want } of contentTypes) {
  answers.push({
    name: `200 with content-type ${contentType ?? "(none)"} and OK`,
    answer: (stream) => {
      stream.respond(
        contentType === undefined
          ? { ":status": 200 }
          : { ":status": 200, "content-type": contentType },
        { waitForTrailers: true },
      );
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(frameMessage(Buffer.from("hello")));
    },
    want,
  });
}

test.each(answers)("a server answering $name", async ({ answer, want }) => {
  const port = freePort();
  await http2Server(port, (stream) => answer(stream));

  expect(await outcome(channelTo(port).unary(request, MAX_RESPONSE_BYTES))).toEqual(want);
});

test("a call sends gRPC's headers, its metadata and its deadline", async () => {
  const port = freePort();
  let seen: Record<string, unknown> = {};
  await http2Server(port, (stream, headers) => {
    seen = headers;
    grpcAnswer(stream, frameMessage(Buffer.from("ok")), { "grpc-status": "0" });
  });

  await channelTo(port).unary({ ...request, timeoutMs: 1_500 }, MAX_RESPONSE_BYTES);

  expect(seen).toMatchObject({
    ":method": "POST",
    ":path": request.path,
    "content-type": "application/grpc",
    te: "trailers",
    "x-trellis-caller": "v1.someone",
  });
  // What is left of the deadline once connected: the connection's setup counts against it.
  expect(String(seen["grpc-timeout"])).toMatch(/^\d+m$/);
  expect(Number.parseInt(String(seen["grpc-timeout"]), 10)).toBeWithin(1_400, 1_501);
});

test("a server that never answers: DEADLINE_EXCEEDED at the deadline, and the stream is cancelled", async () => {
  const port = freePort();
  let resetWith: number | undefined;
  await http2Server(port, (stream) => {
    stream.on("close", () => {
      resetWith = stream.rstCode;
    });
  });

  const got = await outcome(channelTo(port).unary({ ...request, timeoutMs: 200 }, 1024));

  expect(got).toEqual({
    code: status.DEADLINE_EXCEEDED,
    details: expect.stringMatching(/^Deadline of (200|1\d\d) ms exceeded$/),
  });
  const cancelled = async () => resetWith === constants.NGHTTP2_CANCEL;
  for (let waited = 0; !(await cancelled()) && waited < 2_000; waited += 20) {
    await Bun.sleep(20);
  }
  expect(resetWith).toBe(constants.NGHTTP2_CANCEL);
});

test("nothing listening: UNAVAILABLE at once, no new attempt until the backoff ends, then connects", async () => {
  // Starting the server and one more call take milliseconds on loopback; a backoff of 2 s keeps
  // that call inside it however loaded the machine, and the wait for the end is polled.
  const backoffMs = 2_000;
  const port = freePort();
  const channel = channelTo(port, { initialBackoffMs: backoffMs });

  const firstAttempt = Date.now();
  const refused = await outcome(channel.unary(request, MAX_RESPONSE_BYTES));
  expect(refused).toEqual({
    code: status.UNAVAILABLE,
    details: expect.stringContaining("ECONNREFUSED"),
  });
  const duringBackoffAnswer = {
    code: status.UNAVAILABLE,
    details: `127.0.0.1:${port}: ${(refused as { details: string }).details}`,
  };

  const server = await http2Server(port, (stream) =>
    grpcAnswer(stream, frameMessage(Buffer.from("up")), { "grpc-status": "0" }),
  );
  expect(await outcome(channel.unary(request, MAX_RESPONSE_BYTES))).toEqual(duringBackoffAnswer);
  expect(server.connections()).toBe(0);

  // Every call fails at once without connecting until the backoff ends; the first after it
  // connects. Load only makes that later, so the lower bound holds on any machine.
  let got = await outcome(channel.unary(request, MAX_RESPONSE_BYTES));
  while (got !== "up" && Date.now() - firstAttempt < backoffMs + 10_000) {
    expect({ got, connections: server.connections() }).toEqual({
      got: duringBackoffAnswer,
      connections: 0,
    });
    await Bun.sleep(50);
    got = await outcome(channel.unary(request, MAX_RESPONSE_BYTES));
  }
  expect(got).toBe("up");
  expect(Date.now() - firstAttempt).toBeGreaterThanOrEqual(backoffMs);
  expect(server.connections()).toBe(1);
}, 20_000);

test("a server that restarted is reached on a new connection", async () => {
  const port = freePort();
  const first = await http2Server(port, (stream) =>
    grpcAnswer(stream, frameMessage(Buffer.from("first")), { "grpc-status": "0" }),
  );
  const channel = channelTo(port);
  expect(await outcome(channel.unary(request, MAX_RESPONSE_BYTES))).toBe("first");

  await first.stop();
  await http2Server(port, (stream) =>
    grpcAnswer(stream, frameMessage(Buffer.from("second")), { "grpc-status": "0" }),
  );

  expect(await outcome(channel.unary(request, MAX_RESPONSE_BYTES))).toBe("second");
});

test("a peer that accepts the connection but never speaks is dropped by keepalive, not left to the deadline", async () => {
  const accepted: Socket[] = [];
  const silent: TcpServer = createTcpServer((socket) => accepted.push(socket));
  const port = freePort();
  await new Promise<void>((resolve) => silent.listen(port, "127.0.0.1", resolve));
  defer(() => {
    for (const socket of accepted) {
      socket.destroy();
    }
    return new Promise((resolve) => silent.close(resolve));
  });
  const channel = channelTo(port, { keepaliveTimeMs: 100, keepaliveTimeoutMs: 200 });

  const got = await outcome(channel.unary({ ...request, timeoutMs: 10_000 }, MAX_RESPONSE_BYTES));

  // Keepalive's reason, not the deadline's DEADLINE_EXCEEDED ten seconds later.
  expect(got).toEqual({
    code: status.UNAVAILABLE,
    details: "keepalive ping unanswered for 200 ms",
  });
});

test("a closed channel refuses calls", async () => {
  const channel = channelTo(freePort());
  channel.close();

  expect(await outcome(channel.unary(request, MAX_RESPONSE_BYTES))).toEqual({
    code: status.UNAVAILABLE,
    details: "Channel has been shut down",
  });
});
