import { afterAll, describe, expect, test } from "bun:test";
import { type Note, NotesServiceService } from "@trellis/contracts/notes/v1";
import { createClient, generateCallerKeys, parseSigningKey } from "@trellis/service-kit";
import { type CallOutcome, callOutcome } from "@trellis/testing";
import { type NotesClient, notesDatabase, startNotesServer } from "./notes-server.ts";

const db = await notesDatabase();
const server = await startNotesServer(db);
const { client } = server;
afterAll(async () => {
  await server.stop();
  await db.close();
});

const newUserId = (): string => crypto.randomUUID();

async function createNote(userId: string, title = "title", body = "body"): Promise<Note> {
  const { note } = await client.createNote({ title, body }, { userId });
  if (note === undefined) {
    throw new Error("CreateNote returned no note");
  }
  return note;
}

/** Every note of `userId`, page by page, and the size of each page. */
async function listAll(userId: string, pageSize?: number) {
  const ids: string[] = [];
  const sizes: number[] = [];
  let pageToken = "";
  do {
    const page = await client.listNotes({ pageSize, pageToken }, { userId });
    ids.push(...page.notes.map((note) => note.id));
    sizes.push(page.notes.length);
    pageToken = page.nextPageToken;
  } while (pageToken !== "" && sizes.length < 100);
  return { ids, sizes };
}

describe("each RPC over gRPC", () => {
  test("create, get, update with a mask, delete", async () => {
    const userId = newUserId();
    const created = await createNote(userId, "Groceries", "milk");
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      title: "Groceries",
      body: "milk",
      createTime: expect.any(Date),
      updateTime: created.createTime,
    });
    expect(await client.getNote({ id: created.id }, { userId })).toEqual({ note: created });

    const { note: updated } = await client.updateNote(
      { note: { ...created, title: "ignored", body: "milk, eggs" }, updateMask: ["body"] },
      { userId },
    );
    expect(updated).toEqual({ ...created, body: "milk, eggs", updateTime: expect.any(Date) });
    expect(await client.getNote({ id: created.id }, { userId })).toEqual({ note: updated });

    expect(await client.deleteNote({ id: created.id }, { userId })).toEqual({});
    expect(await callOutcome(client.getNote({ id: created.id }, { userId }))).toEqual({
      code: "NOT_FOUND",
      details: `note ${created.id} not found`,
    });
  });
});

describe("pagination over 250 notes", async () => {
  const userId = newUserId();
  const created: string[] = [];
  for (let i = 0; i < 250; i++) {
    created.push((await createNote(userId, `note ${i}`)).id);
  }
  const newestFirst = [...created].reverse();

  test("page_size 100 gives pages of 100, 100, 50, newest first, each note once", async () => {
    expect(await listAll(userId, 100)).toEqual({ ids: newestFirst, sizes: [100, 100, 50] });
  });

  test("the default page size is 20 and the last page ends the listing", async () => {
    const sizes = [...Array<number>(12).fill(20), 10];
    expect(await listAll(userId)).toEqual({ ids: newestFirst, sizes });
  });
});

describe("a page of the largest notes", async () => {
  // The largest note the API allows, in 4-byte UTF-8 characters: 80,800 bytes of text, so 100 of
  // them are about 8 MB, twice the 4 MiB a gRPC message may carry. Created through the client,
  // they also show that the largest request fits.
  const userId = newUserId();
  const title = "😀".repeat(200);
  const body = "😀".repeat(20_000);
  const created: string[] = [];
  for (let i = 0; i < 100; i++) {
    created.push((await createNote(userId, title, body)).id);
  }

  test("page_size 100 gives pages of 12 (1 MiB of text), newest first, each note once", async () => {
    expect(await listAll(userId, 100)).toEqual({
      ids: [...created].reverse(),
      sizes: [...Array<number>(8).fill(12), 4],
    });
  });
});

describe("another user's notes", async () => {
  const owner = newUserId();
  const stranger = newUserId();
  const note = await createNote(owner, "private", "mine");
  const missing = { code: "NOT_FOUND", details: `note ${note.id} not found` };

  const cases: { name: string; call: () => Promise<unknown>; want: CallOutcome<unknown> }[] = [
    {
      name: "get",
      call: () => client.getNote({ id: note.id }, { userId: stranger }),
      want: missing,
    },
    {
      name: "update",
      call: () =>
        client.updateNote(
          { note: { ...note, title: "stolen" }, updateMask: ["title"] },
          { userId: stranger },
        ),
      want: missing,
    },
    {
      name: "delete",
      call: () => client.deleteNote({ id: note.id }, { userId: stranger }),
      want: missing,
    },
    {
      name: "list",
      call: () => client.listNotes({ pageToken: "" }, { userId: stranger }),
      want: { ok: { notes: [], nextPageToken: "" } },
    },
  ];

  test.each(cases)("$name answers as if the note did not exist", async ({ call, want }) => {
    expect(await callOutcome(call())).toEqual(want);
    expect(await client.getNote({ id: note.id }, { userId: owner })).toEqual({ note });
  });
});

describe("bad input names the field", () => {
  const userId = "0190a1b2-0000-7000-8000-00000000cccc";
  const id = "0190a1b2-0000-7000-8000-000000000001";
  const cases: { name: string; call: (c: NotesClient) => Promise<unknown>; details: string }[] = [
    {
      name: "CreateNote with an empty title",
      call: (c) => c.createNote({ title: "", body: "" }, { userId }),
      details: "title: must not be empty",
    },
    {
      name: "CreateNote with a 20,001-character body",
      call: (c) => c.createNote({ title: "t", body: "é".repeat(20_001) }, { userId }),
      details: "body: must have at most 20000 characters (got 20001)",
    },
    {
      name: "GetNote with a non-uuid id",
      call: (c) => c.getNote({ id: "42" }, { userId }),
      details: "id: must be a UUID",
    },
    {
      name: "ListNotes with an explicit page_size of 0",
      call: (c) => c.listNotes({ pageSize: 0, pageToken: "" }, { userId }),
      details: "page_size: must be between 1 and 100 (got 0)",
    },
    {
      name: "ListNotes with a forged page_token",
      call: (c) => c.listNotes({ pageToken: "bm90ZXMudjE6eA" }, { userId }),
      details: "page_token: not a token issued by this service",
    },
    {
      name: "UpdateNote with an unknown update_mask path",
      call: (c) =>
        c.updateNote(
          { note: { id, title: "t", body: "" }, updateMask: ["create_time"] },
          { userId },
        ),
      details: 'update_mask: unknown field "create_time" (allowed: title, body)',
    },
    {
      // The details travel in a response header; echoing all of it used to end the call with
      // RST_STREAM, which the client saw as INTERNAL.
      name: "UpdateNote with a 100 KB unknown update_mask path, quoted only in part",
      call: (c) =>
        c.updateNote(
          { note: { id, title: "t", body: "" }, updateMask: ["é".repeat(50_000)] },
          { userId },
        ),
      details: `update_mask: unknown field "${"é".repeat(40)}…" (allowed: title, body)`,
    },
    {
      name: "DeleteNote without an id",
      call: (c) => c.deleteNote({ id: "" }, { userId }),
      details: "id: is required",
    },
  ];

  test.each(cases)("$name", async ({ call, details }) => {
    expect(await callOutcome(call(client))).toEqual({ code: "INVALID_ARGUMENT", details });
  });
});

describe("a call without a valid caller identity", () => {
  const id = "0190a1b2-0000-7000-8000-000000000001";
  const address = `127.0.0.1:${server.port}`;
  const unsigned = createClient(NotesServiceService, address, { timeoutMs: 5_000 });
  const forger = createClient(NotesServiceService, address, {
    timeoutMs: 5_000,
    // A key pair of its own, as a compromised service could make: the service trusts only the
    // gateway's public key.
    callerKey: parseSigningKey(generateCallerKeys("forger").signingKey),
  });
  afterAll(() => {
    unsigned.close();
    forger.close();
  });
  const calls: { name: string; call: (c: NotesClient, userId?: string) => Promise<unknown> }[] = [
    {
      name: "CreateNote",
      call: (c, userId) => c.createNote({ title: "t", body: "" }, { userId }),
    },
    { name: "GetNote", call: (c, userId) => c.getNote({ id }, { userId }) },
    { name: "ListNotes", call: (c, userId) => c.listNotes({ pageToken: "" }, { userId }) },
    {
      name: "UpdateNote",
      call: (c, userId) =>
        c.updateNote({ note: { id, title: "t", body: "" }, updateMask: ["title"] }, { userId }),
    },
    { name: "DeleteNote", call: (c, userId) => c.deleteNote({ id }, { userId }) },
  ];

  test.each(calls)("$name is UNAUTHENTICATED without a signed identity", async ({ call }) => {
    expect(await callOutcome(call(unsigned, newUserId()))).toEqual({
      code: "UNAUTHENTICATED",
      details: "missing caller identity (x-trellis-caller metadata)",
    });
  });

  test.each(calls)("$name is UNAUTHENTICATED with a forged identity", async ({ call }) => {
    expect(await callOutcome(call(forger, newUserId()))).toEqual({
      code: "UNAUTHENTICATED",
      details: "invalid caller identity (x-trellis-caller metadata)",
    });
  });

  test.each(calls)(
    "$name is UNAUTHENTICATED signed as the gateway with no user",
    async ({ call }) => {
      expect(await callOutcome(call(client))).toEqual({
        code: "UNAUTHENTICATED",
        details: "this RPC needs a user's identity",
      });
    },
  );
});
