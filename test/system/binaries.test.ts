import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { freePort, testCallerKeys } from "@trellis/testing";
import { type Binaries, type BinaryName, compiledBinaries } from "./support/binaries.ts";
import { createBrowser } from "./support/browser.ts";
import { waitUntil } from "./support/child-process.ts";
import { type Stack, startStack } from "./support/stack.ts";

// What goes into the images, run as the images run it: the executables `bun run build`
// compiles, each started away from its package folder on an empty database. They start,
// migrate from the files shipped beside them, serve (the web app too), answer --healthcheck,
// and drain on SIGTERM. The tests run in order: the last ones stop the stack.

setDefaultTimeout(30_000);

let binaries: Binaries;
let stack: Stack;

beforeAll(async () => {
  binaries = await compiledBinaries();
  // A long gRPC deadline: the drain test holds a request at the gateway while notes is frozen.
  stack = await startStack({ from: "binaries", gatewayEnv: { GRPC_TIMEOUT_MS: "20000" } });
}, 120_000);
afterAll(() => stack?.stop());

const besideBinary = (name: BinaryName, ...path: string[]): string =>
  join(dirname(binaries[name]), ...path);

const portOf = (address: string): number => Number(new URL(`http://${address}`).port);

test.each(["identity", "notes"] as const)(
  "%s applied the migrations shipped beside its binary",
  async (name) => {
    const shipped = (await readdir(besideBinary(name, "migrations"))).sort();
    const applied = stack.processes[name]
      .output()
      .split("\n")
      .filter((line) => line.includes('"migration applied"'))
      .map((line) => JSON.parse(line) as { version: number; migration: string })
      .map(({ version, migration }) => `${String(version).padStart(4, "0")}_${migration}.sql`);
    expect(shipped.length).toBeGreaterThan(0);
    expect(applied).toEqual(shipped);
  },
);

test("signs in through the fake provider, then creates and lists a note", async () => {
  const browser = createBrowser(stack.gatewayUrl);
  await browser.signIn("dev", { id: "compiled-user", name: "Compiled User" });

  const created = await browser.api("/api/notes", {
    method: "POST",
    json: { title: "from the binaries", body: "as in the image" },
  });
  expect(created.status).toBe(201);
  const note = await created.json();
  expect(note).toMatchObject({ title: "from the binaries", body: "as in the image" });

  const listed = await browser.api("/api/notes");
  expect(await listed.json()).toEqual({ notes: [note], nextPageToken: "" });
});

// `file` is a glob under web/ beside the binary; `path` defaults to the file's own URL.
const webFiles = [
  { name: "/ as index.html", path: "/", file: "index.html", type: "text/html", cache: "no-cache" },
  {
    name: "a client route as index.html",
    path: "/signin",
    file: "index.html",
    type: "text/html",
    cache: "no-cache",
  },
  {
    name: "a hashed asset (immutable)",
    path: null,
    file: "assets/index-*.js",
    type: "text/javascript",
    cache: "public, max-age=31536000, immutable",
  },
];

test.each(webFiles)("serves $name from beside the binary", async ({ path, file, type, cache }) => {
  const webDir = besideBinary("gateway", "web");
  const [found] = [...new Bun.Glob(file).scanSync({ cwd: webDir })];
  if (found === undefined) {
    throw new Error(`no ${file} in ${webDir}`);
  }
  const response = await fetch(`${stack.gatewayUrl}${path ?? `/${found}`}`, {
    headers: { accept: "text/html" },
  });
  expect({ status: response.status, body: await response.text() }).toEqual({
    status: 200,
    body: await Bun.file(join(webDir, found)).text(),
  });
  expect(response.headers.get("content-type")).toStartWith(type);
  expect(response.headers.get("cache-control")).toBe(cache);
});

const healthchecks = [
  {
    name: "gateway, serving",
    binary: "gateway",
    port: () => gatewayPort(),
    code: 0,
    says: "HTTP 200",
  },
  {
    name: "gateway, another server's port",
    binary: "gateway",
    port: () => Number(new URL(stack.fakeProviderUrl).port),
    code: 1,
    says: "HTTP 404",
  },
  {
    name: "gateway, nothing listening",
    binary: "gateway",
    port: () => freePort(),
    code: 1,
    says: "no answer (ECONNREFUSED)",
  },
  {
    name: "identity, serving",
    binary: "identity",
    port: () => portOf(stack.identityAddress),
    code: 0,
    says: "SERVING",
  },
  {
    name: "notes, serving",
    binary: "notes",
    port: () => portOf(stack.notesAddress),
    code: 0,
    says: "SERVING",
  },
  {
    name: "notes, nothing listening",
    binary: "notes",
    port: () => freePort(),
    code: 1,
    says: "UNREACHABLE",
  },
] as const;

test.each(healthchecks)(
  "--healthcheck of $name exits $code",
  async ({ binary, port, code, says }) => {
    const check = Bun.spawn([binaries[binary], "--healthcheck"], {
      cwd: tmpdir(),
      // The settings its config requires, as a container has them; the check uses PORT.
      env: {
        PORT: String(port()),
        MODE: "development",
        CALLER_SIGNING_KEY: testCallerKeys.signingKey,
        CALLER_PUBLIC_KEYS: testCallerKeys.publicKeys,
        DATABASE_URL: "postgres://unused@127.0.0.1:1/unused",
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [exit, stdout] = await Promise.all([check.exited, new Response(check.stdout).text()]);
    expect({ exit, stdout: stdout.trim() }).toEqual({ exit: code, stdout: says });
  },
);

test("the gateway finishes a request in flight after SIGTERM, then exits 0", async () => {
  const { gateway, identity, notes } = stack.processes;
  const browser = createBrowser(stack.gatewayUrl);
  await browser.signIn("dev", { id: "draining-user" });
  const validations = (): number => identity.output().split("ValidateSession").length;
  const before = validations();

  notes.signal("SIGSTOP");
  const inFlight = browser.api("/api/notes");
  try {
    // Identity has checked the session: the gateway now holds the request, waiting on notes.
    await waitUntil(async () => validations() > before, {
      withinMs: 10_000,
      describe: () => "the request did not reach the gateway",
    });
    gateway.signal("SIGTERM");
    await waitUntil(async () => gateway.output().includes('"shutdown requested"'), {
      withinMs: 10_000,
      describe: () => `the gateway did not take SIGTERM:\n${gateway.output()}`,
    });
  } finally {
    notes.signal("SIGCONT");
  }

  const answer = await inFlight;
  expect(answer.status).toBe(200);
  expect(await answer.json()).toEqual({ notes: [], nextPageToken: "" });
  expect(await gateway.exitCode()).toBe(0);
});

test.each(["identity", "notes"] as const)("%s drains and exits 0 on SIGTERM", async (name) => {
  await stack.processes[name].stop();
  expect(await stack.processes[name].exitCode()).toBe(0);
});

function gatewayPort(): number {
  return Number(new URL(stack.gatewayUrl).port);
}
