import { checkHealth } from "@trellis/service-kit";
import { testCallerKeys } from "./caller-keys.ts";
import { freePort } from "./free-port.ts";

export interface MainProcessOptions {
  /** The service's folder: `src/main.ts` there runs with it as the working directory. */
  cwd: string;
  databaseUrl: string;
  /** Set over this process's environment and the defaults. */
  env?: Record<string, string>;
  args?: string[];
}

export interface MainProcess {
  /** The PORT it was given: `env.PORT`, else a free one. */
  port: string;
  /** 127.0.0.1:port, for clients and health checks. */
  address: string;
  /** The exit code, once it exits. */
  exited: Promise<number>;
  /** All it printed, once it exits. */
  stdout: Promise<string>;
  stderr: Promise<string>;
  /**
   * Sends SIGTERM and waits for the exit: its code, or "hung" when it has not exited within
   * `withinMs` (it is then killed), and stderr to say why when the code is not 0.
   */
  terminate(withinMs: number): Promise<{ code: number | "hung"; stderr: string }>;
  /** SIGKILL, unless it has exited: for an afterAll. */
  kill(): void;
}

/**
 * `bun src/main.ts` as a real process, configured as `main.ts` reads it: on `databaseUrl` with a
 * pool of one (the embedded fallback takes one connection at a time), on 127.0.0.1 and a free
 * port, trusting `testCallerKeys` (so MODE=development), logging warnings only. Killed after 30 s
 * regardless.
 */
export function spawnMain(options: MainProcessOptions): MainProcess {
  const port = options.env?.PORT ?? String(freePort());
  const child = Bun.spawn([process.execPath, "src/main.ts", ...(options.args ?? [])], {
    cwd: options.cwd,
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      DATABASE_POOL_MAX: "1",
      MODE: "development",
      CALLER_PUBLIC_KEYS: testCallerKeys.publicKeys,
      HOST: "127.0.0.1",
      PORT: port,
      LOG_LEVEL: "warn",
      ...options.env,
    },
    stdout: "pipe",
    stderr: "pipe",
    timeout: 30_000,
  });
  const stdout = new Response(child.stdout).text();
  const stderr = new Response(child.stderr).text();
  return {
    port,
    address: `127.0.0.1:${port}`,
    exited: child.exited,
    stdout,
    stderr,
    async terminate(withinMs) {
      const started = performance.now();
      child.kill("SIGTERM");
      const exit = await Promise.race([
        child.exited,
        Bun.sleep(withinMs).then(() => "hung" as const),
      ]);
      if (exit === "hung") {
        child.kill("SIGKILL");
      }
      // An exit seen only after `withinMs` (a busy event loop) is late all the same.
      const code = performance.now() - started < withinMs ? exit : "hung";
      return { code, stderr: code === 0 ? "" : await stderr };
    },
    kill() {
      if (child.exitCode === null) {
        child.kill("SIGKILL");
      }
    },
  };
}

/**
 * Polls grpc.health.v1 Check at `address` until it answers SERVING or `withinMs` passes; returns
 * the last answer (a status, or why the check failed) for the assertion to show.
 */
export async function waitForServing(address: string, withinMs: number): Promise<string> {
  const until = Date.now() + withinMs;
  let last = "no answer";
  while (Date.now() < until) {
    last = await checkHealth(address, { timeoutMs: 250 }).catch((error: Error) => error.message);
    if (last === "SERVING") {
      break;
    }
    await Bun.sleep(50);
  }
  return last;
}
