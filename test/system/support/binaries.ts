import { join } from "node:path";
import { gatewayDir, identityDir, notesDir, webDir } from "./paths.ts";

// The compiled services as an image holds them: each package's own `bun run build` (the command
// the Dockerfiles run) writes `<package>/dist/<name>` with its runtime files beside it.

const packages = {
  gateway: gatewayDir,
  identity: identityDir,
  notes: notesDir,
} as const;

export type BinaryName = keyof typeof packages;

/** Absolute paths of the three executables, each with its dist/ folder beside it. */
export type Binaries = Record<BinaryName, string>;

let built: Promise<Binaries> | undefined;

/**
 * Builds the web app (gateway/web/dist, which the gateway's build copies beside its binary),
 * then compiles the gateway, identity and notes: once per test process, whoever asks first.
 * Always from the current sources, so a stale dist/ is never what gets tested.
 */
export function compiledBinaries(): Promise<Binaries> {
  built ??= buildAll();
  return built;
}

async function buildAll(): Promise<Binaries> {
  await runBuild(webDir);
  await Promise.all(Object.values(packages).map(runBuild));
  const entries = Object.entries(packages).map(([name, dir]) => [name, join(dir, "dist", name)]);
  return Object.fromEntries(entries) as Binaries;
}

async function runBuild(cwd: string): Promise<void> {
  const build = Bun.spawn([process.execPath, "run", "build"], {
    cwd,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [output, errors, code] = await Promise.all([
    new Response(build.stdout).text(),
    new Response(build.stderr).text(),
    build.exited,
  ]);
  if (code !== 0) {
    throw new Error(`bun run build in ${cwd} failed (${code}):\n${output}\n${errors}`);
  }
}
