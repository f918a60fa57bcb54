import { afterEach, expect, test } from "bun:test";
import { constants, type ServerHttp2Stream } from "node:http2";
import { status } from "@grpc/grpc-js";
import { freePort } from "@trellis/testing";
import { errorOfClosedStream } from "../src/client/call-error.ts";
import { frameMessage } from "../src/wire/message-frame.ts";
import { eventually } from "./support/eventually.ts";
import { grpcAnswer, http2Fakes, outcome } from "./support/fake-http2.ts";
import {
  frame,
  frameType,
  grpcResponseFrames,
  rawHttp2Server,
} from "./support/raw-http2-server.ts";

// When the kit's client gives up a connection that still works, for a new one: before its stream
// ids run out, and when the server says it pings too often.

const { channelTo, http2Server, defer, cleanUp } = http2Fakes();
afterEach(cleanUp);

const request = {
  path: "/test.v1.EchoService/Echo",
  message: Buffer.from("hi"),
  headers: {},
  timeoutMs: 5_000,
};

/** A server that answers each call with its connection's number, `delayMs` later. */
async function numberingServer(port: number, delayMs: number) {
  const sessions = new Map<unknown, number>();
  return http2Server(port, (stream: ServerHttp2Stream) => {
    const session = stream.session;
    if (!sessions.has(session)) {
      sessions.set(session, sessions.size + 1);
    }
    const answer = (): void =>
      grpcAnswer(stream, frameMessage(Buffer.from(`${sessions.get(session)}`)), {
        "grpc-status": "0",
      });
    setTimeout(answer, delayMs);
  });
}

test.each([
  { name: "one after another", calls: 25, concurrent: false, connections: 3 },
  {
    name: "all at once, in flight when their connection is replaced",
    calls: 25,
    concurrent: true,
    connections: 3,
  },
  { name: "exactly the limit", calls: 20, concurrent: true, connections: 2 },
])(
  "with 10 streams a connection, calls $name: ceil(calls / 10) connections and none fails",
  async ({ calls, concurrent, connections }) => {
    const port = freePort();
    const server = await numberingServer(port, concurrent ? 50 : 0);
    const channel = channelTo(port, { maxStreamsPerConnection: 10 });

    const answers: unknown[] = [];
    if (concurrent) {
      answers.push(
        ...(await Promise.all(
          Array.from({ length: calls }, () => outcome(channel.unary(request, 1024))),
        )),
      );
    } else {
      for (let i = 0; i < calls; i++) {
        answers.push(await outcome(channel.unary(request, 1024)));
      }
    }

    expect(server.connections()).toBe(connections);
    // Each connection answered its ten calls, the last what was left.
    const perConnection = Array.from(
      { length: connections },
      (_, i) => answers.filter((answer) => answer === `${i + 1}`).length,
    );
    expect(perConnection).toEqual(
      Array.from({ length: connections }, (_, i) => Math.min(10, calls - 10 * i)),
    );
  },
);

test.each([
  { code: "ERR_HTTP2_OUT_OF_STREAMS", message: "No stream ID is available" },
  { code: "ERR_HTTP2_INVALID_SESSION", message: "The session has been destroyed" },
])(
  "a stream that fails with $code was never sent: made again on a new connection",
  ({ code, message }) => {
    const error = Object.assign(new Error(message), { code });

    const got = errorOfClosedStream({ error, httpStatus: undefined, rstCode: undefined });

    expect({ code: got.code, unprocessed: got.unprocessed, spent: got.connectionSpent }).toEqual({
      code: status.UNAVAILABLE,
      unprocessed: true,
      spent: true,
    });
  },
);

/** GOAWAY: last stream id, error code, debug data. */
function goaway(lastStreamId: number, errorCode: number, debug: string): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(lastStreamId, 0);
  payload.writeUInt32BE(errorCode, 4);
  return frame(frameType.goaway, 0, 0, Buffer.concat([payload, Buffer.from(debug)]));
}

test.each([
  {
    name: "ENHANCE_YOUR_CALM and too_many_pings: the ping interval doubles each time, up to 5 minutes",
    errorCode: constants.NGHTTP2_ENHANCE_YOUR_CALM,
    debug: "too_many_pings",
    intervals: [60_000, 120_000, 240_000, 300_000, 300_000],
  },
  {
    name: "ENHANCE_YOUR_CALM for something else: the interval stays",
    errorCode: constants.NGHTTP2_ENHANCE_YOUR_CALM,
    debug: "too_much_data",
    intervals: [30_000, 30_000, 30_000, 30_000, 30_000],
  },
  {
    name: "NO_ERROR (a restart): the interval stays",
    errorCode: constants.NGHTTP2_NO_ERROR,
    debug: "too_many_pings",
    intervals: [30_000, 30_000, 30_000, 30_000, 30_000],
  },
])(
  "a server that answers and then goes away with $name",
  async ({ errorCode, debug, intervals }) => {
    const port = freePort();
    const server = await rawHttp2Server(port, (streamId, write) => {
      write(grpcResponseFrames(streamId, frameMessage(Buffer.from("answered"))));
      write(goaway(streamId, errorCode, debug));
    });
    defer(server.stop);
    const channel = channelTo(port, { keepaliveTimeMs: 30_000, initialBackoffMs: 1 });

    const answers: unknown[] = [];
    for (let i = 0; i < intervals.length; i++) {
      answers.push(await outcome(channel.unary(request, 1024)));
      // The GOAWAY follows each answer on the wire; a call that finds the connection still open
      // is refused above its last stream id and made again on a new one, so none fails.
      const want = intervals[i];
      expect(await eventually(async () => channel.keepaliveTimeMs === want)).toBe(true);
    }

    expect(answers).toEqual(intervals.map(() => "answered"));
  },
);
