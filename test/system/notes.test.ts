import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import { NotesServiceService } from "@trellis/contracts/notes/v1";
import { createClient, generateCallerKeys, parseSigningKey } from "@trellis/service-kit";
import { mintCallerToken, testCallerKeys } from "@trellis/testing";
import { type Browser, createBrowser } from "./support/browser.ts";
import { errorAnswer } from "./support/errors.ts";
import { type Stack, startStack } from "./support/stack.ts";

// The notes API through the gateway to the notes service: CRUD, paging, isolation between
// users, what the gateway refuses, and the service refusing identities it did not sign.

setDefaultTimeout(20_000);

interface NoteJson {
  id: string;
  title: string;
  body: string;
  createTime: string;
  updateTime: string;
}

let stack: Stack;
let alice: Browser;
let bob: Browser;
let aliceId = "";

beforeAll(async () => {
  stack = await startStack();
  alice = createBrowser(stack.gatewayUrl);
  bob = createBrowser(stack.gatewayUrl);
  await alice.signIn("github", { id: "101", login: "alice" });
  await bob.signIn("github", { id: "202", login: "bob" });
  aliceId = ((await (await alice.api("/api/me")).json()) as { id: string }).id;
}, 60_000);
afterAll(() => stack?.stop());

async function createNote(b: Browser, title: string, body = ""): Promise<NoteJson> {
  const response = await b.api("/api/notes", { method: "POST", json: { title, body } });
  expect(response.status).toBe(201);
  return (await response.json()) as NoteJson;
}

async function listNotes(
  b: Browser,
  query = "",
): Promise<{ notes: NoteJson[]; nextPageToken: string }> {
  const response = await b.api(`/api/notes${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { notes: NoteJson[]; nextPageToken: string };
}

test("a note's life through REST: create, read, rename, delete", async () => {
  const created = await createNote(alice, "Groceries", "milk, eggs");
  expect(created).toMatchObject({ title: "Groceries", body: "milk, eggs" });
  expect(created.id).toMatch(/^[0-9a-f-]{36}$/);

  const read = await alice.api(`/api/notes/${created.id}`);
  expect(await read.json()).toEqual(created);

  const renamed = await alice.api(`/api/notes/${created.id}`, {
    method: "PATCH",
    json: { title: "Shopping" },
  });
  expect(renamed.status).toBe(200);
  expect(await renamed.json()).toMatchObject({
    id: created.id,
    title: "Shopping",
    body: "milk, eggs",
  });

  const deleted = await alice.api(`/api/notes/${created.id}`, { method: "DELETE" });
  expect(deleted.status).toBe(204);
  expect(await deleted.text()).toBe("");
  const gone = await alice.api(`/api/notes/${created.id}`);
  expect(await errorAnswer(gone)).toMatchObject({ status: 404, code: "NOT_FOUND" });
});

test("lists more than a page, newest first, through nextPageToken", async () => {
  const carol = createBrowser(stack.gatewayUrl);
  await carol.signIn("dev", { id: "carol" });
  const created: NoteJson[] = [];
  for (let i = 0; i < 23; i++) {
    created.push(await createNote(carol, `note ${i}`));
  }
  const newestFirst = created.map((note) => note.id).reverse();

  const defaultPage = await listNotes(carol);
  expect(defaultPage.notes.map((note) => note.id)).toEqual(newestFirst.slice(0, 20));
  expect(defaultPage.nextPageToken).not.toBe("");

  const pages: string[][] = [];
  let token = "";
  do {
    const query = `?page_size=10${token === "" ? "" : `&page_token=${encodeURIComponent(token)}`}`;
    const page = await listNotes(carol, query);
    pages.push(page.notes.map((note) => note.id));
    token = page.nextPageToken;
  } while (token !== "" && pages.length < 10);
  expect(pages.map((page) => page.length)).toEqual([10, 10, 3]);
  expect(pages.flat()).toEqual(newestFirst);
});

describe("another user's note is invisible to bob", () => {
  let note: NoteJson;
  beforeAll(async () => {
    note = await createNote(alice, "Alice's diary", "dear diary");
  });

  test.each([
    { method: "GET", json: undefined },
    { method: "PATCH", json: { title: "bob was here" } },
    { method: "DELETE", json: undefined },
  ])("$method answers 404 and changes nothing", async ({ method, json }) => {
    const response = await bob.api(`/api/notes/${note.id}`, { method, json });

    expect(await errorAnswer(response)).toMatchObject({ status: 404, code: "NOT_FOUND" });
    expect(await (await alice.api(`/api/notes/${note.id}`)).json()).toEqual(note);
  });

  test("his list has none of alice's notes", async () => {
    const page = await listNotes(bob, "?page_size=100");
    expect(page.notes.filter((mine) => mine.id === note.id)).toEqual([]);
    expect((await listNotes(alice, "?page_size=100")).notes.map((n) => n.id)).toContain(note.id);
  });

  test("sending x-user-id or x-trellis-caller headers changes nothing", async () => {
    const forged = {
      "x-user-id": aliceId,
      // A genuine token for alice: a browser that sends one still gets nothing of hers.
      "x-trellis-caller": await mintCallerToken({
        subject: aliceId,
        method: "/trellis.notes.v1.NotesService/GetNote",
      }),
    };

    const asBob = await bob.api(`/api/notes/${note.id}`, { headers: forged });
    const bobsList = await bob.api("/api/notes?page_size=100", { headers: forged });
    const anonymous = await bob.api("/api/notes", { headers: forged, cookies: false });

    expect(await errorAnswer(asBob)).toMatchObject({ status: 404 });
    const listed = (await bobsList.json()) as { notes: NoteJson[] };
    expect(listed.notes.filter((mine) => mine.id === note.id)).toEqual([]);
    expect(await errorAnswer(anonymous)).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
  });
});

describe("the notes service, called directly, refuses an identity not signed by the gateway", () => {
  test.each([
    { name: "no caller identity", callerKey: undefined },
    {
      name: "an identity signed with a key of its own",
      callerKey: generateCallerKeys("intruder").signingKey,
    },
  ])("$name: UNAUTHENTICATED", async ({ callerKey }) => {
    const client = createClient(NotesServiceService, stack.notesAddress, {
      timeoutMs: 2_000,
      ...(callerKey === undefined ? {} : { callerKey: parseSigningKey(callerKey) }),
    });
    try {
      const error = await client.listNotes({ pageToken: "" }, { userId: aliceId }).then(
        () => null,
        (failure: { code?: number }) => failure.code,
      );
      expect(error).toBe(status.UNAUTHENTICATED);
    } finally {
      client.close();
    }
  });

  test("while the gateway's signature is accepted", async () => {
    const client = createClient(NotesServiceService, stack.notesAddress, {
      timeoutMs: 2_000,
      callerKey: parseSigningKey(testCallerKeys.signingKey),
    });
    try {
      const page = await client.listNotes({ pageToken: "" }, { userId: aliceId });
      const rest = await listNotes(alice);
      expect(page.notes.map((note) => note.id)).toEqual(rest.notes.map((note) => note.id));
    } finally {
      client.close();
    }
  });
});

const oversized = JSON.stringify({ title: "big", body: "x".repeat(65 * 1024) });

/** `text` as a stream, which fetch sends chunked, with no Content-Length. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let at = 0; at < bytes.length; at += 8_192) {
        controller.enqueue(bytes.subarray(at, at + 8_192));
      }
      controller.close();
    },
  });
}

const refused: {
  name: string;
  send: (b: Browser) => Promise<Response>;
  want: { status: number; code: string; message?: RegExp };
}[] = [
  {
    name: "a POST from a foreign Origin",
    send: (b) =>
      b.api("/api/notes", { method: "POST", origin: "https://evil.example", json: { title: "x" } }),
    want: { status: 403, code: "PERMISSION_DENIED" },
  },
  {
    name: "a POST with neither Origin nor Sec-Fetch-Site",
    send: (b) => b.api("/api/notes", { method: "POST", origin: null, json: { title: "x" } }),
    want: { status: 403, code: "PERMISSION_DENIED" },
  },
  {
    name: "a body over 64 KiB",
    send: (b) =>
      b.api("/api/notes", {
        method: "POST",
        body: oversized,
        headers: { "content-type": "application/json" },
      }),
    want: { status: 413, code: "PAYLOAD_TOO_LARGE" },
  },
  {
    name: "a chunked body over 64 KiB",
    send: (b) =>
      b.api("/api/notes", {
        method: "POST",
        body: chunked(oversized),
        headers: { "content-type": "application/json" },
      }),
    want: { status: 413, code: "PAYLOAD_TOO_LARGE" },
  },
  {
    name: "malformed JSON",
    send: (b) =>
      b.api("/api/notes", {
        method: "POST",
        body: '{"title": ',
        headers: { "content-type": "application/json" },
      }),
    want: { status: 400, code: "INVALID_ARGUMENT", message: /^body: malformed JSON$/ },
  },
  {
    name: "a title that is not a string",
    send: (b) => b.api("/api/notes", { method: "POST", json: { title: 5 } }),
    want: { status: 400, code: "INVALID_ARGUMENT", message: /^title: / },
  },
  {
    name: "an empty title (the service's rule)",
    send: (b) => b.api("/api/notes", { method: "POST", json: { title: "" } }),
    want: { status: 400, code: "INVALID_ARGUMENT", message: /^title: must not be empty$/ },
  },
  {
    name: "a text/plain body",
    send: (b) =>
      b.api("/api/notes", {
        method: "POST",
        body: "title=x",
        headers: { "content-type": "text/plain" },
      }),
    want: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
  },
  {
    name: "an id that is not a UUID",
    send: (b) => b.api("/api/notes/not-a-uuid"),
    want: { status: 400, code: "INVALID_ARGUMENT", message: /^id: / },
  },
  {
    name: "a page_size out of range",
    send: (b) => b.api("/api/notes?page_size=0"),
    want: { status: 400, code: "INVALID_ARGUMENT", message: /^page_size: / },
  },
  {
    name: "a page_token the service never issued",
    send: (b) => b.api("/api/notes?page_token=forged"),
    want: { status: 400, code: "INVALID_ARGUMENT", message: /^page_token: / },
  },
  {
    name: "an unknown route",
    send: (b) => b.api("/api/nothing-here"),
    want: { status: 404, code: "NOT_FOUND" },
  },
];

describe("the gateway answers with a JSON error, no stack trace, for", () => {
  test.each(refused)("$name", async ({ send, want }) => {
    const { message, ...rest } = want;

    const answer = await errorAnswer(await send(alice));

    expect(answer).toMatchObject(rest);
    if (message !== undefined) {
      expect(answer.message).toMatch(message);
    }
  });
});
