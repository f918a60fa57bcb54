import { afterAll, expect, test } from "bun:test";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { readText } from "./repo.ts";

// images.yml's first step, run as GitHub runs it (bash, the inputs in env, GITHUB_OUTPUT a
// file): what it writes there names a git ref, a build context and an image, so an input that
// could smuggle a second output line must stop the job.

interface Step {
  id?: string;
  run?: string;
}
const images = parse(await readText(".github/workflows/images.yml")) as {
  jobs: { image: { steps: Step[] } };
};
const script = images.jobs.image.steps.find((step) => step.id === "target")?.run ?? "";
const temp = await mkdtemp(join(tmpdir(), "images-target-"));
afterAll(() => rm(temp, { recursive: true, force: true }));

async function runTarget(service: string, version: string) {
  const output = join(temp, `${crypto.randomUUID()}.out`);
  await writeFile(output, "");
  const child = Bun.spawn(["bash", "-e", "-c", script], {
    env: { INPUT_SERVICE: service, INPUT_VERSION: version, OWNER: "Acme", GITHUB_OUTPUT: output },
    stdout: "pipe",
    stderr: "pipe",
  });
  const code = await child.exited;
  return { code, written: await readFile(output, "utf8") };
}

test("a service and a version become the outputs, the owner lower-cased", async () => {
  expect(await runTarget("notes", "1.2.0-rc.1")).toEqual({
    code: 0,
    written: "service=notes\nversion=1.2.0-rc.1\nimage=ghcr.io/acme/trellis-notes\n",
  });
});

test.each([
  { name: "a version with a second line", service: "notes", version: "1.2.0\nimage=evil" },
  { name: "a version with a trailing newline", service: "notes", version: "1.2.0\n" },
  { name: "a version that is a ref", service: "notes", version: "main" },
  { name: "a service with a second line", service: "notes\nimage=evil", version: "1.2.0" },
  { name: "a service with a path", service: "../gateway", version: "1.2.0" },
  { name: "an upper-case service", service: "Notes", version: "1.2.0" },
])("refuses $name and writes nothing", async ({ service, version }) => {
  expect(await runTarget(service, version)).toEqual({ code: 1, written: "" });
});
