import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { readMigrations } from "@trellis/service-kit";
import { createTestDatabase, type TestDatabase } from "@trellis/testing";
import { type Peer, preparePeer, startPeer } from "../nestjs-peer.ts";
import { stopAllChildren } from "../processes.ts";
import { type Seed, seed } from "../seed.ts";
import { workspaceRoot } from "../stack.ts";

// The NestJS peer answers the bench's three routes as Trellis's gateway does: same statuses, same
// JSON shapes, the same refusals (no session, a bad body, a cross-site post). It needs `npm ci`
// (from the npm registry) and tsc on a first run, a minute or two: too slow and too networked for
// `bun test` over the repo, so it runs only with NESTJS_PEER_TEST=1 (the bench checks each peer
// route by hand before loading it anyway).

const enabled = process.env.NESTJS_PEER_TEST === "1";
const NOTES_PER_USER = 25;

let identityDb: TestDatabase;
let notesDb: TestDatabase;
let peer: Peer;
let seeded: Seed;

interface Answer {
  status: number;
  body: unknown;
}

async function send(
  path: string,
  init: {
    method?: string;
    cookie?: string | null;
    headers?: Record<string, string>;
    body?: string;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  const cookie = init.cookie === undefined ? seeded.users[0]?.token : init.cookie;
  if (cookie !== null && cookie !== undefined) {
    headers.cookie = `session=${cookie}`;
  }
  const response = await fetch(`${peer.url}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body,
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, body: await response.json() };
}

/** A POST as the bench and a browser on the app's origin send it. */
function post(body: string, headers: Record<string, string> = {}, cookie?: string | null) {
  return send("/api/notes", {
    method: "POST",
    cookie,
    headers: { origin: peer.url, "content-type": "application/json", ...headers },
    body,
  });
}

const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const note = {
  id: expect.stringMatching(/^[0-9a-f-]{36}$/),
  title: expect.any(String),
  body: expect.any(String),
  createTime: iso,
  updateTime: iso,
};
const refusal = (code: string, message: string | RegExp) => ({
  error: {
    code,
    message: typeof message === "string" ? message : expect.stringMatching(message),
    requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
  },
});

describe.skipIf(!enabled)("the NestJS peer", () => {
  beforeAll(async () => {
    const migrations = (dir: string) => readMigrations(join(workspaceRoot, dir, "migrations"));
    identityDb = await createTestDatabase({ migrations: await migrations("services/identity") });
    notesDb = await createTestDatabase({ migrations: await migrations("service-template") });
    seeded = await seed(
      { identity: identityDb.url, notes: notesDb.url },
      { users: 2, notesPerUser: NOTES_PER_USER },
    );
    await preparePeer(() => {});
    peer = await startPeer({ identity: identityDb.url, notes: notesDb.url });
  }, 360_000);

  afterAll(async () => {
    await stopAllChildren();
    await identityDb?.close();
    await notesDb?.close();
  });

  test("GET /api/me answers the session's user", async () => {
    const user = seeded.users[0];
    expect(await send("/api/me")).toEqual({
      status: 200,
      body: {
        id: user?.id,
        name: "Bench User 0",
        email: "bench-0@example.test",
        avatarUrl: "",
        createTime: iso,
      },
    });
  });

  test.each([
    { name: "no cookie", path: "/api/me", cookie: null },
    { name: "a malformed token", path: "/api/me", cookie: "abc.def" },
    { name: "a wrong secret", path: "/api/me", cookie: `${"a".repeat(24)}.${"b".repeat(24)}` },
    { name: "no cookie on the notes", path: "/api/notes", cookie: null },
  ])("401 for $name", async ({ path, cookie }) => {
    expect(await send(path, { cookie })).toEqual({
      status: 401,
      body: refusal("UNAUTHENTICATED", "sign in first"),
    });
  });

  test("GET /api/notes pages through the user's notes, newest first", async () => {
    const first = await send("/api/notes?page_size=20");
    expect(first).toEqual({
      status: 200,
      body: { notes: Array(20).fill(note), nextPageToken: expect.any(String) },
    });
    const { notes, nextPageToken } = first.body as {
      notes: { title: string }[];
      nextPageToken: string;
    };
    expect(notes[0]?.title).toBe(`Seeded note ${NOTES_PER_USER - 1}`);
    const second = await send(`/api/notes?page_size=20&page_token=${nextPageToken}`);
    expect(second).toEqual({ status: 200, body: { notes: Array(NOTES_PER_USER - 20).fill(note) } });
  });

  test.each([
    { name: "a page size of 0", query: "page_size=0", message: /^page_size: / },
    { name: "a page size of 101", query: "page_size=101", message: /^page_size: / },
    { name: "a page size that is no number", query: "page_size=abc", message: /^page_size: / },
    { name: "a forged page token", query: "page_token=bm9wZQ", message: /^page_token: / },
  ])("400 for $name", async ({ query, message }) => {
    expect(await send(`/api/notes?${query}`)).toEqual({
      status: 400,
      body: refusal("INVALID_ARGUMENT", message),
    });
  });

  test("POST /api/notes stores a note that the list then shows first", async () => {
    const created = await post(JSON.stringify({ title: "from the test", body: "hello" }));
    expect(created).toEqual({
      status: 201,
      body: { ...note, title: "from the test", body: "hello" },
    });
    const listed = await send("/api/notes?page_size=1");
    expect((listed.body as { notes: unknown[] }).notes[0]).toEqual(created.body);
  });

  test.each([
    { name: "a missing title", body: { body: "x" }, want: [400, "INVALID_ARGUMENT", /^title: /] },
    { name: "a blank title", body: { title: " " }, want: [400, "INVALID_ARGUMENT", /^title: /] },
    {
      name: "a title of 201 characters",
      body: { title: "x".repeat(201) },
      want: [400, "INVALID_ARGUMENT", /^title: /],
    },
    {
      name: "a title that is a number",
      body: { title: 5 },
      want: [400, "INVALID_ARGUMENT", /^title: /],
    },
    {
      name: "an unknown field",
      body: { title: "x", owner: "me" },
      want: [400, "INVALID_ARGUMENT", "owner: unknown field"],
    },
    { name: "malformed JSON", body: "{", want: [400, "INVALID_ARGUMENT", /^body: malformed JSON/] },
  ] as const)("400 for $name", async ({ body, want: [status, code, message] }) => {
    const answer = await post(typeof body === "string" ? body : JSON.stringify(body));
    expect(answer).toEqual({ status, body: refusal(code, message) });
  });

  const refused: { name: string; headers: Record<string, string>; want: [number, string] }[] = [
    { name: "no Origin", headers: { origin: "" }, want: [403, "PERMISSION_DENIED"] },
    {
      name: "a foreign Origin",
      headers: { origin: "http://evil.test" },
      want: [403, "PERMISSION_DENIED"],
    },
    {
      name: "a cross-site fetch",
      headers: { "sec-fetch-site": "cross-site" },
      want: [403, "PERMISSION_DENIED"],
    },
    {
      name: "a text/plain body",
      headers: { "content-type": "text/plain" },
      want: [415, "UNSUPPORTED_MEDIA_TYPE"],
    },
  ];
  test.each(refused)("POST refused for $name", async ({ headers, want: [status, code] }) => {
    const answer = await post(JSON.stringify({ title: "x" }), headers);
    expect(answer).toEqual({ status, body: refusal(code, /./) });
  });

  test("POST without a session is 401", async () => {
    expect(await post(JSON.stringify({ title: "x" }), {}, null)).toEqual({
      status: 401,
      body: refusal("UNAUTHENTICATED", "sign in first"),
    });
  });
});
