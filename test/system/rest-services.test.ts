import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { checkHealth } from "@trellis/service-kit";
import { freePort, testCallerKeys } from "@trellis/testing";
import { type Browser, createBrowser } from "./support/browser.ts";
import { type ChildProcess, createChildProcess } from "./support/child-process.ts";
import { errorAnswer } from "./support/errors.ts";
import { buildGreetingsDescriptors } from "./support/greetings.ts";
import { fixturesDir, gatewayDir, repoRoot } from "./support/paths.ts";
import { type Stack, startStack } from "./support/stack.ts";

// Issue 18's proof: a service the gateway was not built with (fixtures/greetings, compiled to a
// descriptor file here) is served over REST by configuration alone, REST_SERVICES and
// REST_DESCRIPTOR_SETS, with the hand-written routes' guards.

setDefaultTimeout(20_000);

const GREETINGS = "trellis.greetings.v1.GreetingService";

let descriptors: Awaited<ReturnType<typeof buildGreetingsDescriptors>>;
let greetings: ChildProcess;
let greetingsAddress = "";
let stack: Stack;
let alice: Browser;

beforeAll(async () => {
  descriptors = await buildGreetingsDescriptors();
  const port = freePort();
  greetingsAddress = `127.0.0.1:${port}`;
  greetings = createChildProcess({
    name: "greetings",
    cwd: repoRoot,
    command: [process.execPath, join(fixturesDir, "greetings-server.ts")],
    env: {
      PATH: process.env.PATH ?? "",
      PORT: String(port),
      GREETINGS_DESCRIPTORS: descriptors.path,
    },
    ready: async () =>
      (await checkHealth(greetingsAddress, { timeoutMs: 500 }).catch(() => "UNREACHABLE")) ===
      "SERVING",
  });
  await greetings.start();
  stack = await startStack({
    restServices: [`${GREETINGS}=${greetingsAddress}`],
    gatewayEnv: { REST_DESCRIPTOR_SETS: descriptors.path },
  });
  alice = createBrowser(stack.gatewayUrl);
  await alice.signIn("github", { id: "301", login: "alice" });
}, 90_000);
afterAll(async () => {
  await stack?.stop();
  await greetings?.stop();
  await descriptors?.remove();
});

test("a signed-in POST creates (201) and a GET reads back the service's JSON", async () => {
  const created = await alice.api("/api/greetings", {
    method: "POST",
    json: { text: "hi there", times: 2 },
  });
  expect(created.status).toBe(201);
  expect(created.headers.get("cache-control")).toBe("no-store");
  const greeting = (await created.json()) as Record<string, unknown>;
  const me = (await (await alice.api("/api/me")).json()) as { id: string };
  expect(greeting).toEqual({ id: greeting.id, text: "hi there", author: me.id, times: 2 });

  const read = await alice.api(`/api/greetings/${greeting.id}`);
  expect(read.status).toBe(200);
  expect(await read.json()).toEqual(greeting);
});

test("the PUBLIC RPC answers without a session", async () => {
  const anonymous = createBrowser(stack.gatewayUrl);
  const response = await anonymous.api("/api/hello/bob");
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ message: "hello, bob" });
});

test.each([
  {
    name: "a signed-in route without a session is 401",
    send: () => createBrowser(stack.gatewayUrl).api("/api/greetings/1"),
    want: { status: 401, code: "UNAUTHENTICATED" },
  },
  {
    name: "an unsafe method without Origin is refused",
    send: () => alice.api("/api/greetings", { method: "POST", origin: null, json: { text: "x" } }),
    want: { status: 403, code: "PERMISSION_DENIED" },
  },
  {
    name: "an unknown JSON field is a 400 naming it",
    send: () => alice.api("/api/greetings", { method: "POST", json: { text: "x", colour: "red" } }),
    want: { status: 400, code: "INVALID_ARGUMENT", message: "greeting.colour: unknown field" },
  },
  {
    name: "a malformed path variable is a 400 naming it",
    send: () => alice.api("/api/greetings/%E0%A4%A"),
    want: {
      status: 400,
      code: "INVALID_ARGUMENT",
      message: 'path variable "id": malformed percent-encoding',
    },
  },
  {
    name: "the service's own refusal passes through",
    send: () => alice.api("/api/greetings/abc"),
    want: { status: 400, code: "INVALID_ARGUMENT", message: "id: must be a whole number" },
  },
  {
    name: "a missing greeting is the service's 404",
    send: () => alice.api("/api/greetings/999"),
    want: { status: 404, code: "NOT_FOUND" },
  },
])("$name", async ({ send, want }) => {
  expect(await errorAnswer(await send())).toMatchObject(want);
});

test("/openapi.json lists the configured service's operations beside the gateway's", async () => {
  const document = (await (await fetch(`${stack.gatewayUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { operationId?: string }>>;
  };
  expect(document.paths["/api/greetings"]?.post?.operationId).toBe(
    "GreetingService_CreateGreeting",
  );
  expect(document.paths["/api/greetings/{id}"]?.get).toBeDefined();
  expect(document.paths["/api/hello/{name}"]?.get).toBeDefined();
  expect(document.paths["/api/notes"]).toBeDefined();
  expect(Object.keys(document.paths).some((path) => path.includes("*"))).toBe(false);
});

test("/readyz names the configured service", async () => {
  const body = (await (await fetch(`${stack.gatewayUrl}/readyz`)).json()) as {
    services: Record<string, string>;
  };
  expect(body.services[GREETINGS]).toBe("SERVING");
});

test("a second service declaring the same route stops the gateway at start-up, naming both", async () => {
  const port = freePort();
  const gateway = Bun.spawn([process.execPath, "src/main.ts"], {
    cwd: gatewayDir,
    env: {
      PATH: process.env.PATH ?? "",
      MODE: "development",
      HOST: "127.0.0.1",
      PORT: String(port),
      APP_ORIGIN: `http://127.0.0.1:${port}`,
      CALLER_SIGNING_KEY: testCallerKeys.signingKey,
      OTEL_SDK_DISABLED: "true",
      REST_SERVICES: `${GREETINGS}=${greetingsAddress},trellis.greetings.v1.RivalService=${greetingsAddress}`,
      REST_DESCRIPTOR_SETS: descriptors.path,
    },
    stdout: "pipe",
    stderr: "pipe",
    timeout: 20_000,
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(gateway.stdout).text(),
    new Response(gateway.stderr).text(),
    gateway.exited,
  ]);
  expect(code).toBe(1);
  expect(stdout + stderr).toContain(
    "REST_SERVICES: GET /api/greetings/{id} (trellis.greetings.v1.GreetingService/GetGreeting) and GET /api/greetings/{name} (trellis.greetings.v1.RivalService/GetRival) match the same requests",
  );
});
