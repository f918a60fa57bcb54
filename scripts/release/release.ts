// `bun run release`: publishes every public workspace package whose version is not on the
// registry yet, built from its sources into a staging folder (see stage-package.ts), and tags
// each release `<name>@<version>` right after it publishes, the way `changeset publish` does.
// Run it after `bun run version-packages` has written the versions. The registry is npm's
// configured one; NPM_REGISTRY, NPM_SCOPE, NPM_PROVENANCE and GITHUB_REPOSITORY_OWNER decide
// the flags and the scope (publish-settings.ts).
//   bun scripts/release/release.ts [--no-git-tag] [package-dir...]
// Each tag is also written to CHANGESETS_OUTPUT when set: changesets/action (v2) pushes the tags
// listed there, also when this script fails, so a partial release keeps and pushes the tags of
// what did publish. It stops at the first failure, names what published and what did not, and
// exits 1. With RELEASE_TARBALLS_DIR set, the published tarballs are kept there.
import { appendFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { packFolder, publishedVersion, publishTarball } from "./npm-registry.ts";
import { publishFlags, publishSettings, scopedName, scopeProblem } from "./publish-settings.ts";
import { changesetsOutputLine, failureReport, releasePackages } from "./release-run.ts";
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
const changesetsOutput = process.env.CHANGESETS_OUTPUT;
const settings = publishSettings(process.env);
const problem = scopeProblem(settings);
if (problem !== null) {
  console.error(`release: ${problem}`);
  process.exit(1);
}
if (keepTarballs !== undefined) {
  await mkdir(keepTarballs, { recursive: true });
}
// Dependencies first (the kit before the harness that depends on it).
const packages: WorkspacePackage[] = publishOrder(
  dirs.length > 0
    ? await Promise.all(dirs.map((dir) => readPackage(resolve(dir))))
    : await publicPackages(root),
);

const result = await releasePackages(
  packages,
  {
    publishedName: (pkg) => scopedName(pkg.manifest.name, settings.scope),
    isPublished: async (spec, pkg) => (await publishedVersion(spec, pkg.dir)) !== null,
    publish: async (pkg) => {
      const stage = await mkdtemp(join(tmpdir(), "trellis-release-"));
      try {
        await stagePackage(pkg, join(stage, "package"));
        const tarball = await packFolder(join(stage, "package"), keepTarballs ?? stage);
        await publishTarball(tarball, stage, undefined, publishFlags(settings, pkg.manifest));
      } finally {
        await rm(stage, { recursive: true, force: true });
      }
    },
    tag: async (name) => {
      const tagged = await runCommand(["git", "tag", "-a", name, "-m", name], { cwd: root });
      if (tagged.code !== 0 && !tagged.stderr.includes("already exists")) {
        throw new Error(`git tag ${name}: ${tagged.stderr}`);
      }
    },
    announce: async (tag, packageName) => {
      if (changesetsOutput) {
        await appendFile(changesetsOutput, changesetsOutputLine(tag, packageName));
      }
    },
    log: (line) => console.log(line),
  },
  { gitTag },
);
for (const line of failureReport(result)) {
  console.error(line);
}
process.exit(result.failed === undefined ? 0 : 1);
