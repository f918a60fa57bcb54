import { describe, expect, test } from "bun:test";
import { type ClientHttp2Session, connect, type IncomingHttpHeaders } from "node:http2";
import { connect as connectTcp } from "node:net";
import { Client, credentials, Metadata, status } from "@grpc/grpc-js";
import fc from "fast-check";
import { H2GrpcServer } from "../src/server/h2-server.ts";
import { type MethodRoute, streamRoute, unaryRoute } from "../src/server/method-route.ts";
import type { ServerCall, UnaryAnswer } from "../src/server/server-call.ts";
import type { SessionLifetimeOptions } from "../src/server/session-lifetime.ts";
import {
  MAX_CONCURRENT_STREAMS,
  MAX_HEADER_LIST_BYTES,
  MAX_MESSAGE_BYTES,
} from "../src/wire/limits.ts";
import { frameMessage } from "../src/wire/message-frame.ts";
import { eventually } from "./support/eventually.ts";
import { cleanedUpAfterEach, noLifetime } from "./support/h2-server-cleanup.ts";
import { flag, frame, frameType } from "./support/raw-http2-server.ts";

// The kit's gRPC server (h2-server.ts) at the HTTP/2 level: what a gRPC client of any language
// sends it that the kit's own client never does (compression, other content types, a grpc-js
// client cancelling), and what it does to connections (keepalive, maximum age, drain).

const PATH = "/test.v1.Raw/Echo";
const bytes = {
  requestDeserialize: (b: Buffer) => b,
  responseSerialize: (m: unknown) => m as Buffer,
};

const { servers, sessions } = cleanedUpAfterEach();

async function startServer(
  handler: (call: ServerCall) => Promise<UnaryAnswer>,
  lifetime: Partial<SessionLifetimeOptions> = {},
): Promise<number> {
  const routes = new Map<string, MethodRoute>([[PATH, unaryRoute(bytes, handler)]]);
  const server = new H2GrpcServer(routes, { ...noLifetime, ...lifetime });
  servers.push(server);
  return server.listen("127.0.0.1", 0);
}

const echo = async (call: ServerCall): Promise<UnaryAnswer> => ({ response: call.request });

/** A node:http2 connection to the server on `port`, closed after the test. */
function openSession(port: number): ClientHttp2Session {
  const session = connect(`http://127.0.0.1:${port}`);
  sessions.push(session);
  return session;
}

/** One request on a fresh node:http2 connection: its response headers and trailers, merged. */
async function rawCall(
  port: number,
  headers: Record<string, string>,
  body: Buffer,
): Promise<IncomingHttpHeaders> {
  const session = openSession(port);
  const stream = session.request({
    ":method": "POST",
    ":path": PATH,
    "content-type": "application/grpc",
    te: "trailers",
    ...headers,
  });
  stream.end(body);
  return new Promise((resolve) => {
    let got: IncomingHttpHeaders = {};
    stream.on("response", (response) => {
      got = { ...got, ...response };
    });
    stream.on("trailers", (trailers) => {
      got = { ...got, ...trailers };
    });
    stream.resume();
    stream.on("close", () => resolve(got));
  });
}

describe("what a request may not be", () => {
  const compressed = frameMessage(Buffer.from("hi"));
  compressed[0] = 1;
  test.each<{ name: string; headers: Record<string, string>; body: Buffer; want: object }>([
    {
      name: "a content-type other than application/grpc: HTTP 415",
      headers: { "content-type": "application/json" },
      body: frameMessage(Buffer.from("hi")),
      want: { ":status": 415 },
    },
    {
      name: "compressed (grpc-encoding: gzip): UNIMPLEMENTED, naming what is accepted",
      headers: { "grpc-encoding": "gzip" },
      body: compressed,
      want: { "grpc-status": String(status.UNIMPLEMENTED), "grpc-accept-encoding": "identity" },
    },
    {
      name: "a compressed message with no encoding: INTERNAL",
      headers: {},
      body: compressed,
      want: { "grpc-status": String(status.INTERNAL) },
    },
    {
      name: "a malformed grpc-timeout: INTERNAL",
      headers: { "grpc-timeout": "soon" },
      body: frameMessage(Buffer.from("hi")),
      want: { "grpc-status": String(status.INTERNAL) },
    },
    {
      name: "no message at all: UNIMPLEMENTED",
      headers: {},
      body: Buffer.alloc(0),
      want: { "grpc-status": String(status.UNIMPLEMENTED) },
    },
    {
      name: "two messages on a unary method: UNIMPLEMENTED",
      headers: {},
      body: Buffer.concat([frameMessage(Buffer.from("a")), frameMessage(Buffer.from("b"))]),
      want: { "grpc-status": String(status.UNIMPLEMENTED) },
    },
  ])("$name", async ({ headers, body, want }) => {
    const port = await startServer(echo);

    expect(await rawCall(port, headers, body)).toMatchObject(want);
  });

  test.each(["99999999H", "99999999M", "3000000S"])(
    "a deadline beyond what a timer holds (grpc-timeout %s) is no deadline, not an expired one",
    async (timeout) => {
      const port = await startServer(async (call) => {
        await Bun.sleep(20);
        return { response: call.request };
      });

      const got = await rawCall(port, { "grpc-timeout": timeout }, frameMessage(Buffer.from("hi")));
      expect(got["grpc-status"]).toBe("0");
    },
  );

  test("a message prefix split over two DATA frames is read whole", async () => {
    const port = await startServer(echo);
    const session = openSession(port);
    const stream = session.request({
      ":method": "POST",
      ":path": PATH,
      "content-type": "application/grpc",
    });
    const framed = frameMessage(Buffer.from("split"));
    stream.write(framed.subarray(0, 2));
    await Bun.sleep(20);
    stream.end(framed.subarray(2));
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    const trailers = await new Promise<IncomingHttpHeaders>((resolve) =>
      stream.on("trailers", (got) => resolve(got)),
    );

    expect(trailers["grpc-status"]).toBe("0");
    expect(Buffer.concat(chunks).equals(frameMessage(Buffer.from("split")))).toBe(true);
  });
});

test("any request body, in any chunks, gets a gRPC status: the echo when it is one message", async () => {
  const port = await startServer(echo);
  const session = openSession(port);
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 40 }).map((message) => frameMessage(message)),
    fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
  );
  await fc.assert(
    fc.asyncProperty(body, fc.array(fc.nat(45), { maxLength: 4 }), async (sent, cuts) => {
      const got = await chunkedCall(session, sent, cuts);
      const one = sent.length >= 5 && sent[0] === 0 && sent.readUInt32BE(1) === sent.length - 5;
      const tooLarge = sent.length >= 5 && sent.readUInt32BE(1) > MAX_MESSAGE_BYTES;
      // 8 RESOURCE_EXHAUSTED (declared over 4 MiB), 12 UNIMPLEMENTED (no message, or two),
      // 13 INTERNAL (cut short, or compressed).
      const want = one ? "0" : tooLarge ? "8" : expect.stringMatching(/^(12|13)$/);
      expect(got.status).toEqual(want);
      if (one) {
        expect(got.body.equals(sent)).toBe(true);
      }
    }),
    { numRuns: 60 },
  );
});

/** One call whose body is written in pieces cut at `cuts`; its status and response body (framed). */
async function chunkedCall(
  session: ClientHttp2Session,
  body: Buffer,
  cuts: number[],
): Promise<{ status: unknown; body: Buffer }> {
  const stream = session.request({
    ":method": "POST",
    ":path": PATH,
    "content-type": "application/grpc",
  });
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut > at && cut < body.length) {
      stream.write(body.subarray(at, cut));
      at = cut;
    }
  }
  stream.end(body.subarray(at));
  const chunks: Buffer[] = [];
  let headers: IncomingHttpHeaders = {};
  stream.on("response", (got) => {
    headers = { ...headers, ...got };
  });
  stream.on("trailers", (got) => {
    headers = { ...headers, ...got };
  });
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => stream.on("close", resolve));
  return { status: headers["grpc-status"], body: Buffer.concat(chunks) };
}

test("a grpc-js client's cancel aborts the handler's signal with CANCELLED", async () => {
  let reason: unknown;
  const aborted = Promise.withResolvers<void>();
  const port = await startServer(async (call) => {
    call.signal.addEventListener("abort", () => {
      reason = call.signal.reason;
      aborted.resolve();
    });
    await new Promise(() => {}); // never answers on its own
    return { response: Buffer.alloc(0) };
  });
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  try {
    const call = client.makeUnaryRequest(
      PATH,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from("hi"),
      new Metadata(),
      { deadline: Date.now() + 10_000 },
      () => {},
    );
    await Bun.sleep(100);
    call.cancel();
    await aborted.promise;

    expect(reason).toMatchObject({ code: "CANCELLED" });
  } finally {
    client.close();
  }
});

test("the handler's metadata: custom keys as sent, -bin keys decoded, transport headers hidden", async () => {
  let seen: unknown;
  const port = await startServer(async (call) => {
    const { metadata } = call;
    seen = {
      custom: metadata.get("x-custom"),
      binary: metadata.get("x-data-bin"),
      timeout: metadata.get("grpc-timeout"),
      contentType: metadata.get("content-type"),
      path: metadata.get(":path"),
    };
    return { response: Buffer.alloc(0) };
  });
  await rawCall(
    port,
    {
      "x-custom": "value",
      "x-data-bin": Buffer.of(0, 1, 255).toString("base64"),
      "grpc-timeout": "5S",
    },
    frameMessage(Buffer.alloc(0)),
  );

  expect(seen).toEqual({
    custom: ["value"],
    binary: [Buffer.of(0, 1, 255)],
    timeout: [],
    contentType: [],
    path: [],
  });
});

/** A client that speaks HTTP/2 (the preface, SETTINGS and their ACK) but never answers a PING. */
function silentPeer(port: number): { pinged: Promise<void>; closed: Promise<void>; end(): void } {
  const socket = connectTcp(port, "127.0.0.1");
  const pinged = Promise.withResolvers<void>();
  const closed = Promise.withResolvers<void>();
  socket.on("error", () => {});
  socket.on("close", () => closed.resolve());
  socket.on("connect", () => {
    socket.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    socket.write(frame(frameType.settings, 0, 0, Buffer.alloc(0)));
  });
  let buffered = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 9) {
      const length = buffered.readUIntBE(0, 3);
      if (buffered.length < 9 + length) {
        break;
      }
      const [type, flags] = [buffered[3], buffered[4]];
      if (type === frameType.settings && flags === 0) {
        socket.write(frame(frameType.settings, flag.ack, 0, Buffer.alloc(0)));
      }
      if (type === 0x6 && flags === 0) {
        pinged.resolve(); // a PING, left unanswered
      }
      buffered = buffered.subarray(9 + length);
    }
  });
  return { pinged: pinged.promise, closed: closed.promise, end: () => socket.destroy() };
}

describe("keepalive", () => {
  test("a connection whose peer never answers the server's PING is closed after the timeout", async () => {
    const port = await startServer(echo, { keepaliveTimeMs: 50, keepaliveTimeoutMs: 100 });
    const peer = silentPeer(port);
    try {
      await peer.pinged;
      const closedBy = await Promise.race([
        peer.closed.then(() => "server"),
        Bun.sleep(5_000).then(() => "nobody"),
      ]);

      expect(closedBy).toBe("server");
    } finally {
      peer.end();
    }
  });

  test("a peer that answers the pings keeps its connection, and its calls", async () => {
    const port = await startServer(echo, { keepaliveTimeMs: 50, keepaliveTimeoutMs: 100 });
    const session = openSession(port);
    await Bun.sleep(500);

    expect(session.closed || session.destroyed).toBe(false);
  });
});

describe("maximum connection age", () => {
  test("an aged connection gets GOAWAY, its call in flight finishes, then it closes", async () => {
    const release = Promise.withResolvers<void>();
    const port = await startServer(
      async (call) => {
        await release.promise;
        return { response: call.request };
      },
      { maxAgeMs: 100, maxAgeGraceMs: 10_000 },
    );
    const session = openSession(port);
    const goaway = new Promise<void>((resolve) => session.once("goaway", () => resolve()));
    const answered = rawStreamCall(session);
    await goaway;
    release.resolve();

    expect((await answered)["grpc-status"]).toBe("0");
    expect(await eventually(async () => session.closed || session.destroyed, 5_000)).toBe(true);
  });

  test("a call still running when the grace ends is cut with the connection", async () => {
    const port = await startServer(async () => new Promise<UnaryAnswer>(() => {}), {
      maxAgeMs: 50,
      maxAgeGraceMs: 200,
    });
    const session = openSession(port);
    session.on("error", () => {});
    const answered = rawStreamCall(session);

    expect((await answered)["grpc-status"]).toBeUndefined();
    expect(await eventually(async () => session.closed || session.destroyed, 5_000)).toBe(true);
  });
});

function rawStreamCall(session: ClientHttp2Session): Promise<IncomingHttpHeaders> {
  const stream = session.request({
    ":method": "POST",
    ":path": PATH,
    "content-type": "application/grpc",
  });
  stream.on("error", () => {});
  stream.end(frameMessage(Buffer.from("hi")));
  let got: IncomingHttpHeaders = {};
  stream.on("trailers", (trailers) => {
    got = trailers;
  });
  stream.resume();
  return new Promise((resolve) => stream.on("close", () => resolve(got)));
}

test("drain: new connections are refused, a call past the grace is cut, and it resolves", async () => {
  const routes = new Map<string, MethodRoute>([
    [PATH, unaryRoute(bytes, async () => new Promise<UnaryAnswer>(() => {}))],
  ]);
  const server = new H2GrpcServer(routes, noLifetime);
  const port = await server.listen("127.0.0.1", 0);
  const session = openSession(port);
  session.on("error", () => {});
  const answered = rawStreamCall(session);
  await Bun.sleep(50);

  const cut = await server.drain(200);

  expect(cut).toBe(1);
  expect((await answered)["grpc-status"]).toBeUndefined();
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connectTcp(port, "127.0.0.1");
    socket.on("error", () => resolve(true));
    socket.on("connect", () => {
      socket.destroy();
      resolve(false);
    });
  });
  expect(refused).toBe(true);
});

test("drain: an idle connection gets GOAWAY and closes at once, not at the end of the grace", async () => {
  const server = new H2GrpcServer(new Map(), noLifetime);
  const port = await server.listen("127.0.0.1", 0);
  const session = openSession(port);
  await new Promise((resolve) => session.once("connect", resolve));
  const goaway = new Promise<void>((resolve) => session.once("goaway", () => resolve()));
  const started = performance.now();

  expect(await server.drain(5_000)).toBe(0);
  expect(performance.now() - started).toBeLessThan(4_000);
  await goaway;
});

test("drain: a connection already retiring for its age is cut at the drain's grace, not its own", async () => {
  const routes = new Map<string, MethodRoute>([
    [PATH, unaryRoute(bytes, async () => new Promise<UnaryAnswer>(() => {}))],
  ]);
  const server = new H2GrpcServer(routes, { ...noLifetime, maxAgeMs: 50, maxAgeGraceMs: 60_000 });
  const port = await server.listen("127.0.0.1", 0);
  const session = openSession(port);
  session.on("error", () => {});
  const goaway = new Promise<void>((resolve) => session.once("goaway", () => resolve()));
  const answered = rawStreamCall(session);
  await goaway;

  expect(await server.drain(200)).toBe(1);
  expect((await answered)["grpc-status"]).toBeUndefined();
});

describe("what a misbehaving client cannot do to the server", () => {
  const STREAM_PATH = "/test.v1.Raw/Watch";

  /** A server whose one streaming method writes one message and then never ends. */
  async function startStreaming(): Promise<number> {
    const route = streamRoute(bytes, (call) => {
      call.write(Buffer.from("first"));
    });
    const server = new H2GrpcServer(new Map([[STREAM_PATH, route]]), noLifetime);
    servers.push(server);
    return server.listen("127.0.0.1", 0);
  }

  // Trailers may not carry :status or content-type: with them the status was never sent and
  // the stream stayed open, holding a drain for its whole grace.
  test("a streaming call past its deadline ends with DEADLINE_EXCEEDED after its message", async () => {
    const port = await startStreaming();
    const session = openSession(port);
    const stream = session.request({
      ":method": "POST",
      ":path": STREAM_PATH,
      "content-type": "application/grpc",
      "grpc-timeout": "100m",
    });
    stream.end(frameMessage(Buffer.from("watch")));
    const got = await new Promise<{ trailers: IncomingHttpHeaders; data: number }>((resolve) => {
      let trailers: IncomingHttpHeaders = {};
      let data = 0;
      stream.on("data", (chunk: Buffer) => {
        data += chunk.length;
      });
      stream.on("trailers", (received) => {
        trailers = received;
      });
      stream.on("close", () => resolve({ trailers, data }));
    });

    expect({ status: got.trailers["grpc-status"], data: got.data }).toEqual({
      status: String(status.DEADLINE_EXCEEDED),
      data: frameMessage(Buffer.from("first")).length,
    });
  });

  test("a request whose connection is lost before END_STREAM never reaches its handler", async () => {
    let handled = 0;
    const port = await startServer(async (call) => {
      handled += 1;
      return { response: call.request };
    });
    const session = openSession(port);
    const stream = session.request({
      ":method": "POST",
      ":path": PATH,
      "content-type": "application/grpc",
    });
    stream.on("error", () => undefined);
    stream.write(frameMessage(Buffer.from("whole message, no END_STREAM")));
    await Bun.sleep(50);
    session.destroy();
    await Bun.sleep(100);

    expect(handled).toBe(0);
  });

  test.each([
    [
      "throws at once",
      () => {
        throw new Error("boom");
      },
    ],
    [
      "rejects",
      async () => {
        throw new Error("boom");
      },
    ],
  ])("a handler that %s is UNKNOWN to the client, and the server serves on", async (_, fails) => {
    const port = await startServer(fails as () => Promise<UnaryAnswer>);

    const failed = await rawCall(port, {}, frameMessage(Buffer.from("x")));
    const served = await rawCall(port, {}, frameMessage(Buffer.from("x")));

    expect([failed["grpc-status"], served["grpc-status"]]).toEqual([
      String(status.UNKNOWN),
      String(status.UNKNOWN),
    ]);
  });

  test("a request that never arrives whole fails at the body timeout, its handler never run", async () => {
    let handled = 0;
    const port = await startServer(
      async (call) => {
        handled += 1;
        return { response: call.request };
      },
      { requestBodyTimeoutMs: 100 },
    );
    const session = openSession(port);
    const stream = session.request({
      ":method": "POST",
      ":path": PATH,
      "content-type": "application/grpc",
    });
    stream.on("error", () => undefined);
    stream.write(frameMessage(Buffer.alloc(1_000)).subarray(0, 500));
    const got = await new Promise<IncomingHttpHeaders>((resolve) => {
      stream.on("response", resolve);
    });

    expect({ status: got["grpc-status"], handled }).toEqual({
      status: String(status.DEADLINE_EXCEEDED),
      handled: 0,
    });
  });

  test("a connection is offered the kit's bounds on streams and header size", async () => {
    const port = await startServer(echo);
    const session = openSession(port);
    await new Promise((resolve) => session.once("remoteSettings", resolve));

    expect({
      streams: session.remoteSettings.maxConcurrentStreams,
      headers: session.remoteSettings.maxHeaderListSize,
    }).toEqual({ streams: MAX_CONCURRENT_STREAMS, headers: MAX_HEADER_LIST_BYTES });
  });
});
