import { cp, mkdir, stat } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { publishSettings } from "./publish-settings.ts";
import { publishedBufYaml } from "./published-buf-yaml.ts";
import { compiledDir, publishedManifest } from "./published-manifest.ts";
import { runOrThrow } from "./run-command.ts";
import type { WorkspacePackage } from "./workspace-packages.ts";

/**
 * Builds the folder that gets published for `pkg` in `outDir`: its `generate` script when it
 * has one (contracts: buf lint + ts-proto), then `tsc -p tsconfig.build.json` into
 * `outDir/dist` (JS + .d.ts) when it has that file (@trellis/biome-config is JSON only), then
 * the other entries of its `files` copied over, its `bundleDependencies` copied in as the
 * workspace installed them (patches applied), and the published manifest written. Publishing
 * from this folder, not from the package's own, is what lets the workspace keep pointing at
 * sources. Throws when a step fails.
 */
export async function stagePackage(
  pkg: WorkspacePackage,
  outDir: string,
  env: Record<string, string | undefined> = process.env,
): Promise<string> {
  const { dir, manifest } = pkg;
  if (manifest.scripts?.generate !== undefined) {
    await runOrThrow(["bun", "run", "generate"], { cwd: dir, env });
  }
  const sourceRoot = await compile(dir, outDir, env);
  for (const entry of manifest.files ?? []) {
    const from = join(dir, entry);
    if (entry === "buf.yaml") {
      await Bun.write(join(outDir, entry), publishedBufYaml(await Bun.file(from).text()));
    } else if (entry !== compiledDir && (await exists(from))) {
      await cp(from, join(outDir, entry), { recursive: true });
    }
  }
  await copyBundledDependencies(pkg, outDir);
  // In CI the repository field names the repository that built it: npm provenance checks it.
  const { GITHUB_REPOSITORY: repository, GITHUB_WORKSPACE: workspace } = env;
  const published = publishedManifest(manifest, {
    sourceRoot,
    repositoryUrl: repository ? `https://github.com/${repository}` : undefined,
    directory: workspace ? relative(workspace, dir) : undefined,
    // NPM_SCOPE: a fork publishes under its own scope (@trellis/* renamed).
    scope: publishSettings(env).scope,
  });
  await mkdir(outDir, { recursive: true });
  await Bun.write(join(outDir, "package.json"), `${JSON.stringify(published, null, 2)}\n`);
  return outDir;
}

/** Compiles `dir` into `outDir/dist`; returns its sources' root, "." with nothing to compile. */
async function compile(
  dir: string,
  outDir: string,
  env: Record<string, string | undefined>,
): Promise<string> {
  const buildConfig = join(dir, "tsconfig.build.json");
  if (!(await exists(buildConfig))) {
    return ".";
  }
  const { compilerOptions } = (await Bun.file(buildConfig).json()) as {
    compilerOptions: { rootDir: string };
  };
  const tsc = join(dir, "node_modules", ".bin", "tsc");
  await runOrThrow([tsc, "-p", buildConfig, "--outDir", join(outDir, compiledDir)], {
    cwd: dir,
    env,
  });
  return compilerOptions.rootDir;
}

/**
 * npm packs `node_modules/<name>` of each bundled dependency into the tarball, and a consumer's
 * install uses that copy instead of fetching its own: how a workspace's patch (patches/) of a
 * dependency would reach services outside the workspace. No package bundles one today.
 */
async function copyBundledDependencies({ dir, manifest }: WorkspacePackage, outDir: string) {
  const bundled = (manifest.bundleDependencies ?? []) as string[];
  for (const name of bundled) {
    const installed = dirname(Bun.resolveSync(`${name}/package.json`, dir));
    await cp(installed, join(outDir, "node_modules", name), {
      recursive: true,
      dereference: true,
    });
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
