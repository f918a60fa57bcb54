import {
  createServer,
  type Http2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import { status } from "@grpc/grpc-js";

// A unary gRPC server on node:http2 with nothing between the stream and the handler: one stream
// per call, its one length-prefixed message read, the handler's answer sent as HEADERS, one
// length-prefixed message and trailers. What it keeps of a real server, because each costs
// something per call and a replacement could not drop it: the grpc-timeout deadline (a timer),
// cancellation (the stream closing first aborts the handler's signal), the 4 MiB limit both
// ways, refusing compressed messages. The rest of what grpc-js does is listed in README.md.

/** A handler: the request's bytes in, the answer's bytes out; throw an RpcError to fail. */
export type UnaryHandler = (request: Buffer, signal: AbortSignal) => Buffer | Promise<Buffer>;

export class RpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

const PREFIX_BYTES = 5;
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** A server answering `handlers` by path ("/package.Service/Method"); listen on it yourself. */
export function createUnaryServer(handlers: Record<string, UnaryHandler>): Http2Server {
  const byPath = new Map(Object.entries(handlers));
  const server = createServer();
  server.on("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    // A reset or dropped stream is a cancelled call ("close" aborts it), not a crash.
    stream.on("error", ignore);
    const handler = byPath.get(headers[":path"] ?? "");
    if (handler === undefined) {
      stream.resume();
      answerStatus(stream, status.UNIMPLEMENTED, `unknown method ${headers[":path"]}`);
      return;
    }
    serveCall(stream, headers, handler);
  });
  server.on("sessionError", ignore);
  return server;
}

function ignore(): void {}

function serveCall(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  handler: UnaryHandler,
): void {
  const controller = new AbortController();
  const end = (answer: Buffer | RpcError): void => {
    clearTimeout(timer);
    stream.off("close", onClose);
    // Once per call: a late answer after the deadline, cancellation or a refused body is dropped.
    if (!(controller.signal.aborted || stream.closed || stream.headersSent)) {
      sendAnswer(stream, answer);
    }
  };
  const onClose = (): void => controller.abort(new RpcError(status.CANCELLED, "call cancelled"));
  stream.once("close", onClose);
  const timeoutMs = parseTimeout(headers["grpc-timeout"]);
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          end(new RpcError(status.DEADLINE_EXCEEDED, "deadline exceeded"));
          controller.abort();
        }, timeoutMs);
  readMessage(stream, (message) => {
    if (message instanceof RpcError) {
      end(message);
      return;
    }
    runHandler(handler, message, controller.signal).then(end);
  });
}

async function runHandler(
  handler: UnaryHandler,
  message: Buffer,
  signal: AbortSignal,
): Promise<Buffer | RpcError> {
  try {
    return await handler(message, signal);
  } catch (error) {
    return error instanceof RpcError ? error : new RpcError(status.UNKNOWN, "internal error");
  }
}

/** Gathers the stream's body and hands over its one message, or why it is not one. */
function readMessage(stream: ServerHttp2Stream, done: (message: Buffer | RpcError) => void): void {
  const chunks: Buffer[] = [];
  let received = 0;
  stream.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
    // Refused on the declared length, before a huge body is buffered.
    if (
      received >= PREFIX_BYTES &&
      chunks.length === 1 &&
      chunk.readUInt32BE(1) > MAX_MESSAGE_BYTES
    ) {
      stream.pause();
      done(new RpcError(status.RESOURCE_EXHAUSTED, "request larger than 4 MiB"));
    }
  });
  stream.once("end", () => {
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    done(messageOf(body));
  });
}

function messageOf(body: Buffer): Buffer | RpcError {
  if (body.length < PREFIX_BYTES) {
    return new RpcError(status.INTERNAL, "no complete request message");
  }
  if (body[0] !== 0) {
    return new RpcError(status.UNIMPLEMENTED, "compressed requests are not accepted");
  }
  if (PREFIX_BYTES + body.readUInt32BE(1) !== body.length) {
    return new RpcError(status.INTERNAL, "a unary call takes exactly one message");
  }
  return body.subarray(PREFIX_BYTES);
}

function sendAnswer(stream: ServerHttp2Stream, answer: Buffer | RpcError): void {
  if (answer instanceof RpcError) {
    answerStatus(stream, answer.code, answer.message);
    return;
  }
  if (answer.length > MAX_MESSAGE_BYTES) {
    answerStatus(stream, status.RESOURCE_EXHAUSTED, "answer larger than 4 MiB");
    return;
  }
  const framed = Buffer.allocUnsafe(PREFIX_BYTES + answer.length);
  framed[0] = 0;
  framed.writeUInt32BE(answer.length, 1);
  framed.set(answer, PREFIX_BYTES);
  stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
  stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
  stream.end(framed);
}

/** A failure with no message: gRPC's Trailers-Only answer, status in the one HEADERS frame. */
function answerStatus(stream: ServerHttp2Stream, code: status, message: string): void {
  if (stream.closed || stream.headersSent) {
    return;
  }
  stream.respond(
    {
      ":status": 200,
      "content-type": "application/grpc",
      "grpc-status": String(code),
      "grpc-message": percentEncoded(message),
    },
    { endStream: true },
  );
}

/**
 * grpc-message as PROTOCOL-HTTP2.md has it: UTF-8, every byte outside printable ASCII and "%"
 * itself percent-encoded, the rest as is (a client decodes "%3A" to "%3A", not ":").
 */
function percentEncoded(message: string): string {
  return message.toWellFormed().replace(/[^\x20-\x24\x26-\x7e]/gu, encodeURIComponent);
}

const TIMEOUT_UNITS_MS: Record<string, number> = {
  H: 3_600_000,
  M: 60_000,
  S: 1_000,
  m: 1,
  u: 0.001,
  n: 0.000_001,
};

/** grpc-timeout ("100m", "2S"...) in milliseconds; undefined when absent or malformed. */
function parseTimeout(value: string | string[] | undefined): number | undefined {
  if (typeof value !== "string" || value.length < 2 || value.length > 9) {
    return undefined;
  }
  const unit = TIMEOUT_UNITS_MS[value.slice(-1)];
  const amount = Number(value.slice(0, -1));
  return unit === undefined || !Number.isInteger(amount) ? undefined : amount * unit;
}
