import { type ClientHttp2Session, type ClientHttp2Stream, constants } from "node:http2";
import { status } from "@grpc/grpc-js";
import { CallError, errorOfClosedStream, statusOfTrailers } from "./call-error.ts";
import { declaredLength, frameMessage, unaryMessage } from "./message-frame.ts";

export interface UnaryRequest {
  /** `/package.Service/Method` */
  path: string;
  /** The serialized request message. */
  message: Uint8Array;
  /** Custom metadata: lower-case names, text values. */
  headers: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  maxResponseBytes: number;
}

/** grpc-timeout holds at most 8 digits. */
const MAX_TIMEOUT_MS = 99_999_999;

/**
 * One unary gRPC call on an HTTP/2 session: resolves with the serialized response message, or
 * rejects with a CallError. The deadline travels as grpc-timeout (the server aborts its work when
 * it passes) and is kept here too: past it, or when `signal` aborts, the stream is cancelled.
 */
export function unaryCall(session: ClientHttp2Session, request: UnaryRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (request.signal?.aborted) {
      reject(new CallError(status.CANCELLED, "Cancelled on client"));
      return;
    }
    if (request.timeoutMs <= 0) {
      reject(new CallError(status.DEADLINE_EXCEEDED, "Deadline exceeded before the call started"));
      return;
    }
    const timeoutMs = Math.min(Math.ceil(request.timeoutMs), MAX_TIMEOUT_MS);
    let stream: ClientHttp2Stream;
    try {
      stream = session.request({
        ...request.headers,
        ":method": "POST",
        ":path": request.path,
        "content-type": "application/grpc",
        te: "trailers",
        "grpc-timeout": `${timeoutMs}m`,
      });
    } catch (error) {
      // The session closed between the channel handing it out and this call (a GOAWAY).
      reject(new CallError(status.UNAVAILABLE, error instanceof Error ? error.message : "closed"));
      return;
    }
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    let httpStatus: number | undefined;
    let outcome: CallError | "OK" | undefined;
    let streamError: Error | undefined;
    let settled = false;

    const settle = (result: Buffer | CallError): void => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(deadline);
      request.signal?.removeEventListener("abort", cancel);
      if (result instanceof CallError) {
        reject(result);
      } else {
        resolve(result);
      }
    };
    const fail = (error: CallError): void => {
      settle(error);
      if (!stream.closed) {
        stream.close(constants.NGHTTP2_CANCEL);
      }
    };
    const cancel = (): void => fail(new CallError(status.CANCELLED, "Cancelled on client"));
    const deadline = setTimeout(
      () => fail(new CallError(status.DEADLINE_EXCEEDED, `Deadline of ${timeoutMs} ms exceeded`)),
      timeoutMs,
    );
    request.signal?.addEventListener("abort", cancel, { once: true });

    stream.on("response", (headers) => {
      httpStatus = Number(headers[":status"]);
      if (headers["grpc-status"] !== undefined) {
        outcome = statusOfTrailers(headers); // trailers-only: an error with no message
      }
    });
    stream.on("data", (chunk: Buffer) => {
      if (httpStatus !== 200) {
        return; // not a gRPC response (a proxy's error page): its HTTP status says what failed
      }
      chunks.push(chunk);
      receivedBytes += chunk.length;
      // The first chunk declares the message's length; a flood of messages counts too.
      const length = chunks.length === 1 ? (declaredLength(chunk) ?? 0) : receivedBytes - 5;
      if (length > request.maxResponseBytes) {
        fail(
          new CallError(
            status.RESOURCE_EXHAUSTED,
            `Received message larger than max (${length} vs ${request.maxResponseBytes})`,
          ),
        );
      }
    });
    stream.on("trailers", (trailers) => {
      outcome = statusOfTrailers(trailers);
    });
    stream.on("error", (error) => {
      streamError = error;
    });
    stream.on("close", () => {
      if (outcome === "OK") {
        const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
        settle(unaryMessage(body));
      } else if (outcome !== undefined) {
        settle(outcome);
      } else {
        settle(errorOfClosedStream({ error: streamError, httpStatus, rstCode: stream.rstCode }));
      }
    });
    stream.end(frameMessage(request.message));
  });
}
