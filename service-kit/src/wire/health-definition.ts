import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";

// grpc.health.v1, written out instead of loaded from grpc-health-check: that package reads its
// .proto at import time from an absolute path fixed at build time, which a `bun build --compile`
// binary shipped in an image does not have. The two messages are small enough to encode here.

export type HealthStatus = "UNKNOWN" | "SERVING" | "NOT_SERVING" | "SERVICE_UNKNOWN";

const statusNumbers: Record<HealthStatus, number> = {
  UNKNOWN: 0,
  SERVING: 1,
  NOT_SERVING: 2,
  SERVICE_UNKNOWN: 3,
};
const statusNames: HealthStatus[] = ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"];

export interface CheckRequest {
  service: string;
}

export interface CheckResponse {
  status: HealthStatus;
}

function encodeRequest(request: CheckRequest): Buffer {
  const writer = new BinaryWriter();
  if (request.service !== "") {
    writer.uint32(10).string(request.service);
  }
  return Buffer.from(writer.finish());
}

function decodeRequest(bytes: Buffer): CheckRequest {
  const reader = new BinaryReader(bytes);
  const request: CheckRequest = { service: "" };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 10) {
      request.service = reader.string();
    } else {
      reader.skip(tag & 7);
    }
  }
  return request;
}

function encodeResponse(response: CheckResponse): Buffer {
  const writer = new BinaryWriter();
  writer.uint32(8).int32(statusNumbers[response.status]);
  return Buffer.from(writer.finish());
}

function decodeResponse(bytes: Buffer): CheckResponse {
  const reader = new BinaryReader(bytes);
  const response: CheckResponse = { status: "UNKNOWN" };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 8) {
      response.status = statusNames[reader.int32()] ?? "UNKNOWN";
    } else {
      reader.skip(tag & 7);
    }
  }
  return response;
}

interface HealthCodec {
  requestSerialize(request: CheckRequest): Buffer;
  requestDeserialize(bytes: Buffer): CheckRequest;
  responseSerialize(response: CheckResponse): Buffer;
  responseDeserialize(bytes: Buffer): CheckResponse;
}

const codec: HealthCodec = {
  requestSerialize: encodeRequest,
  requestDeserialize: decodeRequest,
  responseSerialize: encodeResponse,
  responseDeserialize: decodeResponse,
};

/** The grpc.health.v1.Health service definition (Check and Watch). */
export const healthDefinition: {
  check: HealthCodec & { path: string; requestStream: false; responseStream: false };
  watch: HealthCodec & { path: string; requestStream: false; responseStream: true };
} = {
  check: {
    path: "/grpc.health.v1.Health/Check",
    requestStream: false,
    responseStream: false,
    ...codec,
  },
  watch: {
    path: "/grpc.health.v1.Health/Watch",
    requestStream: false,
    responseStream: true,
    ...codec,
  },
};
