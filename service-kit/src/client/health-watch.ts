import type { ClientHttp2Session } from "node:http2";
import { healthDefinition } from "../wire/health-definition.ts";
import { status } from "../wire/status.ts";
import { CallError } from "./call-error.ts";
import { unaryCall } from "./unary-call.ts";

const { check } = healthDefinition;
const wholeServer = check.requestSerialize({ service: "" });

/**
 * Asks the server at the other end of `session`, every `everyMs`, whether it is still serving
 * (grpc.health.v1 Check for ""), and calls `onNotServing` when it says NOT_SERVING: a server
 * draining before it stops says so for its SHUTDOWN_DELAY_MS, which is the time a client has to
 * move its calls elsewhere. A Check left unanswered past `everyMs` calls `onUnanswered`: a
 * connection gone silent (a blackholed route: no FIN, no RST) would otherwise take every call to
 * its deadline until keepalive's next ping, tens of seconds later. A server with no health
 * service answers UNIMPLEMENTED at once, and is left to keepalive. Returns what stops the watch;
 * it also stops when the session closes.
 */
export function watchHealth(
  session: ClientHttp2Session,
  everyMs: number,
  onNotServing: () => void,
  onUnanswered: () => void = () => {},
): () => void {
  let asking = false;
  const ask = async (): Promise<void> => {
    if (session.closed || session.destroyed) {
      clearInterval(timer);
      return;
    }
    if (asking) {
      return;
    }
    asking = true;
    try {
      const answer = await unaryCall(session, {
        path: check.path,
        message: wholeServer,
        headers: {},
        timeoutMs: everyMs,
        maxResponseBytes: 64,
      });
      if (check.responseDeserialize(answer).status === "NOT_SERVING") {
        onNotServing();
      }
    } catch (error) {
      if (error instanceof CallError && error.code === status.DEADLINE_EXCEEDED) {
        onUnanswered();
      }
    } finally {
      asking = false;
    }
  };
  const timer = setInterval(ask, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
