import { join } from "node:path";
import { createTestDatabase, freePort, type TestDatabase } from "@trellis/testing";
import { type ScratchWorkspace, scratchWorkspace } from "./scratch-workspace.ts";

/** `bun run dev` started on a scratch copy of the workspace, on ports of its own. */
export interface DevRunner {
  /** The scratch copy's root: edits there are what the runner sees. */
  root: string;
  /** The gateway, at 127.0.0.1. */
  gatewayUrl: string;
  /** The app's origin as the gateway knows it (`http://localhost:<port>`), for Origin headers. */
  appOrigin: string;
  /** Where the output so far ends: pass it to `printed` to read what came after. */
  mark(): number;
  /** What the runner printed from `from` (a `mark()`) on. */
  printed(from?: number): string;
  /** Waits until the output from `from` on matches `pattern`; returns the match. */
  printedLine(pattern: RegExp, from: number, withinMs?: number): Promise<string>;
  /** Rewrites a file of the copy, named from its root. */
  edit(file: string, change: (text: string) => string): Promise<void>;
  /** Ctrl-C, then the databases and the copy removed. */
  stop(): Promise<void>;
}

/**
 * Copies the workspace, gives each service an empty database of the test server (each applies
 * its own migrations, as under `bun run dev`), and starts `bun scripts/dev.ts` in the copy on
 * free ports; resolves once it says it is up.
 */
export async function startDevRunner(env: Record<string, string> = {}): Promise<DevRunner> {
  const scratch = await scratchWorkspace();
  const databases = await Promise.all([
    createTestDatabase({ migrations: [] }),
    createTestDatabase({ migrations: [] }),
  ]);
  await Promise.all(databases.map((db) => db.sql.end()));
  const [notesDb, identityDb] = databases;
  const ports = new Set<number>();
  while (ports.size < 5) {
    ports.add(freePort());
  }
  const [gateway, oauth, web, notes, identity] = [...ports].map(String);
  const runner = Bun.spawn(["bun", "scripts/dev.ts"], {
    cwd: scratch.root,
    env: {
      ...process.env,
      DEV_GATEWAY_PORT: gateway,
      DEV_OAUTH_PORT: oauth,
      DEV_WEB_PORT: web,
      DEV_NOTES_PORT: notes,
      DEV_IDENTITY_PORT: identity,
      NOTES_DATABASE_URL: notesDb?.url ?? "",
      IDENTITY_DATABASE_URL: identityDb?.url ?? "",
      // One connection each: the embedded test database serves no more.
      DATABASE_POOL_MAX: "1",
      LOG_LEVEL: "info",
      OTEL_SDK_DISABLED: "true",
      ...env,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const output: string[] = [];
  void drain(runner.stdout, output);
  void drain(runner.stderr, output);
  const devRunner = handle(scratch, databases, runner, output, Number(gateway));
  try {
    await devRunner.printedLine(/Trellis is up/, 0, 60_000);
  } catch (error) {
    await devRunner.stop();
    throw error;
  }
  return devRunner;
}

function handle(
  scratch: ScratchWorkspace,
  databases: TestDatabase[],
  runner: ReturnType<typeof Bun.spawn>,
  output: string[],
  gatewayPort: number,
): DevRunner {
  const printed = (from = 0): string => output.slice(from).join("");
  return {
    root: scratch.root,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    appOrigin: `http://localhost:${gatewayPort}`,
    mark: () => output.length,
    printed,
    async printedLine(pattern, from, withinMs = 20_000) {
      const deadline = Date.now() + withinMs;
      while (Date.now() < deadline) {
        const found = printed(from).match(pattern);
        if (found !== null) {
          return found[0];
        }
        await Bun.sleep(50);
      }
      throw new Error(`no line like ${pattern} within ${withinMs / 1000} s:\n${printed()}`);
    },
    async edit(file, change) {
      const path = join(scratch.root, file);
      await Bun.write(path, change(await Bun.file(path).text()));
    },
    async stop() {
      runner.kill("SIGTERM");
      const stopped = await Promise.race([runner.exited, Bun.sleep(10_000).then(() => null)]);
      if (stopped === null) {
        runner.kill("SIGKILL");
      }
      await Promise.all(databases.map((db) => db.close()));
      await scratch.remove();
    },
  };
}

async function drain(stream: ReadableStream<Uint8Array> | number | undefined, into: string[]) {
  if (!(stream instanceof ReadableStream)) {
    return;
  }
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    into.push(decoder.decode(chunk, { stream: true }));
  }
}
