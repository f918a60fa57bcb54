import { afterEach, expect, test } from "bun:test";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FolderWatch, watchFolders } from "./watcher.ts";

// The watcher on a real folder: Bun's fs.watch on Linux (inotify), debounced.

let root = "";
let watch: FolderWatch | undefined;

afterEach(async () => {
  watch?.close();
  await rm(root, { recursive: true, force: true });
});

/** Starts a watch of `folders` under a fresh root; each batch lands in the returned list. */
async function watching(folders: string[], accept?: (path: string) => boolean) {
  root = await mkdtemp(join(tmpdir(), "dev-watcher-"));
  for (const folder of folders) {
    await mkdir(join(root, folder), { recursive: true });
  }
  const batches: string[][] = [];
  watch = watchFolders({
    root,
    folders,
    onChanges: (paths) => batches.push(paths.toSorted()),
    debounceMs: 50,
    ...(accept === undefined ? {} : { accept }),
  });
  return batches;
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!check() && Date.now() < deadline) {
    await Bun.sleep(20);
  }
}

test("reports a saved file once, by its path from the root", async () => {
  const batches = await watching(["pkg/src"]);
  await writeFile(join(root, "pkg/src/a.ts"), "1");
  await until(() => batches.length > 0);
  await Bun.sleep(150);
  expect(batches).toEqual([["pkg/src/a.ts"]]);
});

test("reports a file an editor saves by renaming its scratch copy over it", async () => {
  const batches = await watching(["pkg/src"]);
  await writeFile(join(root, "pkg/.a.ts.tmp"), "1");
  await rename(join(root, "pkg/.a.ts.tmp"), join(root, "pkg/src/a.ts"));
  await until(() => batches.length > 0);
  expect(batches.flat()).toContain("pkg/src/a.ts");
});

test("follows a folder created after the watch began", async () => {
  const batches = await watching(["pkg/src"]);
  await mkdir(join(root, "pkg/src/deep/er"), { recursive: true });
  await Bun.sleep(100);
  await writeFile(join(root, "pkg/src/deep/er/b.ts"), "1");
  await until(() => batches.flat().includes("pkg/src/deep/er/b.ts"));
  expect(batches.flat()).toContain("pkg/src/deep/er/b.ts");
});

test("a folder replaced whole is reported and watched again", async () => {
  const batches = await watching(["pkg/gen"]);
  await mkdir(join(root, "next/gen"), { recursive: true });
  await writeFile(join(root, "next/gen/c.ts"), "1");
  await rm(join(root, "pkg/gen"), { recursive: true });
  await rename(join(root, "next/gen"), join(root, "pkg/gen"));
  await until(() => batches.flat().includes("pkg/gen"));
  await Bun.sleep(100);
  batches.length = 0;
  await writeFile(join(root, "pkg/gen/c.ts"), "2");
  await until(() => batches.length > 0);
  expect(batches.flat()).toContain("pkg/gen/c.ts");
});

test("a folder replaced while its events are refused is still watched again", async () => {
  let refusing = true;
  const batches = await watching(["pkg/gen"], () => !refusing);
  await mkdir(join(root, "next/gen"), { recursive: true });
  await rm(join(root, "pkg/gen"), { recursive: true });
  await rename(join(root, "next/gen"), join(root, "pkg/gen"));
  await Bun.sleep(300);
  refusing = false;
  await writeFile(join(root, "pkg/gen/d.ts"), "1");
  await until(() => batches.length > 0);
  expect(batches).toEqual([["pkg/gen/d.ts"]]);
});

test("drops what `accept` refuses when it arrives", async () => {
  const batches = await watching(["pkg/src"], (path) => !path.endsWith(".skip"));
  await writeFile(join(root, "pkg/src/a.skip"), "1");
  await writeFile(join(root, "pkg/src/b.ts"), "1");
  await until(() => batches.length > 0);
  expect(batches).toEqual([["pkg/src/b.ts"]]);
});
