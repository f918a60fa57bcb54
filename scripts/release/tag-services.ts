// `bun scripts/release/tag-services.ts [--push]`: tags each service whose version has no
// release tag yet, `<service>@<version>` on the commit checked out, and prints the releases as
// JSON (one line), for the release workflow to hand to images.yml. The workflow runs it only
// on a commit CI passed and once the Version Packages pull request is merged, so an image is
// only ever built from a tested, versioned commit. With --push the tags go to `origin`.
import { resolve } from "node:path";
import { runOrThrow } from "./run-command.ts";
import { pendingServiceReleases, repositoryTags, servicePackages } from "./service-releases.ts";

const root = resolve(import.meta.dir, "../..");
const push = process.argv.includes("--push");
const releases = pendingServiceReleases(await servicePackages(root), await repositoryTags(root));
for (const { tag } of releases) {
  await runOrThrow(["git", "tag", "-a", tag, "-m", tag], { cwd: root });
  if (push) {
    await runOrThrow(["git", "push", "origin", `refs/tags/${tag}`], { cwd: root });
  }
  console.error(`New tag: ${tag}`);
}
console.log(JSON.stringify(releases));
