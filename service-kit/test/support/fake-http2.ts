import { createServer, type ServerHttp2Stream, type Settings } from "node:http2";
import { CallError } from "../../src/client/call-error.ts";
import { type ChannelOptions, Http2Channel } from "../../src/client/http2-channel.ts";
import { channelLimits } from "../../src/wire/limits.ts";

// node:http2 servers on 127.0.0.1 that answer as a test says, and kit channels to them; what a
// test starts is stopped by `cleanUp` (run it after each test).

/** The kit's channel as createClient makes it, with backoffs short enough for tests. */
export const testChannelOptions: ChannelOptions = {
  windowBytes: 4 * 1024 * 1024,
  keepaliveTimeMs: 30_000,
  keepaliveTimeoutMs: 10_000,
  initialBackoffMs: 300,
  maxBackoffMs: 1_000,
  ...channelLimits,
};

export type Answer = (stream: ServerHttp2Stream, headers: Record<string, unknown>) => void;

export interface FakeHttp2Server {
  /** How many connections the server has accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

export function http2Fakes(options: ChannelOptions = testChannelOptions) {
  const cleanups: (() => unknown)[] = [];
  return {
    /** Runs `cleanup` at the next `cleanUp`. */
    defer(cleanup: () => unknown): void {
      cleanups.push(cleanup);
    },
    async cleanUp(): Promise<void> {
      for (const cleanup of cleanups.splice(0)) {
        await cleanup();
      }
    },
    channelTo(port: number, overrides: Partial<ChannelOptions> = {}): Http2Channel {
      const channel = new Http2Channel(`127.0.0.1:${port}`, { ...options, ...overrides });
      cleanups.push(() => channel.close());
      return channel;
    },
    async http2Server(
      port: number,
      answer: Answer,
      settings: Settings = {},
    ): Promise<FakeHttp2Server> {
      const server = await startHttp2Server(port, answer, settings);
      cleanups.push(server.stop);
      return server;
    },
  };
}

async function startHttp2Server(
  port: number,
  answer: Answer,
  settings: Settings,
): Promise<FakeHttp2Server> {
  const server = createServer({ settings });
  const sessions = new Set<{ destroy(): void }>();
  let connections = 0;
  server.on("session", (session) => {
    connections++;
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  server.on("stream", (stream: ServerHttp2Stream, headers) => {
    stream.on("error", () => {});
    answer(stream, headers);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    connections: () => connections,
    async stop() {
      for (const session of sessions) {
        session.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** What a call settled with: the response's text, or its status. */
export async function outcome(call: Promise<Buffer>): Promise<unknown> {
  try {
    return (await call).toString();
  } catch (error) {
    return error instanceof CallError ? { code: error.code, details: error.details } : error;
  }
}

/** A gRPC response: headers, `body`, then `trailers`. */
export function grpcAnswer(
  stream: ServerHttp2Stream,
  body: Buffer,
  trailers: Record<string, string>,
  headers: Record<string, string> = {},
): void {
  stream.respond(
    { ":status": 200, "content-type": "application/grpc", ...headers },
    { waitForTrailers: true },
  );
  stream.on("wantTrailers", () => stream.sendTrailers(trailers));
  stream.end(body);
}
