import { expect, test } from "bun:test";
import { constants } from "node:http2";
import { status } from "@grpc/grpc-js";
import {
  CallError,
  errorOfClosedStream,
  errorOfHttpStatus,
  errorOfResetStream,
  statusOfTrailers,
} from "../src/client/call-error.ts";

const shape = (error: CallError | "OK") =>
  error === "OK" ? "OK" : { code: error.code, details: error.details };

test.each([
  { name: "OK", trailers: { "grpc-status": "0" }, want: "OK" },
  {
    name: "a code with its percent-encoded message",
    trailers: { "grpc-status": "3", "grpc-message": "title%3A%20too%20long%20%E2%80%A6" },
    want: { code: status.INVALID_ARGUMENT, details: "title: too long …" },
  },
  {
    name: "a code with no message",
    trailers: { "grpc-status": "5" },
    want: { code: status.NOT_FOUND, details: "" },
  },
  {
    name: "a malformed percent-encoding, shown as sent",
    trailers: { "grpc-status": "13", "grpc-message": "100%" },
    want: { code: status.INTERNAL, details: "100%" },
  },
  {
    name: "a code gRPC does not define",
    trailers: { "grpc-status": "42" },
    want: { code: status.UNKNOWN, details: "Received an invalid grpc-status: 42" },
  },
  {
    name: "no number at all",
    trailers: { "grpc-status": "ok" },
    want: { code: status.UNKNOWN, details: "Received an invalid grpc-status: ok" },
  },
])("trailers: $name", ({ trailers, want }) => {
  expect(shape(statusOfTrailers(trailers))).toEqual(want);
});

test.each([
  { httpStatus: 400, code: status.INTERNAL },
  { httpStatus: 401, code: status.UNAUTHENTICATED },
  { httpStatus: 403, code: status.PERMISSION_DENIED },
  { httpStatus: 404, code: status.UNIMPLEMENTED },
  { httpStatus: 429, code: status.UNAVAILABLE },
  { httpStatus: 502, code: status.UNAVAILABLE },
  { httpStatus: 503, code: status.UNAVAILABLE },
  { httpStatus: 504, code: status.UNAVAILABLE },
  { httpStatus: 500, code: status.UNKNOWN },
])("an HTTP $httpStatus with no gRPC status is code $code", ({ httpStatus, code }) => {
  expect(shape(errorOfHttpStatus(httpStatus))).toEqual({
    code,
    details: `Received HTTP status code ${httpStatus}`,
  });
});

test.each([
  { rst: constants.NGHTTP2_REFUSED_STREAM, code: status.UNAVAILABLE },
  { rst: constants.NGHTTP2_CANCEL, code: status.CANCELLED },
  { rst: constants.NGHTTP2_ENHANCE_YOUR_CALM, code: status.RESOURCE_EXHAUSTED },
  { rst: constants.NGHTTP2_INADEQUATE_SECURITY, code: status.PERMISSION_DENIED },
  { rst: constants.NGHTTP2_NO_ERROR, code: status.INTERNAL },
  { rst: constants.NGHTTP2_PROTOCOL_ERROR, code: status.INTERNAL },
])("a stream reset with code $rst and no gRPC status is code $code", ({ rst, code }) => {
  expect(errorOfResetStream(rst).code).toBe(code);
});

test("a CallError reads like grpc-js's ServiceError", () => {
  const error = new CallError(status.NOT_FOUND, "note 7 not found");

  expect(error).toBeInstanceOf(Error);
  expect(error.message).toBe("5 NOT_FOUND: note 7 not found");
});

const connectionError = Object.assign(new Error("The pending stream has been canceled"), {
  code: "ERR_HTTP2_STREAM_CANCEL",
  cause: new Error("connect ECONNREFUSED 127.0.0.1:9"),
});
// What node:http2 (NghttpError) and Bun raise when the client ends a connection over the server's
// protocol violation: a PUSH_PROMISE with push disabled, a header block over the runtime's limit.
const protocolError = Object.assign(new Error("Protocol error"), { code: "ERR_HTTP2_ERROR" });
const resetByPeer = Object.assign(new Error("Stream closed with error code REFUSED_STREAM"), {
  code: "ERR_HTTP2_STREAM_ERROR",
});

test.each([
  {
    name: "the connection failed: UNAVAILABLE, with the socket's reason",
    stream: { error: connectionError, httpStatus: undefined, rstCode: 2 },
    want: { code: status.UNAVAILABLE, details: "connect ECONNREFUSED 127.0.0.1:9" },
  },
  {
    name: "the server refused the stream: UNAVAILABLE",
    stream: {
      error: resetByPeer,
      httpStatus: undefined,
      rstCode: constants.NGHTTP2_REFUSED_STREAM,
    },
    want: { code: status.UNAVAILABLE, details: "Stream refused by server" },
  },
  {
    name: "the server broke HTTP/2: INTERNAL, as grpc-js reports it",
    stream: { error: protocolError, httpStatus: undefined, rstCode: 2 },
    want: {
      code: status.INTERNAL,
      details: "Received RST_STREAM with code 2 triggered by internal client error: Protocol error",
    },
  },
  {
    name: "a 502 from a proxy: UNAVAILABLE",
    stream: { error: undefined, httpStatus: 502, rstCode: 0 },
    want: { code: status.UNAVAILABLE, details: "Received HTTP status code 502" },
  },
  {
    name: "a 200 that ended with no status: INTERNAL",
    stream: { error: undefined, httpStatus: 200, rstCode: 0 },
    want: {
      code: status.INTERNAL,
      details: "Received RST_STREAM with code 0 (Call ended without gRPC status)",
    },
  },
])("a stream closed without status: $name", ({ stream, want }) => {
  expect(shape(errorOfClosedStream(stream))).toEqual(want);
});
