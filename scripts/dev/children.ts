import { join } from "node:path";
import type { Subprocess } from "bun";
import { formatLogLine } from "../dev-log.ts";

/** How to run one of the dev runner's processes, and how to tell it is ready. */
export interface ChildSpec {
  name: string;
  /** Its working folder, relative to the root. */
  cwd: string;
  command: string[];
  env: Record<string, string>;
  /** One readiness check, polled until true. */
  ready: () => Promise<boolean>;
}

/**
 * The dev runner's child processes, by name: started with the shared environment, their output
 * one prefixed line at a time, restarted one by one, all stopped together on Ctrl-C.
 */
export class Children {
  private readonly running = new Map<string, Subprocess<"ignore", "pipe", "pipe">>();
  private readonly specs = new Map<string, ChildSpec>();

  constructor(
    private readonly root: string,
    private readonly sharedEnv: Record<string, string>,
    private readonly labelWidth: number,
  ) {}

  /**
   * Spawns the process and resolves once it is ready; throws when it exits first or is not
   * ready within `withinMs` (its own output, already printed, says why).
   */
  async start(spec: ChildSpec, withinMs = 30_000): Promise<void> {
    this.specs.set(spec.name, spec);
    const child = Bun.spawn(spec.command, {
      cwd: join(this.root, spec.cwd),
      // Every request and call at debug: production's default (info) logs only what went wrong.
      env: { LOG_LEVEL: "debug", ...process.env, ...this.sharedEnv, ...spec.env },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    this.running.set(spec.name, child);
    void this.prefixLines(spec.name, child.stdout);
    void this.prefixLines(spec.name, child.stderr);
    const exited = child.exited.then((code) => {
      throw new Error(`${spec.name} exited with code ${code} before it was ready`);
    });
    await Promise.race([waitFor(spec.name, spec.ready, withinMs), exited]);
    // Past readiness the exit is no error of the start.
    exited.catch(() => undefined);
  }

  /** Stops the process if it runs and starts it again as it was first started. */
  async restart(name: string): Promise<void> {
    const spec = this.specs.get(name);
    if (spec === undefined) {
      throw new Error(`${name} was never started`);
    }
    await this.stop(name);
    await this.start(spec);
  }

  /** SIGTERM, then waits for the exit; a process that already exited is left as it is. */
  async stop(name: string): Promise<void> {
    const child = this.running.get(name);
    this.running.delete(name);
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await child.exited;
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((name) => this.stop(name)));
  }

  /** Prints one line of the dev runner's own, labelled like a child's. */
  say(name: string, line: string): void {
    console.log(`${name.padEnd(this.labelWidth)} | ${line}`);
  }

  private async prefixLines(name: string, stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of stream) {
      const lines = (pending + decoder.decode(chunk, { stream: true })).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        this.say(name, formatLogLine(line));
      }
    }
    if (pending !== "") {
      this.say(name, formatLogLine(pending));
    }
  }
}

/**
 * Polls `ready` every 50 ms until 30 s have passed: by the clock, not by a count of attempts,
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
    await Bun.sleep(50);
  }
  throw new Error(`${name} was not ready within ${withinMs / 1000} s`);
}
