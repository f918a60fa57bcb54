import {
  type ChannelCredentials,
  credentials,
  InterceptingCall,
  type Interceptor,
  Metadata,
  type ServiceError,
} from "@grpc/grpc-js";
import { type CallOutcome, statusName } from "./call-outcome.ts";

// Runs under Node, bundled by `runNodeClient`: it imports grpc-js and nothing of Bun, which is
// why it has its own subpath (`@trellis/testing/node-client`).

/** Starts one call of a grpc-js generated client: `(m, o, cb) => client.getNote(req, m, o, cb)`. */
export type UnaryStart<Response> = (
  metadata: Metadata,
  options: { deadline: number },
  callback: (error: ServiceError | null, response: Response) => void,
) => void;

/** Makes a call under a deadline (5 s by default); never rejects. */
export type NodeUnary = <Response>(
  start: UnaryStart<Response>,
  timeoutMs?: number,
) => Promise<CallOutcome<Response>>;

/**
 * A grpc-js generated client connected to the port on the command line, and `unary` to call it.
 * Each call carries the caller token that follows for its method (`node client.js <port>
 * <{"/pkg.Service/Method": token, ...}>`, as `runNodeClient` runs it). Throws when the arguments
 * are missing.
 */
export function nodeClient<Client>(
  Constructor: new (
    address: string,
    credentials: ChannelCredentials,
    options: { interceptors: Interceptor[] },
  ) => Client,
): { client: Client; unary: NodeUnary } {
  const [port, tokens] = process.argv.slice(2);
  if (port === undefined || tokens === undefined) {
    throw new Error("usage: node <client>.js <port> <caller tokens by method, JSON>");
  }
  const client = new Constructor(`127.0.0.1:${port}`, credentials.createInsecure(), {
    interceptors: [signedBy(JSON.parse(tokens))],
  });
  const unary: NodeUnary = (start, timeoutMs = 5_000) => {
    const metadata = new Metadata();
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

/** Adds the caller token of each call's method, as the kit's client would send it. */
function signedBy(tokens: Record<string, string>): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        const token = tokens[options.method_definition.path];
        if (token !== undefined) {
          metadata.set("x-trellis-caller", token);
        }
        next(metadata, listener);
      },
    });
}
