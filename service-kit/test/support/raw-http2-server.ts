import { createServer, type Socket } from "node:net";

// An HTTP/2 server written frame by frame, for what node:http2's server refuses to do: push to
// a client that disabled push, split headers over many frames, withhold flow-control window.
// It speaks just enough HTTP/2 for the kit's client: the preface, SETTINGS and their ACK, and
// one answer per request HEADERS frame. Header blocks use HPACK literals only (RFC 7541, 6.2.2).

export const frameType = {
  data: 0x0,
  headers: 0x1,
  rstStream: 0x3,
  settings: 0x4,
  pushPromise: 0x5,
  goaway: 0x7,
  continuation: 0x9,
} as const;

export const flag = { endStream: 0x1, ack: 0x1, endHeaders: 0x4 } as const;

/** One frame: a 9-byte header (length, type, flags, stream id) and its payload. */
export function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

/** An HPACK header block of literal fields, never indexed in the dynamic table. */
export function headerBlock(fields: [string, string][]): Buffer {
  return Buffer.concat(
    fields.flatMap(([name, value]) => [Buffer.of(0x00), hpackString(name), hpackString(value)]),
  );
}

/** A gRPC response to stream `streamId` in frames: headers, `message` framed, OK trailers. */
export function grpcResponseFrames(streamId: number, message: Buffer): Buffer {
  const headers = headerBlock([
    [":status", "200"],
    ["content-type", "application/grpc"],
  ]);
  const trailers = headerBlock([["grpc-status", "0"]]);
  return Buffer.concat([
    frame(frameType.headers, flag.endHeaders, streamId, headers),
    frame(frameType.data, 0, streamId, message),
    frame(frameType.headers, flag.endHeaders | flag.endStream, streamId, trailers),
  ]);
}

/** A frame the client sent, as the server saw it. */
export interface ReceivedFrame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

export interface RawHttp2Server {
  /** Every frame received so far, after the preface. */
  received: ReceivedFrame[];
  /** The GOAWAY frames received so far: [error code, debug data as text]. */
  goaways(): [number, string][];
  stop(): Promise<void>;
}

/**
 * Listens on 127.0.0.1:`port`; sends `settings` (SETTINGS entries, id -> value) first, ACKs the
 * client's SETTINGS, and calls `answer` for each request with a writer for its socket.
 */
export async function rawHttp2Server(
  port: number,
  answer: (streamId: number, write: (bytes: Buffer) => void) => void,
  settings: Record<number, number> = {},
): Promise<RawHttp2Server> {
  const received: ReceivedFrame[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    socket.write(frame(frameType.settings, 0, 0, settingsPayload(settings)));
    readFrames(socket, (got) => {
      received.push(got);
      if (got.type === frameType.settings && got.payload.length > 0) {
        socket.write(frame(frameType.settings, flag.ack, 0, Buffer.alloc(0)));
      }
      if (got.type === frameType.headers) {
        answer(got.streamId, (bytes) => socket.write(bytes));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    received,
    goaways: () =>
      received
        .filter((got) => got.type === frameType.goaway)
        .map((got) => [got.payload.readUInt32BE(4), got.payload.subarray(8).toString()]),
    async stop() {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const PREFACE_BYTES = 24;

function readFrames(socket: Socket, onFrame: (frame: ReceivedFrame) => void): void {
  let buffered = Buffer.alloc(0);
  let prefaceRead = false;
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    if (!prefaceRead) {
      if (buffered.length < PREFACE_BYTES) {
        return;
      }
      buffered = buffered.subarray(PREFACE_BYTES);
      prefaceRead = true;
    }
    while (buffered.length >= 9 && buffered.length >= 9 + buffered.readUIntBE(0, 3)) {
      const length = buffered.readUIntBE(0, 3);
      onFrame({
        type: buffered[3] ?? 0,
        flags: buffered[4] ?? 0,
        streamId: buffered.readUInt32BE(5) & 0x7fffffff,
        payload: buffered.subarray(9, 9 + length),
      });
      buffered = buffered.subarray(9 + length);
    }
  });
}

function settingsPayload(settings: Record<number, number>): Buffer {
  const entries = Object.entries(settings);
  const payload = Buffer.alloc(6 * entries.length);
  entries.forEach(([id, value], i) => {
    payload.writeUInt16BE(Number(id), 6 * i);
    payload.writeUInt32BE(value, 6 * i + 2);
  });
  return payload;
}

// A string literal, not Huffman-coded: its length as an integer with a 7-bit prefix, then bytes.
function hpackString(text: string): Buffer {
  const bytes = Buffer.from(text);
  const length: number[] = [];
  if (bytes.length < 127) {
    length.push(bytes.length);
  } else {
    length.push(127);
    let rest = bytes.length - 127;
    while (rest >= 128) {
      length.push((rest % 128) + 128);
      rest = Math.floor(rest / 128);
    }
    length.push(rest);
  }
  return Buffer.concat([Buffer.from(length), bytes]);
}
