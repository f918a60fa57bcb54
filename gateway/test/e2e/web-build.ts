import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const webDir = join(import.meta.dir, "../../web");

/** A production build of gateway/web in a temp folder (gateway/web/dist stays the developer's). */
export async function buildWebApp(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "trellis-web-e2e-"));
  const build = Bun.spawn(
    [process.execPath, "run", "build", "--outDir", dir, "--emptyOutDir", "--logLevel", "warn"],
    { cwd: webDir, stdout: "pipe", stderr: "pipe" },
  );
  const [output, errors, code] = await Promise.all([
    new Response(build.stdout).text(),
    new Response(build.stderr).text(),
    build.exited,
  ]);
  if (code !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`building the web app failed (${code}):\n${output}\n${errors}`);
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
