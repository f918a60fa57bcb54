import type { Subprocess } from "bun";

// Every process the bench starts goes through here, so one call stops them all: at the end, on
// Ctrl-C, on an error, and when the overall time limit is reached.

export interface ChildOptions {
  name: string;
  command: string[];
  cwd?: string;
  env: Record<string, string>;
}

export interface Child {
  readonly name: string;
  readonly pid: number;
  /** What it wrote to stdout so far (the last MiB). */
  stdout(): string;
  /** stdout and stderr, for error messages (the last MiB of each). */
  output(): string;
  running(): boolean;
  /** A position in its output, for `outputSince`. */
  outputMark(): number;
  /** What it wrote (stdout and stderr, as they came) after `mark`, at most the last MiB. */
  outputSince(mark: number): string;
  /** User + system CPU seconds it used, once it has exited (null before). */
  cpuSecondsUsed(): number | null;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const MAX_KEPT_CHARS = 1024 * 1024;
const live = new Set<Child>();

export function spawnChild(options: ChildOptions): Child {
  const subprocess = Bun.spawn(options.command, {
    cwd: options.cwd,
    env: options.env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const stdout = tail();
  const stderr = tail();
  const both = tail();
  const drained = Promise.all([
    collect(subprocess.stdout, stdout, both),
    collect(subprocess.stderr, stderr, both),
  ]);
  const exited = subprocess.exited.then(async () => {
    await drained;
    live.delete(child);
    return subprocess.exitCode;
  });
  const child: Child = {
    name: options.name,
    pid: subprocess.pid,
    stdout: () => stdout.text(),
    output: () => [stdout.text(), stderr.text()].filter((text) => text !== "").join("\n"),
    running: () => isRunning(subprocess),
    outputMark: () => both.written(),
    outputSince: (mark) => both.since(mark),
    cpuSecondsUsed: () => {
      const usage = isRunning(subprocess) ? undefined : subprocess.resourceUsage();
      return usage === undefined ? null : Number(usage.cpuTime.total) / 1e6;
    },
    exited,
    async stop(graceMs = 5_000) {
      if (isRunning(subprocess)) {
        subprocess.kill("SIGTERM");
        const settled = await Promise.race([exited, Bun.sleep(graceMs).then(() => "timeout")]);
        if (settled === "timeout") {
          subprocess.kill("SIGKILL");
        }
      }
      await exited;
    },
  };
  live.add(child);
  return child;
}

export interface Finished {
  stdout: string;
  cpuSeconds: number;
}

/**
 * Runs a command to its end, killing it when it outlives `timeoutMs`. Rejects when it exits
 * non-zero or times out, with its output in the message.
 */
export async function runToEnd(options: ChildOptions & { timeoutMs: number }): Promise<Finished> {
  const child = spawnChild(options);
  const outcome = await Promise.race([
    child.exited.then((code) => ({ code })),
    Bun.sleep(options.timeoutMs).then(() => "timeout" as const),
  ]);
  if (outcome === "timeout") {
    await child.stop(1_000);
    throw new Error(`${options.name} did not finish within ${options.timeoutMs / 1000} s`);
  }
  if (outcome.code !== 0) {
    throw new Error(`${options.name} exited with ${outcome.code}:\n${child.output()}`);
  }
  return { stdout: child.stdout(), cpuSeconds: child.cpuSecondsUsed() ?? Number.NaN };
}

/** Stops every process still running, the latest started first. */
export async function stopAllChildren(): Promise<void> {
  const children = [...live].reverse();
  await Promise.all(children.map((child) => child.stop(3_000)));
}

/** The environment a child gets: only what it needs from ours, plus `extra`. */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG", "BUN_OPTIONS"]) {
    const value = process.env[key];
    if (value !== undefined) {
      env[key] = value;
    }
  }
  return { ...env, ...extra };
}

function isRunning(subprocess: Subprocess): boolean {
  return subprocess.exitCode === null && subprocess.signalCode === null;
}

interface Tail {
  push(text: string): void;
  text(): string;
  /** Characters written so far, dropped ones included. */
  written(): number;
  since(mark: number): string;
}

/** The last MiB of a stream. */
function tail(): Tail {
  let kept = "";
  let dropped = 0;
  return {
    push(text) {
      kept += text;
      if (kept.length > MAX_KEPT_CHARS) {
        dropped += kept.length - MAX_KEPT_CHARS;
        kept = kept.slice(kept.length - MAX_KEPT_CHARS);
      }
    },
    text: () => kept,
    written: () => dropped + kept.length,
    since: (mark) => kept.slice(Math.max(0, mark - dropped)),
  };
}

async function collect(stream: ReadableStream<Uint8Array>, ...into: Tail[]): Promise<void> {
  const decoder = new TextDecoder();
  const push = (text: string): void => {
    for (const target of into) {
      target.push(text);
    }
  };
  for await (const chunk of stream) {
    push(decoder.decode(chunk, { stream: true }));
  }
  push(decoder.decode());
}
