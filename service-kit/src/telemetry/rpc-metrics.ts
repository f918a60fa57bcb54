import { type Attributes, type Histogram, type Meter, SpanKind } from "@opentelemetry/api";
import {
  ATTR_RPC_STATUS_CODE,
  METRIC_RPC_CLIENT_CALL_DURATION,
  METRIC_RPC_SERVER_CALL_DURATION,
} from "@opentelemetry/semantic-conventions";
import type { ServiceImplementation, UnaryHandler } from "../server/server-call.ts";
import type { ServiceDefinitionShape } from "../wire/method-types.ts";
import { status, statusName } from "../wire/status.ts";
import { DURATION_BUCKETS_SECONDS } from "./duration-buckets.ts";
import { ATTR_RPC_GRPC_STATUS_CODE, type RpcSpanShape, rpcSpanShape } from "./rpc-span.ts";

// RPC durations per the stable RPC semantic conventions of semantic-conventions 1.45:
// rpc.server.call.duration and rpc.client.call.duration, histograms in seconds (they replace
// rpc.server.duration and rpc.client.duration, which were in milliseconds). Their attributes are
// the spans' own (rpcSpanShape): rpc.system and rpc.system.name (grpc), rpc.service,
// rpc.method, and the status as rpc.grpc.status_code (a number) and rpc.status_code (its name);
// a client's also carry server.address and server.port.

/** Records one call of a method: its status and when it started (performance.now()). */
export type RecordCall = (code: status, startedMs: number) => void;

/** The histogram of one side's call durations, created once per meter and kind. */
export function callDurations(meter: Meter, kind: SpanKind.CLIENT | SpanKind.SERVER): Histogram {
  const client = kind === SpanKind.CLIENT;
  return meter.createHistogram(
    client ? METRIC_RPC_CLIENT_CALL_DURATION : METRIC_RPC_SERVER_CALL_DURATION,
    {
      description: client
        ? "Duration of outgoing gRPC calls, as the caller saw them."
        : "Duration of incoming gRPC calls, from the request to the answer.",
      unit: "s",
      advice: { explicitBucketBoundaries: DURATION_BUCKETS_SECONDS },
    },
  );
}

/**
 * A recorder for one method. The attributes of each status are built on its first call and then
 * reused, so a call allocates nothing of its own for its measurement.
 */
export function callRecorder(histogram: Histogram, shape: RpcSpanShape): RecordCall {
  const byCode: Attributes[] = [];
  return (code, startedMs) => {
    let attributes = byCode[code];
    if (attributes === undefined) {
      attributes = {
        ...shape.attributes,
        [ATTR_RPC_GRPC_STATUS_CODE]: code,
        [ATTR_RPC_STATUS_CODE]: statusName(code) ?? String(code),
      };
      byCode[code] = attributes;
    }
    histogram.record((performance.now() - startedMs) / 1000, attributes);
  };
}

/**
 * The service's unary handlers, each recording its calls' durations into rpc.server.call.duration:
 * from the handler's start to its answer, whatever the outcome.
 */
export function measureServerCalls(
  definition: ServiceDefinitionShape,
  implementation: ServiceImplementation,
  meter: Meter,
): ServiceImplementation {
  const histogram = callDurations(meter, SpanKind.SERVER);
  const measured: ServiceImplementation = {};
  for (const [name, handler] of Object.entries(implementation)) {
    const method = definition[name];
    measured[name] =
      method === undefined || method.responseStream
        ? handler
        : measureUnary(
            handler as UnaryHandler,
            callRecorder(histogram, rpcSpanShape(method.path, SpanKind.SERVER)),
          );
  }
  return measured;
}

function measureUnary(handler: UnaryHandler, record: RecordCall): UnaryHandler {
  return async (call) => {
    const started = performance.now();
    const answer = await handler(call);
    record(answer.error?.code ?? status.OK, started);
    return answer;
  };
}

/**
 * `call`, recording each call's duration into rpc.client.call.duration. A rejection's status is
 * its `code` when it carries a gRPC one (the client's CallError), else INTERNAL, as in its span.
 */
export function measureClientCall<Request, Settings, Result>(
  histogram: Histogram,
  shape: RpcSpanShape,
  call: (request: Request, settings?: Settings) => Promise<Result>,
): (request: Request, settings?: Settings) => Promise<Result> {
  const record = callRecorder(histogram, shape);
  return (request, settings) => {
    const started = performance.now();
    return call(request, settings).then(
      (result) => {
        record(status.OK, started);
        return result;
      },
      (error: unknown) => {
        record(grpcCodeOf(error), started);
        throw error;
      },
    );
  };
}

function grpcCodeOf(error: unknown): status {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" && statusName(code) !== undefined
    ? (code as status)
    : status.INTERNAL;
}
