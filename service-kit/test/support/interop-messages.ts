import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";

// The messages of gRPC's interop suite (grpc/src/proto/grpc/testing/messages.proto and empty.proto)
// that its unary cases use, written out as health-definition.ts does, with only the fields those
// cases set. Field numbers are messages.proto's.

/** grpc.testing.Payload: `type` 1 (COMPRESSABLE is 0, so never written), `body` 2. */
export interface Payload {
  body: Uint8Array;
}

/** grpc.testing.EchoStatus: the status the server is asked to answer with. */
export interface EchoStatus {
  code: number;
  message: string;
}

/** grpc.testing.SimpleRequest: `response_size` 2, `payload` 3, `response_status` 7. */
export interface SimpleRequest {
  responseSize: number;
  payload?: Payload;
  responseStatus?: EchoStatus;
}

/** grpc.testing.SimpleResponse: `payload` 1. */
export interface SimpleResponse {
  payload?: Payload;
}

/** grpc.testing.Empty. */
export type Empty = Record<string, never>;

export function encodeEmpty(_empty: Empty): Buffer {
  return Buffer.alloc(0);
}

export function decodeEmpty(_bytes: Buffer): Empty {
  return {};
}

function writePayload(writer: BinaryWriter, field: number, payload: Payload | undefined): void {
  if (payload !== undefined) {
    writer.uint32((field << 3) | 2).fork();
    if (payload.body.length > 0) {
      writer.uint32(18).bytes(payload.body);
    }
    writer.join();
  }
}

function readPayload(bytes: Uint8Array): Payload {
  const reader = new BinaryReader(bytes);
  const payload: Payload = { body: new Uint8Array() };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 18) {
      payload.body = reader.bytes();
    } else {
      reader.skip(tag & 7);
    }
  }
  return payload;
}

export function encodeSimpleRequest(request: SimpleRequest): Buffer {
  const writer = new BinaryWriter();
  if (request.responseSize !== 0) {
    writer.uint32(16).int32(request.responseSize);
  }
  writePayload(writer, 3, request.payload);
  const echo = request.responseStatus;
  if (echo !== undefined) {
    writer.uint32(58).fork().uint32(8).int32(echo.code).uint32(18).string(echo.message).join();
  }
  return Buffer.from(writer.finish());
}

export function decodeSimpleRequest(bytes: Buffer): SimpleRequest {
  const reader = new BinaryReader(bytes);
  const request: SimpleRequest = { responseSize: 0 };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 16) {
      request.responseSize = reader.int32();
    } else if (tag === 26) {
      request.payload = readPayload(reader.bytes());
    } else if (tag === 58) {
      request.responseStatus = readEchoStatus(reader.bytes());
    } else {
      reader.skip(tag & 7);
    }
  }
  return request;
}

function readEchoStatus(bytes: Uint8Array): EchoStatus {
  const reader = new BinaryReader(bytes);
  const echo: EchoStatus = { code: 0, message: "" };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 8) {
      echo.code = reader.int32();
    } else if (tag === 18) {
      echo.message = reader.string();
    } else {
      reader.skip(tag & 7);
    }
  }
  return echo;
}

export function encodeSimpleResponse(response: SimpleResponse): Buffer {
  const writer = new BinaryWriter();
  writePayload(writer, 1, response.payload);
  return Buffer.from(writer.finish());
}

export function decodeSimpleResponse(bytes: Buffer): SimpleResponse {
  const reader = new BinaryReader(bytes);
  const response: SimpleResponse = {};
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 10) {
      response.payload = readPayload(reader.bytes());
    } else {
      reader.skip(tag & 7);
    }
  }
  return response;
}

/** Bytes of a varint holding `n`. */
function varintLength(n: number): number {
  let length = 1;
  for (let rest = n; rest >= 128; rest = Math.floor(rest / 128)) {
    length++;
  }
  return length;
}

/** The encoded size of a SimpleResponse (or a SimpleRequest's payload field) with a `body`-byte payload. */
export function payloadMessageBytes(body: number): number {
  const payload = 1 + varintLength(body) + body;
  return 1 + varintLength(payload) + payload;
}

/** The largest payload body whose message (see payloadMessageBytes) fits in `limit` bytes. */
export function largestBodyWithin(limit: number): number {
  let body = limit;
  while (payloadMessageBytes(body) > limit) {
    body -= payloadMessageBytes(body) - limit;
  }
  return body;
}
