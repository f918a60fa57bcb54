import { afterAll, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { createBrowser } from "../../test/system/support/browser.ts";
import { freshServiceName, nextServicePort } from "./fresh-name.ts";
import { serviceNames } from "./naming.ts";
import { copyRepo } from "./repo-copy.ts";

// The whole path a developer takes, in a copy of the repository: the CLI writes the service
// (and installs and generates), the copy typechecks, lints and passes its own tests (DB tests on
// TEST_DATABASE_URL, or the harness's embedded fallback), then `bun run dev` serves its CRUD
// through the gateway. Dev's ports are fixed (3000, 4010, 5173, the services' own): nothing else
// may hold them while this runs.

const root = await copyRepo();
// `things` unless this fork has a service by that name already.
const fresh = await freshServiceName(root);
const { plural } = serviceNames(fresh);
// A whole installed copy: its removal outlasts the 5 s default on a busy machine.
afterAll(() => rm(root, { recursive: true, force: true }), 60_000);

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

test("bun run new-service <a fresh name> makes a service that typechecks, lints and passes its tests", async () => {
  await ok(["bun", "install", "--frozen-lockfile"]);
  const port = await nextServicePort(root);
  const created = await ok(["bun", "run", "new-service", fresh]);
  expect(created).toContain(`created @trellis/${fresh} in services/${fresh} (port ${port}`);

  const again = await run(["bun", "run", "new-service", fresh]);
  expect(again.code).toBe(1);
  expect(again.output).toContain(`services/${fresh} exists already; nothing is merged into it`);

  const service = join(root, "services", fresh);
  await ok(["bun", "run", "typecheck"], service);
  await ok(["bun", "run", "lint"], service);
  const tests = await ok(["bun", "test"], service);
  expect(tests).toMatch(/ 0 fail/);
  // The compose files, database init and env examples list it, as the delivery check wants; so
  // does deploy/k8s, whose overlays render it and hold it to the policy rules.
  const entries = await ok([
    "bun",
    "test",
    "test/delivery/service-entries.test.ts",
    "test/delivery/k8s-services.test.ts",
    "test/delivery/k8s-manifests.test.ts",
  ]);
  expect(entries).toMatch(/ 0 fail/);
}, 240_000);

test("bun run dev then serves the new service's CRUD through the gateway, listed in its docs", async () => {
  const dev = Bun.spawn(["bun", "run", "dev"], {
    cwd: root,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, LOG_LEVEL: "warn" },
  });
  const output = collect(dev);
  try {
    await waitForOutput(output, "Trellis is up", 120_000);
    const browser = createBrowser("http://localhost:3000");
    await browser.signIn("dev", { id: "scaffold-user", name: "Scaffold User" });
    // Sent twice with one Idempotency-Key: the new service inherits idempotent creates.
    const create = () =>
      browser.api(`/api/${plural}`, {
        method: "POST",
        json: { title: "first thing", body: "made by the scaffolder" },
        headers: { "idempotency-key": "scaffold-create-1" },
      });
    const created = await create();
    expect(created.status).toBe(201);
    const thing = (await created.json()) as { id: string };
    const retried = await create();
    expect([retried.status, await retried.json()]).toEqual([201, thing]);
    const listed = await browser.api(`/api/${plural}`);
    expect(await listed.json()).toEqual({ [plural]: [thing], nextPageToken: "" });
    const openapi = (await (await fetch("http://localhost:3000/openapi.json")).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openapi.paths)).toContain(`/api/${plural}`);
  } finally {
    dev.kill("SIGINT");
    await dev.exited;
  }
}, 180_000);

/** Everything a process writes, as it arrives. */
function collect(child: Bun.Subprocess<"ignore", "pipe", "pipe">): { text: string } {
  const output = { text: "" };
  for (const stream of [child.stdout, child.stderr]) {
    void (async () => {
      for await (const chunk of stream) {
        output.text += new TextDecoder().decode(chunk);
      }
    })();
  }
  return output;
}

async function waitForOutput(output: { text: string }, marker: string, withinMs: number) {
  const deadline = Date.now() + withinMs;
  while (!output.text.includes(marker)) {
    if (Date.now() > deadline) {
      throw new Error(`no "${marker}" within ${withinMs} ms:\n${output.text.slice(-4_000)}`);
    }
    await Bun.sleep(200);
  }
}
