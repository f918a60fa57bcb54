import { join } from "node:path";
import type { ServiceNames } from "./naming.ts";
import type { FileWrite } from "./template.ts";

/**
 * Formats the staged service with the workspace's Biome (a longer name can push a line past the
 * width; a renamed import can change the import order), then checks it: a copy that fails its
 * own lint is refused before anything is in place.
 */
export async function formatAndLint(root: string, serviceDir: string): Promise<void> {
  const biome = join(root, "node_modules/.bin/biome");
  await run([biome, "check", "--write", "."], serviceDir);
  await run([biome, "check", "."], serviceDir);
}

/** Files that still speak of notes: a rename rule the template outgrew. */
export function leftovers(files: FileWrite[], names: ServiceNames): string[] {
  // A new name may contain "note" itself (notebooks): then the check says nothing.
  if (Object.values(names).some((form) => form.toLowerCase().includes("note"))) {
    return [];
  }
  return files.filter((file) => /note/i.test(file.path + file.content)).map((file) => file.path);
}

async function run(command: string[], cwd: string): Promise<void> {
  const child = Bun.spawn(command, { cwd, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  if (code !== 0) {
    throw new Error(
      `${command.slice(1).join(" ")} failed in the staged service:\n${stdout}${stderr}`,
    );
  }
}
