import { expect, test } from "bun:test";
import { changesetsOutputLine, failureReport, releasePackages } from "./release-run.ts";
import type { WorkspacePackage } from "./workspace-packages.ts";

const pkg = (name: string, extra: { private?: boolean } = {}): WorkspacePackage => ({
  dir: name,
  manifest: { name, version: "1.0.0", ...extra },
});

function fakePublisher(options: { failing?: string; onRegistry?: string[] } = {}) {
  const calls = { published: [] as string[], tags: [] as string[], announced: [] as string[] };
  const publisher = {
    publishedName: (p: WorkspacePackage) => p.manifest.name.replace("@trellis/", "@acme/"),
    isPublished: async (spec: string) => options.onRegistry?.includes(spec) ?? false,
    publish: async (p: WorkspacePackage) => {
      if (p.manifest.name === options.failing) {
        throw new Error("E403 forbidden");
      }
      calls.published.push(p.manifest.name);
    },
    tag: async (tag: string) => {
      calls.tags.push(tag);
    },
    announce: async (tag: string, name: string) => {
      calls.announced.push(changesetsOutputLine(tag, name));
    },
    log: () => {},
  };
  return { publisher, calls };
}

const three = [pkg("@trellis/a"), pkg("@trellis/b"), pkg("@trellis/c")];

const cases = [
  {
    name: "all publish: each tagged",
    packages: three,
    failing: undefined,
    onRegistry: [],
    tags: ["@acme/a@1.0.0", "@acme/b@1.0.0", "@acme/c@1.0.0"],
    failed: undefined,
  },
  {
    name: "the second of three fails: the first keeps its tag, the third is not tried",
    packages: three,
    failing: "@trellis/b",
    onRegistry: [],
    tags: ["@acme/a@1.0.0"],
    failed: "@acme/b@1.0.0",
  },
  {
    name: "the first fails: no tags",
    packages: three,
    failing: "@trellis/a",
    onRegistry: [],
    tags: [],
    failed: "@acme/a@1.0.0",
  },
  {
    name: "already published and private ones are skipped, untagged",
    packages: [pkg("@trellis/a"), pkg("@trellis/p", { private: true }), pkg("@trellis/c")],
    failing: undefined,
    onRegistry: ["@acme/a@1.0.0"],
    tags: ["@acme/c@1.0.0"],
    failed: undefined,
  },
];

test.each(cases)(
  "releasePackages: $name",
  async ({ packages, failing, onRegistry, tags, failed }) => {
    const { publisher, calls } = fakePublisher({ failing, onRegistry });
    const result = await releasePackages(packages, publisher, { gitTag: true });
    expect(calls.tags).toEqual(tags);
    expect(result.tags).toEqual(tags);
    expect(result.failed?.spec).toBe(failed);
    expect(calls.announced).toEqual(
      tags.map((tag) =>
        changesetsOutputLine(tag, tag.replace("@acme/", "@trellis/").replace("@1.0.0", "")),
      ),
    );
  },
);

test("a failure names the package that failed, what published and what did not", async () => {
  const { publisher } = fakePublisher({ failing: "@trellis/b" });
  const result = await releasePackages(three, publisher, { gitTag: true });
  expect(result.published).toEqual(["@acme/a@1.0.0"]);
  expect(result.notPublished).toEqual(["@acme/c@1.0.0"]);
  expect(failureReport(result)).toEqual([
    "release FAILED at @acme/b@1.0.0: E403 forbidden",
    "published (tags kept): @acme/a@1.0.0",
    "not published: @acme/b@1.0.0, @acme/c@1.0.0",
  ]);
});

test("a tag that cannot be made stops the release, the package counted as published", async () => {
  const { publisher } = fakePublisher();
  publisher.tag = async () => {
    throw new Error("tag refused");
  };
  const result = await releasePackages(three, publisher, { gitTag: true });
  expect(result.published).toEqual(["@acme/a@1.0.0"]);
  expect(result.failed?.error).toContain("published, but not tagged: tag refused");
  expect(failureReport(result)[2]).toBe("not published: @acme/b@1.0.0, @acme/c@1.0.0");
});

test("--no-git-tag publishes without tags", async () => {
  const { publisher, calls } = fakePublisher();
  const result = await releasePackages(three, publisher, { gitTag: false });
  expect(calls.published).toHaveLength(3);
  expect(calls.tags).toEqual([]);
  expect(failureReport(result)).toEqual([]);
});

test("the CHANGESETS_OUTPUT line is the event changesets/action v2 reads", () => {
  expect(JSON.parse(changesetsOutputLine("@acme/a@1.0.0", "@trellis/a"))).toEqual({
    type: "git-tag",
    tag: "@acme/a@1.0.0",
    packageName: "@trellis/a",
  });
});
