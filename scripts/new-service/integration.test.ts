import { afterAll, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { copyRepo } from "./repo-copy.ts";

// The whole path a developer takes, in a copy of the repository: the CLI writes the service,
// an install links it, generate builds its contract, and the copy typechecks, lints and passes
// its own tests (DB tests on TEST_DATABASE_URL, or the harness's embedded fallback).

const root = await copyRepo();
afterAll(() => rm(root, { recursive: true, force: true }));

async function run(command: string[], cwd = root): Promise<{ code: number; output: string }> {
  const child = Bun.spawn(command, { cwd, stdout: "pipe", stderr: "pipe", env: process.env });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, output: stdout + stderr };
}

async function ok(command: string[], cwd = root): Promise<string> {
  const { code, output } = await run(command, cwd);
  if (code !== 0) {
    throw new Error(`${command.join(" ")} exited ${code}:\n${output}`);
  }
  return output;
}

test("bun run new-service things makes a service that typechecks, lints and passes its tests", async () => {
  await ok(["bun", "install", "--frozen-lockfile"]);
  const created = await ok(["bun", "run", "new-service", "things"]);
  expect(created).toContain("created @trellis/things in services/things (port 50053");

  const again = await run(["bun", "run", "new-service", "things"]);
  expect(again.code).toBe(1);
  expect(again.output).toContain("services/things exists already; nothing is merged into it");

  await ok(["bun", "install"]);
  await ok(["bun", "run", "generate"]);
  const service = join(root, "services/things");
  await ok(["bun", "run", "typecheck"], service);
  await ok(["bun", "run", "lint"], service);
  const tests = await ok(["bun", "test"], service);
  expect(tests).toMatch(/ 0 fail/);
}, 240_000);
