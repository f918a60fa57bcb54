import { afterEach, expect, test } from "bun:test";
import type { ServerHttp2Stream } from "node:http2";
import { status } from "@grpc/grpc-js";
import { freePort } from "@trellis/testing";
import { MAX_HEADER_LIST_BYTES } from "../src/wire/limits.ts";
import { frameMessage } from "../src/wire/message-frame.ts";
import { eventually } from "./support/eventually.ts";
import { grpcAnswer, http2Fakes, outcome } from "./support/fake-http2.ts";
import {
  flag,
  frame,
  frameType,
  grpcResponseFrames,
  headerBlock,
  rawHttp2Server,
} from "./support/raw-http2-server.ts";

// What one misbehaving server can make the kit's client hold (limits.ts): header lists, pushed
// streams, streams in flight, queued request bytes. Each call ends, by its deadline at the
// latest, and the channel serves the next call.

const { channelTo, http2Server, defer, cleanUp } = http2Fakes();
afterEach(cleanUp);

const request = {
  path: "/test.v1.EchoService/Echo",
  message: Buffer.from("hi"),
  headers: {},
  timeoutMs: 2_000,
};
const MAX_RESPONSE_BYTES = 1024;
const hello = frameMessage(Buffer.from("hello"));
const ok = { "grpc-status": "0" };
const tooLarge = "x".repeat(MAX_HEADER_LIST_BYTES + 1024);
const resourceExhausted = {
  code: status.RESOURCE_EXHAUSTED,
  details: "Bandwidth exhausted or memory limit exceeded",
};

const oversized: { name: string; answer: (stream: ServerHttp2Stream) => void }[] = [
  {
    name: "response headers over 16 KiB",
    answer: (stream) => grpcAnswer(stream, hello, ok, { "x-padding": tooLarge }),
  },
  {
    name: "trailers over 16 KiB",
    answer: (stream) => grpcAnswer(stream, hello, { ...ok, "x-padding": tooLarge }),
  },
  {
    name: "trailers-only over 16 KiB",
    answer: (stream) =>
      stream.respond(
        { ":status": 200, "content-type": "application/grpc", ...ok, "x-padding": tooLarge },
        { endStream: true },
      ),
  },
  {
    name: "200 header fields",
    answer: (stream) =>
      grpcAnswer(
        stream,
        hello,
        ok,
        Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-field-${i}`, "v"])),
      ),
  },
];

test.each(oversized)(
  "$name: RESOURCE_EXHAUSTED, and the next call on the same connection succeeds",
  async ({ answer }) => {
    const port = freePort();
    let calls = 0;
    const server = await http2Server(port, (stream) =>
      calls++ === 0 ? answer(stream) : grpcAnswer(stream, hello, ok),
    );
    const channel = channelTo(port);

    const first = await outcome(channel.unary(request, MAX_RESPONSE_BYTES));
    const second = await outcome(channel.unary(request, MAX_RESPONSE_BYTES));

    expect({ first, second, connections: server.connections() }).toEqual({
      first: resourceExhausted,
      second: "hello",
      connections: 1,
    });
  },
);

/** A gRPC answer, in frames: headers, the message, OK trailers. */
function rawAnswer(streamId: number, write: (bytes: Buffer) => void): void {
  write(grpcResponseFrames(streamId, hello));
}

/** Header fields spread over CONTINUATION frames, each well under 16 KiB: 70 KB in all. */
function continuedHeaders(streamId: number, write: (bytes: Buffer) => void): void {
  const status200 = headerBlock([[":status", "200"]]);
  const tenFields = headerBlock(
    Array.from({ length: 10 }, (_, i): [string, string] => [`x-padding-${i}`, "p".repeat(1000)]),
  );
  write(frame(frameType.headers, 0, streamId, status200));
  for (let i = 0; i < 7; i++) {
    write(frame(frameType.continuation, i === 6 ? flag.endHeaders : 0, streamId, tenFields));
  }
}

/** A PUSH_PROMISE for stream 2, the pushed response, then the call's own answer. */
function pushAnyway(streamId: number, write: (bytes: Buffer) => void): void {
  const promisedId = Buffer.alloc(4);
  promisedId.writeUInt32BE(2);
  const promisedRequest = headerBlock([
    [":method", "GET"],
    [":scheme", "http"],
    [":path", "/pushed"],
    [":authority", "127.0.0.1"],
  ]);
  write(
    frame(
      frameType.pushPromise,
      flag.endHeaders,
      streamId,
      Buffer.concat([promisedId, promisedRequest]),
    ),
  );
  write(frame(frameType.headers, flag.endHeaders, 2, headerBlock([[":status", "200"]])));
  write(frame(frameType.data, flag.endStream, 2, Buffer.alloc(64 * 1024)));
  rawAnswer(streamId, write);
}

const PROTOCOL_ERROR = 0x1;
const COMPRESSION_ERROR = 0x9;
const brokenHttp2: {
  name: string;
  answer: (streamId: number, write: (bytes: Buffer) => void) => void;
  goaway: [number, string];
}[] = [
  {
    name: "a header block over 64 KiB in CONTINUATION frames",
    answer: continuedHeaders,
    goaway: [COMPRESSION_ERROR, "header block too large"],
  },
  {
    name: "a push after the client disabled push",
    answer: pushAnyway,
    goaway: [PROTOCOL_ERROR, "PUSH_PROMISE with push disabled"],
  },
];

test.each(brokenHttp2)(
  "$name: the client ends the connection, the call fails INTERNAL, the next call reconnects",
  async ({ answer, goaway }) => {
    const port = freePort();
    let calls = 0;
    const server = await rawHttp2Server(port, (streamId, write) =>
      calls++ === 0 ? answer(streamId, write) : rawAnswer(streamId, write),
    );
    defer(server.stop);
    const channel = channelTo(port);

    const first = await outcome(channel.unary(request, MAX_RESPONSE_BYTES));
    const second = await outcome(channel.unary(request, MAX_RESPONSE_BYTES));

    expect({ first, second, goaway: server.goaways()[0] }).toEqual({
      first: {
        code: status.INTERNAL,
        details:
          "Received RST_STREAM with code 2 triggered by internal client error: Protocol error",
      },
      second: "hello",
      goaway,
    });
  },
);

test("a server is told not to push: its push is refused and the call still completes", async () => {
  const port = freePort();
  const pushes: string[] = [];
  await http2Server(port, (stream) => {
    try {
      stream.pushStream({ ":path": "/pushed" }, (error, pushed) => {
        pushes.push(error?.message ?? "pushed");
        pushed.respond({ ":status": 200 });
        pushed.end("a pushed body");
      });
    } catch (error) {
      pushes.push(error instanceof Error ? error.message : String(error));
    }
    grpcAnswer(stream, hello, ok);
  });

  const got = await outcome(channelTo(port).unary(request, MAX_RESPONSE_BYTES));

  expect({ got, pushes }).toEqual({
    got: "hello",
    pushes: ["HTTP/2 client has disabled push streams"],
  });
});

test("at most maxConcurrentStreams calls are in flight; the others wait their turn", async () => {
  const port = freePort();
  let open = 0;
  let mostOpen = 0;
  await http2Server(port, (stream) => {
    mostOpen = Math.max(mostOpen, ++open);
    setTimeout(() => {
      open--; // before the answer leaves, so the client cannot see it end first
      grpcAnswer(stream, hello, ok);
    }, 20);
  });
  const channel = channelTo(port, { maxConcurrentStreams: 2 });

  const calls = Array.from({ length: 6 }, () =>
    outcome(channel.unary(request, MAX_RESPONSE_BYTES)),
  );

  expect({ got: await Promise.all(calls), mostOpen }).toEqual({
    got: Array(6).fill("hello"),
    mostOpen: 2,
  });
});

test("time spent waiting for a stream comes out of the call's deadline", async () => {
  const port = freePort();
  const timeouts: unknown[] = [];
  await http2Server(port, (stream, headers) => {
    timeouts.push(headers["grpc-timeout"]);
    setTimeout(() => grpcAnswer(stream, hello, ok), 100);
  });
  const channel = channelTo(port, { maxConcurrentStreams: 1 });

  await Promise.all([
    channel.unary(request, MAX_RESPONSE_BYTES),
    channel.unary(request, MAX_RESPONSE_BYTES),
  ]);

  const [first, second] = timeouts.map((timeout) => Number.parseInt(String(timeout), 10));
  // The first lost only the connection's setup to it.
  expect(first).toBeWithin(request.timeoutMs - 100, request.timeoutMs + 1);
  // It waited for the first call's answer, ~100 ms; a margin for timers that fire a little early.
  expect(second).toBeLessThanOrEqual(request.timeoutMs - 50);
});

test("a server whose SETTINGS allow no streams: a call ends, at its deadline at the latest", async () => {
  const port = freePort();
  await http2Server(port, (stream) => grpcAnswer(stream, hello, ok), { maxConcurrentStreams: 0 });
  const channel = channelTo(port);
  const call = () => outcome(channel.unary({ ...request, timeoutMs: 150 }, MAX_RESPONSE_BYTES));

  // Sent before the server's SETTINGS arrive, the first is refused, so the server never saw it:
  // it is made once more, and held back like the next one.
  const got = [await call(), await call()];

  expect(got).toEqual([
    {
      code: status.DEADLINE_EXCEEDED,
      details: expect.stringMatching(/^Deadline of \d+ ms exceeded$/),
    },
    { code: status.DEADLINE_EXCEEDED, details: "Deadline of 150 ms exceeded" },
  ]);
});

test("requests a server will not read stop queueing at maxSessionMemory: RESOURCE_EXHAUSTED", async () => {
  const port = freePort();
  const INITIAL_WINDOW_SIZE = 0x4;
  // The server reads nothing: no flow-control window for any request body, and no answer.
  const server = await rawHttp2Server(port, () => {}, { [INITIAL_WINDOW_SIZE]: 0 });
  defer(server.stop);
  const channel = channelTo(port, { maxSessionMemoryMb: 1 });
  const halfMiB = { ...request, message: Buffer.alloc(512 * 1024), timeoutMs: 300 };

  const calls = [outcome(channel.unary(halfMiB, MAX_RESPONSE_BYTES))];
  await eventually(async () => server.received.some((got) => got.type === frameType.headers));
  for (let i = 1; i < 8; i++) {
    await Bun.sleep(5); // the previous request's body reaches the session's queue first
    calls.push(outcome(channel.unary(halfMiB, MAX_RESPONSE_BYTES)));
  }
  const codes = (await Promise.all(calls)).map((got) => (got as { code: status }).code);

  // The first requests wait, unsent, until their deadline; once more than 1 MB is queued, the
  // next ones are refused at once.
  const queued = codes.indexOf(status.RESOURCE_EXHAUSTED);
  expect(queued).toBeGreaterThan(0);
  expect(codes).toEqual([
    ...Array(queued).fill(status.DEADLINE_EXCEEDED),
    ...Array(codes.length - queued).fill(status.RESOURCE_EXHAUSTED),
  ]);
});
