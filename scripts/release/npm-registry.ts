import { runCommand, runOrThrow } from "./run-command.ts";

// Every registry call goes through the npm CLI, so it talks to whatever npm is configured for
// (NPM_CONFIG_REGISTRY, a scoped `@trellis:registry` line in .npmrc, auth tokens): verdaccio in
// tests, GitHub Packages in CI, and no registry URL is written here.

type Env = Record<string, string | undefined>;

/**
 * The version that `spec` (`name@version`, `name@latest`) resolves to on the registry, or
 * `null` when the package or that version is not there. Throws on any other failure (the
 * registry unreachable, auth refused), so "not published" is never a guess.
 */
export async function publishedVersion(
  spec: string,
  cwd: string,
  env?: Env,
): Promise<string | null> {
  const result = await runCommand(["npm", "view", spec, "version", "--json"], {
    cwd,
    env,
    timeoutMs: 60_000,
  });
  if (result.code !== 0) {
    if (/E404|404 Not Found|is not in this registry/.test(result.stderr + result.stdout)) {
      return null;
    }
    throw new Error(`npm view ${spec} failed:\n${result.stderr}`);
  }
  const text = result.stdout.trim();
  if (text === "") {
    return null;
  }
  const parsed = JSON.parse(text) as string | string[];
  return Array.isArray(parsed) ? (parsed.at(-1) ?? null) : parsed;
}

/** Downloads the tarball of `spec` into `destination`; returns its path. */
export async function packFromRegistry(
  spec: string,
  destination: string,
  env?: Env,
): Promise<string> {
  const stdout = await runOrThrow(
    ["npm", "pack", spec, "--json", "--pack-destination", destination],
    {
      cwd: destination,
      env,
      timeoutMs: 120_000,
    },
  );
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  if (packed === undefined) {
    throw new Error(`npm pack ${spec} produced no tarball`);
  }
  return `${destination}/${packed.filename}`;
}

/** Packs the package folder `dir` into `destination`; returns the tarball's path. */
export async function packFolder(dir: string, destination: string, env?: Env): Promise<string> {
  const stdout = await runOrThrow(
    ["npm", "pack", dir, "--json", "--pack-destination", destination],
    {
      cwd: dir,
      env,
      timeoutMs: 60_000,
    },
  );
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  if (packed === undefined) {
    throw new Error(`npm pack ${dir} produced no tarball`);
  }
  return `${destination}/${packed.filename}`;
}

/** Publishes a tarball, with `flags` (publish-settings.ts: provenance, access). */
export async function publishTarball(
  tarball: string,
  cwd: string,
  env?: Env,
  flags: readonly string[] = [],
): Promise<void> {
  await runOrThrow(["npm", "publish", tarball, ...flags], { cwd, env, timeoutMs: 120_000 });
}
