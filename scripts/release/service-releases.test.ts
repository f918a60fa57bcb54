import { expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { discoverServices } from "../services/discover.ts";
import { pendingServiceReleases, repositoryTags, servicePackages } from "./service-releases.ts";
import type { WorkspacePackage } from "./workspace-packages.ts";

const pkg = (name: string, version: string): WorkspacePackage => ({
  dir: `/repo/${name}`,
  manifest: { name, version, private: true },
});
const services = [
  pkg("@trellis/notes", "1.2.0"),
  pkg("@trellis/gateway", "0.3.1"),
  pkg("plain", "2.0.0"),
];

const cases: { name: string; tags: string[]; want: string[] }[] = [
  {
    name: "every service untagged yet",
    tags: [],
    want: ["gateway@0.3.1", "notes@1.2.0", "plain@2.0.0"],
  },
  {
    name: "only the services whose version moved",
    tags: ["gateway@0.3.1", "notes@1.1.0", "plain@2.0.0", "@trellis/contracts@0.2.0"],
    want: ["notes@1.2.0"],
  },
  {
    name: "nothing when every version is tagged",
    tags: ["gateway@0.3.1", "notes@1.2.0", "plain@2.0.0"],
    want: [],
  },
];

test.each(cases)("$name", ({ tags, want }) => {
  const releases = pendingServiceReleases(services, new Set(tags));
  expect(releases.map((release) => release.tag)).toEqual(want);
});

test("a release names the image by the package name without its scope", () => {
  expect(pendingServiceReleases([pkg("@acme/billing", "0.1.0")], new Set())).toEqual([
    { service: "billing", version: "0.1.0", tag: "billing@0.1.0" },
  ]);
});

test("the workspace's services are the private packages with a Dockerfile", async () => {
  const root = resolve(import.meta.dir, "../..");
  const names = (await servicePackages(root)).map((found) => found.manifest.name).sort();
  // The gateway and every declared service, whatever services a team has added.
  const declared = (await discoverServices(root)).map((service) => service.packageName);
  expect(names).toEqual(["@trellis/gateway", ...declared].sort());
  expect(names).toEqual(expect.arrayContaining(["@trellis/identity", "@trellis/notes"]));
});

test("a git failure is an error, not an empty list of tags", async () => {
  const notARepo = await mkdtemp(join(tmpdir(), "trellis-no-git-"));
  try {
    await expect(repositoryTags(notARepo)).rejects.toThrow(/git tag --list/);
  } finally {
    await rm(notARepo, { recursive: true, force: true });
  }
});
