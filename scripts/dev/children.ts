import { join } from "node:path";
import { formatLogLine } from "../dev-log.ts";

/**
 * The dev runner's child processes: started with the shared environment, their output one
 * prefixed line at a time, all stopped together on Ctrl-C.
 */
export class Children {
  private readonly running: ReturnType<typeof Bun.spawn>[] = [];

  constructor(
    private readonly root: string,
    private readonly sharedEnv: Record<string, string>,
    private readonly labelWidth: number,
  ) {}

  spawn(name: string, cwd: string, command: string[], env: Record<string, string>): void {
    const child = Bun.spawn(command, {
      cwd: join(this.root, cwd),
      // Every request and call at debug: production's default (info) logs only what went wrong.
      env: { LOG_LEVEL: "debug", ...process.env, ...this.sharedEnv, ...env },
      stdout: "pipe",
      stderr: "pipe",
    });
    this.running.push(child);
    void this.prefixLines(name, child.stdout);
    void this.prefixLines(name, child.stderr);
  }

  /** SIGTERM to each, then waits for all of them to exit. */
  async stopAll(): Promise<void> {
    for (const child of this.running) {
      child.kill("SIGTERM");
    }
    await Promise.all(this.running.map((child) => child.exited));
  }

  private async prefixLines(name: string, stream: ReadableStream<Uint8Array>): Promise<void> {
    const label = `${name.padEnd(this.labelWidth)} |`;
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of stream) {
      const lines = (pending + decoder.decode(chunk, { stream: true })).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        console.log(`${label} ${formatLogLine(line)}`);
      }
    }
  }
}

/**
 * Polls `ready` every 100 ms until 30 s have passed: by the clock, not by a count of attempts,
 * since one attempt may itself wait (a health check on a port that never answers).
 */
export async function waitFor(
  name: string,
  ready: () => Promise<boolean>,
  withinMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await ready().catch(() => false)) {
      return;
    }
    await Bun.sleep(100);
  }
  throw new Error(`${name} was not ready within ${withinMs / 1000} s`);
}
