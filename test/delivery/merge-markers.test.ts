import { expect, test } from "bun:test";
import { join } from "node:path";

// A merge whose conflict was resolved in code but not in a Markdown file left its markers in a
// README once (Biome formats code, not prose, so nothing else caught it). Every tracked text file.

const ROOT = join(import.meta.dir, "../..");
const MARKER = /^(<{7}|>{7})( |$)|^={7}$/m;

/** Which of `files` (path, text) hold a conflict marker at the start of a line. */
export function filesWithMergeMarkers(files: [string, string][]): string[] {
  return files.filter(([, text]) => MARKER.test(text)).map(([path]) => path);
}

test.each([
  { name: "an ours marker", text: "a\n<<<<<<< HEAD\nb\n", found: true },
  { name: "a theirs marker", text: "a\n>>>>>>> branch\n", found: true },
  { name: "a separator", text: "a\n=======\nb\n", found: true },
  { name: "a Markdown heading underline of another length", text: "Title\n=====\n", found: false },
  { name: "arrows inside a line", text: "x <<<<<<< y\n", found: false },
])("the check finds $name: $found", ({ text, found }) => {
  expect(filesWithMergeMarkers([["f.md", text]])).toEqual(found ? ["f.md"] : []);
});

test("no tracked file holds a merge conflict marker", async () => {
  const listed = Bun.spawnSync(["git", "ls-files", "-z"], { cwd: ROOT });
  const paths = listed.stdout.toString().split("\0").filter(Boolean);
  expect(paths.length).toBeGreaterThan(100);
  const files: [string, string][] = [];
  for (const path of paths) {
    const file = Bun.file(join(ROOT, path));
    if ((await file.exists()) && file.size < 2_000_000) {
      files.push([path, await file.text()]);
    }
  }
  expect(filesWithMergeMarkers(files)).toEqual([]);
});
