import { expect, test } from "bun:test";
import { k8sFolderFiles, wrapComments } from "./k8s-folder.ts";
import { serviceNames } from "./naming.ts";
import { repoRoot } from "./repo-copy.ts";

// The new service's Kubernetes folder, from this repository's notes folder: every mention of
// notes renamed, its port in place of notes', its comments within the repository's 100 columns.

const PORT = { from: 50051, to: 50099 };

// The longest name the scaffolder takes is 30 characters: a URL of three of them cannot be broken.
test.each(["things", "inventories", "a".repeat(30)])(
  "the folder for %s names no notes and keeps 100 columns",
  async (name) => {
    const files = await k8sFolderFiles(repoRoot, serviceNames(name), PORT);
    expect(files.length).toBeGreaterThan(0);
    const text = files.map((file) => file.content).join("\n");
    expect(text).not.toMatch(/note/i);
    expect(text).not.toContain("50051");
    expect(text).toContain(`containerPort: ${PORT.to}`);
    const wide = text
      .split("\n")
      .filter((line) => /^\s*#/.test(line) && line.length > 100 && !/^\s*# \S+$/.test(line));
    expect(wide).toEqual([]);
  },
);

test.each([
  { name: "a short comment", text: "  # short", width: 20, want: "  # short" },
  {
    name: "a long comment, at its last space that fits",
    text: "    # one two three four",
    width: 16,
    want: "    # one two\n    # three four",
  },
  {
    name: "a long line of YAML",
    text: "  key: one two three four",
    width: 10,
    want: "  key: one two three four",
  },
  {
    name: "a comment with no space to break at",
    text: "# abcdefghij",
    width: 5,
    want: "# abcdefghij",
  },
])("wrapComments leaves $name as it should", ({ text, width, want }) => {
  expect(wrapComments(text, width)).toBe(want);
});
