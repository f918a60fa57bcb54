import { describe, expect, test } from "bun:test";
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  constants as http2constants,
} from "node:http2";
import { connect as connectTcp } from "node:net";
import { status } from "@grpc/grpc-js";
import { H2GrpcServer } from "../src/server/h2-server.ts";
import { type MethodRoute, unaryRoute } from "../src/server/method-route.ts";
import type { ServerBounds } from "../src/server/server-bounds.ts";
import { MAX_MESSAGE_BYTES } from "../src/wire/limits.ts";
import { frameMessage } from "../src/wire/message-frame.ts";
import { eventually } from "./support/eventually.ts";
import { cleanedUpAfterEach, noLifetime } from "./support/h2-server-cleanup.ts";
import { flag, frame, frameType, headerBlock } from "./support/raw-http2-server.ts";

// What one client may hold of the kit's server (h2-server.ts) at once: bytes of requests not yet
// whole on one connection, and connections. Each over real sockets on loopback, with node:http2
// as a client that misbehaves on purpose.

const PATH = "/test.v1.Raw/Echo";
let handled = 0;
const echo = unaryRoute(
  { requestDeserialize: (b: Buffer) => b, responseSerialize: (m: unknown) => m as Buffer },
  async (call) => {
    handled += 1;
    return { response: call.request };
  },
);

const { servers, sessions } = cleanedUpAfterEach();

async function startServer(bounds: ServerBounds = {}): Promise<number> {
  const server = new H2GrpcServer(new Map<string, MethodRoute>([[PATH, echo]]), noLifetime, bounds);
  servers.push(server);
  return server.listen("127.0.0.1", 0);
}

function openSession(port: number): ClientHttp2Session {
  const session = connect(`http://127.0.0.1:${port}`);
  session.on("error", () => undefined);
  sessions.push(session);
  return session;
}

function request(session: ClientHttp2Session): ClientHttp2Stream {
  const stream = session.request({
    ":method": "POST",
    ":path": PATH,
    "content-type": "application/grpc",
  });
  stream.on("error", () => undefined);
  return stream;
}

/** The call's grpc-status (from Trailers-Only or trailers), or "none" if it closed without. */
function statusOf(stream: ClientHttp2Stream): Promise<string> {
  return new Promise((resolve) => {
    let got = "none";
    const read = (headers: Record<string, unknown>) => {
      got = String(headers["grpc-status"] ?? got);
    };
    stream.on("response", read);
    stream.on("trailers", read);
    stream.resume();
    stream.on("close", () => resolve(got));
  });
}

/** `statusOf`, or "no answer" when none came within `ms`. */
function statusWithin(stream: ClientHttp2Stream, ms: number): Promise<string> {
  return Promise.race([statusOf(stream), Bun.sleep(ms).then(() => "no answer")]);
}

/**
 * The bytes a raw client sends to open a call to PATH on stream 1, END_STREAM not set: the
 * connection preface, SETTINGS and the request's HEADERS. Written frame by frame, a test can send
 * what Bun's node:http2 client never does.
 */
function requestStart(): Buffer {
  return Buffer.concat([
    Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
    frame(frameType.settings, 0, 0, Buffer.alloc(0)),
    frame(
      frameType.headers,
      flag.endHeaders,
      1,
      headerBlock([
        [":method", "POST"],
        [":scheme", "http"],
        [":path", PATH],
        [":authority", "127.0.0.1"],
        ["content-type", "application/grpc"],
      ]),
    ),
  ]);
}

/** Writes `bytes` without END_STREAM; resolves once node:http2 has handed them to the socket. */
function writeOpen(stream: ClientHttp2Stream, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => stream.write(bytes, () => resolve()));
}

/** The largest request, all but its last byte: the server holds it, waiting for the rest. */
const largest = frameMessage(Buffer.alloc(MAX_MESSAGE_BYTES, 1));
const almostWhole = largest.subarray(0, -1);

/** Four requests held unfinished on `session`, once all their bytes have reached the server. */
async function holdFour(session: ClientHttp2Session): Promise<ClientHttp2Stream[]> {
  const held = [request(session), request(session), request(session), request(session)];
  await Promise.all(held.map((stream) => writeOpen(stream, almostWhole)));
  await Bun.sleep(100); // the last window's worth, still on the loopback
  return held;
}

describe("unfinished request bytes per connection", () => {
  test("a request that would pass the connection's bound fails RESOURCE_EXHAUSTED; the connection serves on", async () => {
    const port = await startServer();
    const session = openSession(port);
    const [first] = await holdFour(session);

    const fifth = request(session);
    fifth.write(almostWhole);
    const refused = await statusWithin(fifth, 3_000);
    first?.end(largest.subarray(-1));
    const completed = await statusWithin(first as ClientHttp2Stream, 3_000);
    const small = request(session);
    small.end(frameMessage(Buffer.from("hi")));
    const served = await statusWithin(small, 3_000);

    expect({ refused, completed, served }).toEqual({
      refused: String(status.RESOURCE_EXHAUSTED),
      completed: String(status.OK),
      served: String(status.OK),
    });
  });

  test("the bound is per connection: another connection's requests are not refused", async () => {
    const port = await startServer();
    await holdFour(openSession(port));

    const other = request(openSession(port));
    other.end(largest);

    expect(await statusWithin(other, 3_000)).toBe(String(status.OK));
  });

  test("the bytes of requests their clients reset no longer count", async () => {
    const port = await startServer();
    const session = openSession(port);
    const held = await holdFour(session);
    for (const stream of held.slice(0, 2)) {
      stream.close(http2constants.NGHTTP2_CANCEL);
    }
    await Bun.sleep(100);

    const again = [request(session), request(session)];
    for (const stream of again) {
      stream.end(largest);
    }

    expect(await Promise.all(again.map((stream) => statusWithin(stream, 3_000)))).toEqual([
      String(status.OK),
      String(status.OK),
    ]);
  });
});

test("a request refused before it is whole gets its status, then its stream ends (RST_STREAM NO_ERROR)", async () => {
  const port = await startServer();
  const stream = request(openSession(port));
  const declaresTooMuch = frameMessage(Buffer.alloc(MAX_MESSAGE_BYTES + 1)).subarray(0, 100);
  stream.write(declaresTooMuch); // and never ends: a client that would go on sending

  const got = await statusWithin(stream, 2_000);

  expect({ got, rstCode: stream.rstCode }).toEqual({
    got: String(status.RESOURCE_EXHAUSTED),
    rstCode: http2constants.NGHTTP2_NO_ERROR,
  });
});

test.each([
  {
    name: "a method the server does not have",
    headers: { ":path": "/test.v1.Raw/Missing", "content-type": "application/grpc" },
    want: { httpStatus: 200, grpcStatus: String(status.UNIMPLEMENTED) },
  },
  {
    name: "a request that is not gRPC",
    headers: { ":path": PATH, "content-type": "application/json" },
    want: { httpStatus: 415, grpcStatus: undefined },
  },
])(
  "$name, refused on its headers while its body still comes, gets its answer and RST_STREAM NO_ERROR",
  async ({ headers, want }) => {
    const port = await startServer();
    const stream = openSession(port).request({ ":method": "POST", ...headers });
    stream.on("error", () => undefined);
    stream.write(frameMessage(Buffer.alloc(1_000))); // and never ends
    const answer = new Promise<Record<string, unknown>>((resolve) =>
      stream.once("response", resolve),
    );
    stream.resume();
    const closed = new Promise((resolve) => stream.once("close", resolve));

    const got = await Promise.race([closed, Bun.sleep(2_000).then(() => "still open")]);

    const response = await answer;
    expect({
      got: got === "still open" ? got : "closed",
      httpStatus: response[":status"],
      grpcStatus: response["grpc-status"],
      rstCode: stream.rstCode,
    }).toEqual({ got: "closed", ...want, rstCode: http2constants.NGHTTP2_NO_ERROR });
  },
);

// Bun's node:http2 client cannot send this: its close(code) on a stream still open sends
// END_STREAM first, then RST_STREAM, so the server sees a whole request cancelled (README, "The
// server"). Frame by frame, a client can.
test.each([
  ["in the same packet", 0],
  ["50 ms later", 50],
])(
  "a whole message without END_STREAM, then RST_STREAM %s, never reaches the handler",
  async (_, delayMs) => {
    const port = await startServer();
    handled = 0;
    const socket = connectTcp(port, "127.0.0.1");
    socket.on("error", () => undefined);
    socket.on("data", () => undefined);
    await new Promise((resolve) => socket.once("connect", resolve));
    const cancel = Buffer.alloc(4);
    cancel.writeUInt32BE(http2constants.NGHTTP2_CANCEL);
    const request = Buffer.concat([
      requestStart(),
      frame(frameType.data, 0, 1, frameMessage(Buffer.from("whole, never ended"))),
    ]);
    const reset = frame(frameType.rstStream, 0, 1, cancel);
    if (delayMs === 0) {
      socket.write(Buffer.concat([request, reset]));
    } else {
      socket.write(request);
      await Bun.sleep(delayMs);
      socket.write(reset);
    }
    await Bun.sleep(100);
    socket.destroy();

    expect(handled).toBe(0);
  },
);

describe("open connections per server", () => {
  /** Opens a connection and makes one small call on it: its status, or how it ended. */
  async function callOnNewConnection(port: number): Promise<string> {
    const stream = request(openSession(port));
    stream.end(frameMessage(Buffer.from("hi")));
    return statusWithin(stream, 2_000);
  }

  test("connections past the cap are closed before any call; the refusals reported once", async () => {
    const reports: number[] = [];
    const port = await startServer({
      maxConnections: 2,
      refusalReportMs: 100,
      onConnectionsRefused: (refused) => reports.push(refused),
    });
    const within = [await callOnNewConnection(port), await callOnNewConnection(port)];
    const past = await Promise.all([1, 2, 3].map(() => callOnNewConnection(port)));
    await eventually(async () => reports.length > 0);
    await Bun.sleep(150);

    expect({ within, past, reports }).toEqual({
      within: [String(status.OK), String(status.OK)],
      past: ["none", "none", "none"],
      reports: [3],
    });
  });

  test("a connection that closed frees its place for a new one", async () => {
    const port = await startServer({ maxConnections: 1 });
    await callOnNewConnection(port);
    for (const session of sessions.splice(0)) {
      session.close();
    }
    await Bun.sleep(50);

    expect(await callOnNewConnection(port)).toBe(String(status.OK));
  });
});

// The bound counts a request's bytes; what holding them costs must stay near that count. Bun
// hands each DATA frame's payload over as a Buffer of its own, ~75 bytes of heap beyond its
// payload, so a client sending 1-byte frames would make 16 MiB of counted bytes cost over 1 GiB.
test("a request sent one byte per DATA frame costs about what its bytes count", async () => {
  const port = await startServer();
  const socket = connectTcp(port, "127.0.0.1");
  socket.on("error", () => undefined);
  let granted = 65_535; // the server's connection window: 1-byte frames must still honour it
  let pending = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 9 && pending.length >= 9 + pending.readUIntBE(0, 3)) {
      const length = pending.readUIntBE(0, 3);
      if (pending[3] === 0x8 && pending.readUInt32BE(5) === 0) {
        granted += pending.readUInt32BE(9);
      }
      pending = pending.subarray(9 + length);
    }
  });
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.write(
    Buffer.concat([
      requestStart(),
      // A prefix declaring the largest message, whose bytes then come one per frame.
      frame(frameType.data, 0, 1, Buffer.from([0, 0, 0x40, 0, 0])),
    ]),
  );
  const oneByte = frame(frameType.data, 0, 1, Buffer.of(1));
  const batch = Buffer.concat(Array.from({ length: 10_000 }, () => oneByte));
  Bun.gc(true);
  const heapBefore = process.memoryUsage().heapUsed;
  const frames = 200_000;
  for (let sent = 0; sent < frames; sent += 10_000) {
    while (granted - 5 - sent < 10_000) {
      await Bun.sleep(1);
    }
    await new Promise((resolve) => socket.write(batch, resolve));
  }
  await eventually(async () => granted - 5 >= frames - 40_000);
  await Bun.sleep(100);
  Bun.gc(true);
  const grown = process.memoryUsage().heapUsed - heapBefore;
  socket.destroy();

  // 200,000 bytes held: allow ten times that, where a Buffer per byte costs ~15 MB.
  expect(grown).toBeLessThan(10 * frames);
});

test("a request in DATA frames of every size, small ones copied together, arrives as it was sent", async () => {
  const port = await startServer();
  const socket = connectTcp(port, "127.0.0.1");
  socket.on("error", () => undefined);
  const answer: Buffer[] = [];
  let pending = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 9 && pending.length >= 9 + pending.readUIntBE(0, 3)) {
      const length = pending.readUIntBE(0, 3);
      if (pending[3] === frameType.data && pending.readUInt32BE(5) === 1) {
        answer.push(pending.subarray(9, 9 + length));
      }
      pending = pending.subarray(9 + length);
    }
  });
  await new Promise((resolve) => socket.once("connect", resolve));
  const message = Buffer.from(Array.from({ length: 60_000 }, (_, i) => (i * 7919) % 251));
  const request = frameMessage(message);
  // Sizes around the copy threshold, a staging buffer filled and sealed mid-way, the prefix split.
  const sizes = [1, 2, 3, 1023, 1024, 1, ...Array(20).fill(999), 5000, 700, 16_000, 1, 900, 3];
  const frames: Buffer[] = [];
  let at = 0;
  for (let i = 0; at < request.length; i += 1) {
    const size = sizes[i % sizes.length] as number;
    const last = at + size >= request.length;
    frames.push(
      frame(frameType.data, last ? flag.endStream : 0, 1, request.subarray(at, at + size)),
    );
    at += size;
  }
  socket.write(Buffer.concat([requestStart(), ...frames]));
  await eventually(async () => Buffer.concat(answer).length >= request.length);
  socket.destroy();

  expect(Buffer.concat(answer).equals(request)).toBe(true);
});
