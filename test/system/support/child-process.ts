import type { Subprocess } from "bun";

/** A process the stack starts, whose output is kept in memory for the log scan. */
export interface ChildProcess {
  readonly name: string;
  /** Everything it wrote to stdout and stderr so far, every run included. */
  output(): string;
  /** Spawns it (again) and resolves once `ready` passes; throws with its output if it exits. */
  start(): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within a few seconds; waits for its output. */
  stop(): Promise<void>;
  /** Sends `signal` to the running process (SIGSTOP freezes it: a hung service). */
  signal(signal: NodeJS.Signals): void;
  /** The process id of the last run (null before the first start). */
  pid(): number | null;
  /** The exit code of the last run once it has exited (null: killed by a signal). */
  exitCode(): Promise<number | null>;
}

export interface ChildOptions {
  name: string;
  cwd: string;
  command: string[];
  env: Record<string, string>;
  /** One readiness probe, polled until true; `output` is what it has written so far. */
  ready: (output: () => string) => Promise<boolean>;
  readyWithinMs?: number;
}

const STOP_GRACE_MS = 5_000;

export function createChildProcess(options: ChildOptions): ChildProcess {
  // One buffer per stream: interleaved chunks could split a line, and a secret with it.
  const stdout: string[] = [];
  const stderr: string[] = [];
  let current: { process: Subprocess; drained: Promise<unknown> } | undefined;
  const output = (): string => `${stdout.join("")}\n${stderr.join("")}`;

  return {
    name: options.name,
    output,
    signal(signal) {
      current?.process.kill(signal);
    },
    pid: () => current?.process.pid ?? null,
    async exitCode() {
      if (current === undefined) {
        throw new Error(`${options.name} was never started`);
      }
      await current.process.exited;
      return current.process.exitCode;
    },
    async start() {
      if (current !== undefined && alive(current.process)) {
        throw new Error(`${options.name} is already running`);
      }
      const child = Bun.spawn(options.command, {
        cwd: options.cwd,
        env: options.env,
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      });
      const drained = Promise.all([collect(child.stdout, stdout), collect(child.stderr, stderr)]);
      current = { process: child, drained };
      await waitUntil(
        async () => {
          if (!alive(child)) {
            await drained;
            throw new Error(`${options.name} exited while starting:\n${output()}`);
          }
          return options.ready(output);
        },
        {
          withinMs: options.readyWithinMs ?? 20_000,
          describe: () => `${options.name} was not ready in time:\n${output()}`,
        },
      );
    },
    async stop() {
      if (current === undefined) {
        return;
      }
      const { process: child, drained } = current;
      if (alive(child)) {
        child.kill("SIGTERM");
        const settled = await Promise.race([child.exited, Bun.sleep(STOP_GRACE_MS)]);
        if (settled === undefined) {
          child.kill("SIGKILL");
          await child.exited;
        }
      }
      await drained;
    },
  };
}

function alive(child: Subprocess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function collect(stream: ReadableStream<Uint8Array>, into: string[]): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    into.push(decoder.decode(chunk, { stream: true }));
  }
  into.push(decoder.decode());
}

/**
 * Polls `check` (at least once) until it returns true; throws `describe()` after `withinMs`.
 * A check that throws stops the wait with that error (return false to keep polling).
 */
export async function waitUntil(
  check: () => Promise<boolean>,
  options: { withinMs: number; everyMs?: number; describe: () => string },
): Promise<void> {
  const until = Date.now() + options.withinMs;
  while (!(await check())) {
    if (Date.now() >= until) {
      throw new Error(options.describe());
    }
    await Bun.sleep(options.everyMs ?? 50);
  }
}
