import { connect } from "node:http2";
import { type HealthStatus, healthDefinition } from "../wire/health-definition.ts";
import { MAX_MESSAGE_BYTES } from "../wire/limits.ts";
import { unaryCall } from "./unary-call.ts";

/**
 * Asks a server's grpc.health.v1 Check for `service` ("" for the whole server), on a connection
 * of its own that it closes. Rejects (a CallError, or the connection's error) when the server
 * does not answer SERVING or otherwise within `timeoutMs`.
 */
export async function checkHealth(
  address: string,
  options: { service?: string; timeoutMs: number },
): Promise<HealthStatus> {
  const session = connect(`http://${address}`);
  const lost = new Promise<never>((_, reject) => session.once("error", reject));
  const { check } = healthDefinition;
  try {
    const answer = await Promise.race([
      lost,
      unaryCall(session, {
        path: check.path,
        message: check.requestSerialize({ service: options.service ?? "" }),
        headers: {},
        timeoutMs: options.timeoutMs,
        maxResponseBytes: MAX_MESSAGE_BYTES,
      }),
    ]);
    return check.responseDeserialize(answer).status;
  } finally {
    session.destroy();
  }
}
