import { tmpdir } from "node:os";
import { freePort } from "@trellis/testing";
import { type ChildProcess, createChildProcess } from "./child-process.ts";

/** A Redis of the test's own (Debian's redis-server, on the machines that run these tests). */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`, for SHARED_STATE_URL. */
  url: string;
  process: ChildProcess;
}

/**
 * Its own process on a free port, keeping nothing on disk, so that a test may stop and restart it
 * without touching the machine's shared Redis.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const port = freePort();
  // The output keeps every run's lines: a restart is ready at its own "Ready" line.
  let runs = 0;
  const child = createChildProcess({
    name: "redis",
    cwd: tmpdir(),
    command: ["redis-server", "--bind", "127.0.0.1", "--port", String(port), "--save", ""].concat([
      "--appendonly",
      "no",
    ]),
    env: { PATH: process.env.PATH ?? "" },
    ready: async (output) => output().split("Ready to accept connections").length - 1 >= runs,
  });
  const restartable: ChildProcess = {
    ...child,
    start() {
      runs++;
      return child.start();
    },
  };
  await restartable.start();
  return { url: `redis://127.0.0.1:${port}`, process: restartable };
}
