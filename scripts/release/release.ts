// `bun run release`: publishes every public workspace package whose version is not on the
// registry yet, built from its sources into a staging folder (see stage-package.ts), and tags
// each release `<name>@<version>` the way `changeset publish` does. Run it after
// `bun run version-packages` has written the versions. The registry is npm's configured one.
//   bun scripts/release/release.ts [--no-git-tag] [package-dir...]
// Prints `New tag: <name>@<version>` per release: changesets/action reads those lines. With
// RELEASE_TARBALLS_DIR set, the published tarballs are kept there (to attest or archive them).
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { packFolder, publishedVersion, publishTarball } from "./npm-registry.ts";
import { runCommand } from "./run-command.ts";
import { stagePackage } from "./stage-package.ts";
import {
  publicPackages,
  publishOrder,
  readPackage,
  type WorkspacePackage,
} from "./workspace-packages.ts";

const root = resolve(import.meta.dir, "../..");
const args = process.argv.slice(2);
const gitTag = !args.includes("--no-git-tag");
const dirs = args.filter((arg) => !arg.startsWith("--"));
const keepTarballs = process.env.RELEASE_TARBALLS_DIR;
if (keepTarballs !== undefined) {
  await mkdir(keepTarballs, { recursive: true });
}
// Dependencies first (the kit before the harness that depends on it).
const packages: WorkspacePackage[] = publishOrder(
  dirs.length > 0
    ? await Promise.all(dirs.map((dir) => readPackage(resolve(dir))))
    : await publicPackages(root),
);

let failed = false;
for (const pkg of packages) {
  const { name, version } = pkg.manifest;
  if (pkg.manifest.private === true) {
    console.log(`${name}: private, not published`);
    continue;
  }
  if ((await publishedVersion(`${name}@${version}`, pkg.dir)) !== null) {
    console.log(`${name}@${version}: already on the registry`);
    continue;
  }
  const stage = await mkdtemp(join(tmpdir(), "trellis-release-"));
  try {
    await stagePackage(pkg, join(stage, "package"));
    const tarball = await packFolder(join(stage, "package"), keepTarballs ?? stage);
    await publishTarball(tarball, stage);
    console.log(`published ${name}@${version}`);
    if (gitTag) {
      await tag(`${name}@${version}`);
    }
    console.log(`New tag: ${name}@${version}`);
  } catch (error) {
    failed = true;
    console.error(`${name}@${version}: ${error instanceof Error ? error.message : error}`);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);

async function tag(name: string): Promise<void> {
  const result = await runCommand(["git", "tag", "-a", name, "-m", name], { cwd: root });
  if (result.code !== 0 && !result.stderr.includes("already exists")) {
    throw new Error(`git tag ${name}: ${result.stderr}`);
  }
}
