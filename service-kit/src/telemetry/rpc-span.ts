import { type Attributes, type Span, SpanKind } from "@opentelemetry/api";
import {
  ATTR_RPC_STATUS_CODE,
  ATTR_RPC_SYSTEM_NAME,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  RPC_SYSTEM_NAME_VALUE_GRPC,
} from "@opentelemetry/semantic-conventions";
import { status, statusName } from "../wire/status.ts";
import { markFailed } from "./tracer.ts";

// The gRPC attributes most backends (Jaeger included) read today, still in the incubating part
// of semantic-conventions 1.45; copied here as its docs advise rather than imported from it.
// They sit beside their stable successors rpc.system.name and rpc.status_code. The stable
// rpc.method would be the full "package.Service/Method"; we keep the established short form.
const ATTR_RPC_SYSTEM = "rpc.system";
const ATTR_RPC_SERVICE = "rpc.service";
const ATTR_RPC_METHOD = "rpc.method";
export const ATTR_RPC_GRPC_STATUS_CODE = "rpc.grpc.status_code";

/** Name and attributes of the spans of one RPC, computed once per method. */
export interface RpcSpanShape {
  /** `package.Service/Method`, the span name for client and server. */
  name: string;
  attributes: Attributes;
}

/** The shape of spans for the method at `path` ("/package.Service/Method"). */
export function rpcSpanShape(path: string, kind: SpanKind, address?: string): RpcSpanShape {
  const name = path.replace(/^\//, "");
  const slash = name.lastIndexOf("/");
  const attributes: Attributes = {
    [ATTR_RPC_SYSTEM]: "grpc",
    [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM_NAME_VALUE_GRPC,
    [ATTR_RPC_SERVICE]: slash === -1 ? "" : name.slice(0, slash),
    [ATTR_RPC_METHOD]: name.slice(slash + 1),
  };
  if (kind === SpanKind.CLIENT && address !== undefined) {
    Object.assign(attributes, serverOf(address));
  }
  return { name, attributes };
}

// Per the gRPC semantic conventions a server marks only these as errors: the others (NOT_FOUND,
// INVALID_ARGUMENT, UNAUTHENTICATED...) are the server working as designed. A client marks
// every code but OK.
const serverErrors = new Set<status>([
  status.UNKNOWN,
  status.DEADLINE_EXCEEDED,
  status.UNIMPLEMENTED,
  status.INTERNAL,
  status.UNAVAILABLE,
  status.DATA_LOSS,
]);

/** Records the call's status code, marks the span failed when the conventions say so, ends it. */
export function endRpcSpan(span: Span, kind: SpanKind, code: status): void {
  if (span.isRecording()) {
    const name = statusName(code) ?? String(code);
    span.setAttributes({ [ATTR_RPC_GRPC_STATUS_CODE]: code, [ATTR_RPC_STATUS_CODE]: name });
    const failed = kind === SpanKind.SERVER ? serverErrors.has(code) : code !== status.OK;
    if (failed) {
      markFailed(span, name);
    }
  }
  span.end();
}

/** server.address and server.port of a target such as "127.0.0.1:50051" (or grpc-js's "dns:///notes:50051"). */
function serverOf(address: string): Attributes {
  const target = address.replace(/^(dns|ipv4|ipv6|unix):(\/\/[^/]*\/)?/, "");
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(target);
  if (match === null) {
    return { [ATTR_SERVER_ADDRESS]: target };
  }
  return { [ATTR_SERVER_ADDRESS]: match[1] ?? target, [ATTR_SERVER_PORT]: Number(match[2]) };
}
