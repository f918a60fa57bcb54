import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { type Browser, createBrowser } from "./support/browser.ts";
import { type Stack, startStack } from "./support/stack.ts";

// Idempotent creates through the running gateway and notes service on real Postgres: a POST
// retried with its Idempotency-Key answers the first note and creates nothing; the key with
// another body is 422; concurrent POSTs with one key create one note.

setDefaultTimeout(20_000);

interface NoteJson {
  id: string;
  title: string;
}

let stack: Stack;
let alice: Browser;
let bob: Browser;

beforeAll(async () => {
  stack = await startStack();
  alice = createBrowser(stack.gatewayUrl);
  bob = createBrowser(stack.gatewayUrl);
  await alice.signIn("github", { id: "301", login: "alice" });
  await bob.signIn("github", { id: "302", login: "bob" });
}, 60_000);
afterAll(() => stack?.stop());

function post(b: Browser, key: string, json: object): Promise<Response> {
  return b.api("/api/notes", { method: "POST", json, headers: { "idempotency-key": key } });
}

async function titles(b: Browser): Promise<string[]> {
  const response = await b.api("/api/notes?page_size=100");
  const { notes = [] } = (await response.json()) as { notes?: NoteJson[] };
  return notes.map((note) => note.title);
}

test("a retried POST answers the first note, and the list holds one", async () => {
  const key = crypto.randomUUID();
  const first = await post(alice, key, { title: "Retried", body: "once" });
  const retry = await post(alice, key, { title: "Retried", body: "once" });
  expect([first.status, retry.status]).toEqual([201, 201]);
  const created = (await first.json()) as NoteJson;
  expect(await retry.json()).toEqual(created);
  expect((await titles(alice)).filter((title) => title === "Retried")).toEqual(["Retried"]);
});

test("the key with another body is 422 naming the header, and creates nothing", async () => {
  const key = crypto.randomUUID();
  expect((await post(alice, key, { title: "Original" })).status).toBe(201);
  const other = await post(alice, key, { title: "Changed" });
  expect(other.status).toBe(422);
  const { error } = (await other.json()) as { error: { code: string; message: string } };
  expect(error.code).toBe("IDEMPOTENCY_KEY_REUSED");
  expect(error.message).toStartWith("Idempotency-Key:");
  expect(await titles(alice)).not.toContain("Changed");
});

test("another user's key of the same name creates their own note", async () => {
  const key = crypto.randomUUID();
  expect((await post(alice, key, { title: "Alice's" })).status).toBe(201);
  const forBob = await post(bob, key, { title: "Bob's" });
  expect(forBob.status).toBe(201);
  expect(await titles(bob)).toContain("Bob's");
});

test("concurrent POSTs with one key create one note and answer alike", async () => {
  const key = crypto.randomUUID();
  const responses = await Promise.all(
    Array.from({ length: 10 }, () => post(alice, key, { title: "Raced" })),
  );
  expect(responses.map((response) => response.status)).toEqual(Array(10).fill(201));
  const bodies = await Promise.all(responses.map((response) => response.json()));
  expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
  expect((await titles(alice)).filter((title) => title === "Raced")).toEqual(["Raced"]);
});

test("a malformed key is 400 naming the header; a POST without one creates each time", async () => {
  const bad = await post(alice, "two words", { title: "Bad key" });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: { message: string } }).error.message).toStartWith(
    "Idempotency-Key:",
  );
  for (const _ of [1, 2]) {
    expect(
      (await alice.api("/api/notes", { method: "POST", json: { title: "Plain" } })).status,
    ).toBe(201);
  }
  expect((await titles(alice)).filter((title) => title === "Plain")).toEqual(["Plain", "Plain"]);
});

test("/openapi.json declares the header and every status a create with a key answered", async () => {
  const document = (await (await fetch(`${stack.gatewayUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, OpenApiOperation>>;
  };
  const create = document.paths["/api/notes"]?.post;
  const key = crypto.randomUUID();
  const statuses = [
    (await post(alice, key, { title: "Declared" })).status,
    (await post(alice, key, { title: "Declared" })).status,
    (await post(alice, key, { title: "Declared otherwise" })).status,
    (await post(alice, "two words", { title: "Declared" })).status,
  ];

  expect(statuses).toEqual([201, 201, 422, 400]);
  expect(statuses.filter((status) => !(String(status) in (create?.responses ?? {})))).toEqual([]);
  expect(create?.parameters?.filter((parameter) => parameter.in === "header")).toEqual([
    expect.objectContaining({ name: "Idempotency-Key", required: false }),
  ]);
});

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, unknown>;
}
