import { status } from "../wire/status.ts";
import type { IncomingCall } from "./incoming-call.ts";
import type { StreamHandler, UnaryAnswer, UnaryHandler } from "./server-call.ts";

/** One method as the server dispatches it: what to do with its call's request message. */
export interface MethodRoute {
  onRequest(call: IncomingCall, message: Buffer): void;
}

/** The (de)serializers a generated definition carries for one method. */
export interface MethodCodec {
  requestDeserialize(bytes: Buffer): unknown;
  responseSerialize(message: unknown): Buffer;
}

/** A unary method: the handler's answer, serialized, or its status. */
export function unaryRoute(codec: MethodCodec, handler: UnaryHandler): MethodRoute {
  return {
    onRequest(call, message) {
      const request = decoded(call, codec, message);
      if (request === undefined) {
        return;
      }
      // A handler that throws, even synchronously, and an answer that cannot be sent are the
      // call's failure, never an unhandled rejection (which ends the process: crash-exit.ts).
      const internal = () => failQuietly(call);
      let answered: Promise<UnaryAnswer>;
      try {
        answered = handler({
          request: request.value,
          metadata: call.metadata,
          signal: call.signal,
        });
      } catch {
        internal();
        return;
      }
      answered.then((answer) => answerUnary(call, codec, answer), internal).catch(internal);
    },
  };
}

/** A server-streaming method (health Watch): the handler writes messages until it ends. */
export function streamRoute(codec: MethodCodec, handler: StreamHandler): MethodRoute {
  return {
    onRequest(call, message) {
      const request = decoded(call, codec, message);
      if (request === undefined) {
        return;
      }
      handler({
        request: request.value,
        metadata: call.metadata,
        signal: call.signal,
        write: (response) => call.write(codec.responseSerialize(response)),
        end: () => call.end(),
      });
    },
  };
}

function decoded(
  call: IncomingCall,
  codec: MethodCodec,
  message: Buffer,
): { value: unknown } | undefined {
  try {
    return { value: codec.requestDeserialize(message) };
  } catch {
    call.fail({ code: status.INTERNAL, details: "Error parsing the request message" });
    return undefined;
  }
}

function answerUnary(call: IncomingCall, codec: MethodCodec, answer: UnaryAnswer): void {
  if (!call.open) {
    return; // after the deadline or a cancel: the client has its status already
  }
  if (answer.error !== undefined) {
    call.fail(answer.error);
    return;
  }
  let bytes: Buffer;
  try {
    bytes = codec.responseSerialize(answer.response);
  } catch {
    call.fail({ code: status.INTERNAL, details: "Error serializing the response message" });
    return;
  }
  call.answer(bytes);
}

/** UNKNOWN for a call whose handler or answer failed; a stream already broken stays so. */
function failQuietly(call: IncomingCall): void {
  try {
    call.fail({ code: status.UNKNOWN, details: "internal error" });
  } catch {
    // The stream broke under the answer: the client sees the reset, nothing is left to send.
  }
}
