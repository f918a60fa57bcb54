import { type ChannelCredentials, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { type CallOutcome, statusName } from "./call-outcome.ts";

// Runs under Node, bundled by `runNodeClient`: it imports grpc-js and nothing of Bun, which is
// why it has its own subpath (`@trellis/service-kit/testing/node-client`).

/** Starts one call of a grpc-js generated client: `(m, o, cb) => client.getNote(req, m, o, cb)`. */
export type UnaryStart<Response> = (
  metadata: Metadata,
  options: { deadline: number },
  callback: (error: ServiceError | null, response: Response) => void,
) => void;

/** Makes a call signed with the identity, under a deadline (5 s by default); never rejects. */
export type NodeUnary = <Response>(
  start: UnaryStart<Response>,
  timeoutMs?: number,
) => Promise<CallOutcome<Response>>;

/**
 * A grpc-js generated client connected to the port on the command line, and `unary` to call it
 * with the signed identity that follows (`node client.js <port> <x-trellis-caller value>`, as
 * `runNodeClient` runs it). Throws when the arguments are missing.
 */
export function nodeClient<Client>(
  Constructor: new (address: string, credentials: ChannelCredentials) => Client,
): { client: Client; unary: NodeUnary } {
  const [port, identity] = process.argv.slice(2);
  if (port === undefined || identity === undefined) {
    throw new Error("usage: node <client>.js <port> <x-trellis-caller value>");
  }
  const client = new Constructor(`127.0.0.1:${port}`, credentials.createInsecure());
  const unary: NodeUnary = (start, timeoutMs = 5_000) => {
    const metadata = new Metadata();
    metadata.set("x-trellis-caller", identity);
    return new Promise((resolve) => {
      start(metadata, { deadline: Date.now() + timeoutMs }, (error, response) => {
        resolve(
          error ? { code: statusName(error.code), details: error.details } : { ok: response },
        );
      });
    });
  };
  return { client, unary };
}
