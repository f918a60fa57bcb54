import type { UnaryRequest } from "./unary-call.ts";

/** Which gRPC client carries createClient's calls (GRPC_CLIENT): the kit's own, or grpc-js's. */
export type ClientImplementation = "kit" | "grpc-js";

/**
 * What createClient makes its calls on: the serialized request out, the serialized response back
 * or a CallError. Everything else a call is (deadline, caller token, span) is made above it, once,
 * so the two implementations differ in transport only.
 */
export interface UnaryChannel {
  unary(request: Omit<UnaryRequest, "maxResponseBytes">, maxResponseBytes: number): Promise<Buffer>;
  close(): void;
}
