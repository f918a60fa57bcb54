import { afterAll, describe, expect, test } from "bun:test";
import { createIdempotency } from "@trellis/service-kit";
import { callOutcome, outcome } from "@trellis/testing";
import fc from "fast-check";
import { createNotesRepo } from "../src/db/notes.ts";
import { createNote } from "../src/handlers/create-note.ts";
import { deleteNote } from "../src/handlers/delete-note.ts";
import { getNote } from "../src/handlers/get-note.ts";
import { listNotes } from "../src/handlers/list-notes.ts";
import { updateNote } from "../src/handlers/update-note.ts";
import { toNoteMessage } from "../src/note.ts";
import { encodePageToken } from "../src/page-token.ts";
import { caller } from "../src/testing/fixtures.ts";
import { notesDatabase, startNotesServer } from "./notes-server.ts";

// Whatever a client sends, a handler on the real repository answers OK or with an AppError a
// client can act on; anything else would reach the client as INTERNAL. Each property also
// checks the stored state after the call: an answer's code alone would pass a handler that
// deleted or changed another user's note and said OK.

const db = await notesDatabase();
const deps = {
  notes: createNotesRepo(db.sql),
  idempotency: createIdempotency(db.sql, createNotesRepo),
  newId: () => Bun.randomUUIDv7(),
};
const server = await startNotesServer(db);
afterAll(async () => {
  await server.stop();
  await db.close();
});

/** Three notes each for two users: what one of them may see or change, the other may not. */
async function seedNotes(ownerId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { note } = await createNote(deps)({ title: `seed ${i}`, body: "" }, caller(ownerId));
    ids.push(note?.id ?? "");
  }
  return ids;
}
const userId = crypto.randomUUID();
const strangerId = crypto.randomUUID();
const existing = await seedNotes(userId);
const strangers = await seedNotes(strangerId);

/** Who calls: the owner of `existing` or the owner of `strangers`. */
const who = fc.constantFrom(userId, strangerId);
/** The owner of a seeded note, or null for any other id. */
const seededFor = (noteId: string): string | null =>
  existing.includes(noteId) ? userId : strangers.includes(noteId) ? strangerId : null;
const findSeeded = async (noteId: string) => {
  const ownerId = seededFor(noteId);
  return ownerId === null ? null : deps.notes.findForOwner(noteId, ownerId, caller().signal);
};

const runs = { numRuns: 150 };
const base64url = (text: string): string => Buffer.from(text).toString("base64url");

const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: "grapheme", maxLength: 250 }),
  fc.string({ unit: "binary-ascii" }),
  fc.string({ unit: fc.constantFrom(" ", "\t", "\n", "\u00a0", "\u3000", "\u200b", "\ufeff") }),
  fc.integer({ min: 195, max: 205 }).map((n) => "🦀".repeat(n)),
);
const body = fc.oneof(
  text,
  fc.integer({ min: 19_995, max: 20_005 }).map((n) => "é".repeat(n)),
);
const id = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.uuid(),
  fc.uuid().map((uuid) => uuid.toUpperCase()),
  fc.uuid().map((uuid) => `{${uuid}}`),
  { arbitrary: fc.constantFrom(...existing), weight: 2 },
  fc.constantFrom(...strangers),
);
const pageSize = fc.option(
  fc.oneof(
    fc.integer(),
    fc.integer({ min: -5, max: 110 }),
    fc.double(),
    fc.constantFrom(Number.MAX_SAFE_INTEGER, -0, Number.NaN, Number.POSITIVE_INFINITY),
  ),
  { nil: undefined },
);
const pageToken = fc.oneof(
  fc.constant(""),
  fc.string({ unit: "binary" }),
  fc.base64String(),
  fc.uuid().map(encodePageToken),
  fc.string({ unit: "binary" }).map((rest) => base64url(`notes.v1:${rest}`)),
);
const updateMask = fc.oneof(
  fc.shuffledSubarray(["title", "body"], { minLength: 1 }),
  fc.option(
    fc.array(fc.oneof(fc.constantFrom("title", "body"), fc.string({ unit: "binary" })), {
      maxLength: 4,
    }),
    { nil: undefined },
  ),
);

describe("handlers on the real repository answer every input", () => {
  test("CreateNote stores what it accepts, unchanged", async () => {
    await fc.assert(
      fc.asyncProperty(text, body, async (title, noteBody) => {
        const got = await outcome(createNote(deps)({ title, body: noteBody }, caller(userId)));
        if ("code" in got) {
          expect(got.code).toBe("INVALID_ARGUMENT");
          return;
        }
        expect(got.ok.note).toMatchObject({ title, body: noteBody });
        const stored = await deps.notes.findForOwner(
          got.ok.note?.id ?? "",
          userId,
          caller().signal,
        );
        expect(stored).toMatchObject({ title, body: noteBody });
      }),
      runs,
    );
  });

  test("GetNote returns a note to its owner only, as stored; to anyone else it is NOT_FOUND", async () => {
    await fc.assert(
      fc.asyncProperty(id, who, async (noteId, callerId) => {
        const got = await outcome(getNote(deps)({ id: noteId }, caller(callerId)));
        const note = await findSeeded(noteId);
        if (seededFor(noteId) === callerId && note !== null) {
          expect(got).toEqual({ ok: { note: toNoteMessage(note) } });
        } else if (note !== null) {
          expect(got).toMatchObject({ code: "NOT_FOUND" });
        } else {
          expect(["INVALID_ARGUMENT", "NOT_FOUND"]).toContain("code" in got ? got.code : "OK");
        }
      }),
      runs,
    );
  });

  test("ListNotes never returns more than the page size, nor another user's note", async () => {
    await fc.assert(
      fc.asyncProperty(pageSize, pageToken, who, async (size, token, callerId) => {
        const request = { pageSize: size, pageToken: token };
        const got = await outcome(listNotes(deps)(request, caller(callerId)));
        if ("code" in got) {
          expect(got.code).toBe("INVALID_ARGUMENT");
          return;
        }
        const listed = got.ok.notes.map((note) => seededFor(note.id));
        expect(got.ok.notes.length).toBeLessThanOrEqual(size ?? 20);
        expect(listed.filter((ownerId) => ownerId !== null && ownerId !== callerId)).toEqual([]);
      }),
      runs,
    );
  });

  test("UpdateNote changes the masked fields of the caller's own note; any other note stays as it was", async () => {
    await fc.assert(
      fc.asyncProperty(
        id,
        text,
        body,
        updateMask,
        who,
        async (noteId, title, noteBody, mask, callerId) => {
          const before = await findSeeded(noteId);
          const request = { note: { id: noteId, title, body: noteBody }, updateMask: mask };
          const got = await outcome(updateNote(deps)(request, caller(callerId)));
          const after = await findSeeded(noteId);
          if ("code" in got) {
            expect(["INVALID_ARGUMENT", "NOT_FOUND"]).toContain(got.code);
            expect(after).toEqual(before);
            return;
          }
          expect(seededFor(noteId)).toBe(callerId);
          expect(got.ok).toEqual({ note: after === null ? undefined : toNoteMessage(after) });
          expect(after).toMatchObject({
            title: mask?.includes("title") ? title : before?.title,
            body: mask?.includes("body") ? noteBody : before?.body,
          });
        },
      ),
      runs,
    );
  });

  test("DeleteNote removes a note for its owner only; another user's delete leaves it and answers NOT_FOUND", async () => {
    // A fresh note of the first user each run: the seeds must outlive every run, so a caller
    // never deletes its own seed, and is checked not to have deleted anyone else's.
    const target = fc.oneof(fc.constant("fresh"), id);
    await fc.assert(
      fc.asyncProperty(target, who, async (chosen, callerId) => {
        fc.pre(seededFor(chosen) !== callerId);
        const { note } = await createNote(deps)({ title: "fresh", body: "" }, caller(userId));
        const fresh = note?.id ?? "";
        const noteId = chosen === "fresh" ? fresh : chosen;
        const got = await outcome(deleteNote(deps)({ id: noteId }, caller(callerId)));

        const deletesOwn = noteId === fresh && callerId === userId;
        if (deletesOwn) {
          expect(got).toEqual({ ok: {} });
        } else if (noteId === fresh || seededFor(noteId) !== null) {
          expect(got).toMatchObject({ code: "NOT_FOUND" });
        } else {
          expect(["INVALID_ARGUMENT", "NOT_FOUND"]).toContain("code" in got ? got.code : "OK");
        }
        const left = await deps.notes.findForOwner(fresh, userId, caller().signal);
        expect(left?.id).toBe(deletesOwn ? undefined : fresh);
        const seeds = await Promise.all([...existing, ...strangers].map(findSeeded));
        expect(seeds.map((seed) => seed?.id)).toEqual([...existing, ...strangers]);
      }),
      runs,
    );
  });
});

const tricky = fc.constantFrom(
  "'",
  '"',
  "\\",
  "`",
  "'; DROP TABLE notes; --",
  "%",
  "%s",
  "%00",
  "$1",
  "\u0024{title}",
  "\\x00",
  "😀",
  "👩‍👩‍👧",
  "🇺🇦",
  "\u00e9",
  "e\u0301",
  "\u202e",
  "\u00a0",
  "\t",
  "\r\n",
  "\ufeff",
  "\uffff",
  "\u{10ffff}",
  "日本語",
  "<script>",
);
const trickyText = fc
  .array(fc.oneof(tricky, fc.string({ unit: "binary", maxLength: 5 })), { maxLength: 40 })
  .map((parts) => parts.join("").replaceAll("\u0000", ""));
/** Tricky text cut to a valid title: a visible first character, at most 200 code points. */
const trickyTitle = trickyText.map((rest) => Array.from(`#${rest}`).slice(0, 200).join(""));

/** Client text up to 100 KB of UTF-8, the size where an echoed value no longer fits a header. */
const longText = fc.oneof(
  text,
  fc
    .tuple(fc.constantFrom("x", "é", "🦀", "%", "\\"), fc.integer({ min: 1, max: 25_000 }))
    .map(([unit, n]) => unit.repeat(n)),
);

/** One request to any RPC, as data so a failing case prints readably. */
const anyRequest = fc.oneof(
  fc.record({ rpc: fc.constant("createNote"), title: longText, body: longText }),
  fc.record({ rpc: fc.constant("getNote"), id: fc.oneof(id, longText) }),
  fc.record({
    rpc: fc.constant("listNotes"),
    // int32 on the wire: the client would truncate anything else anyway.
    pageSize: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { nil: undefined }),
    pageToken: fc.oneof(pageToken, longText),
  }),
  fc.record({
    rpc: fc.constant("updateNote"),
    id: fc.oneof(id, longText),
    title: longText,
    updateMask: fc.array(longText, { maxLength: 3 }),
  }),
  fc.record({ rpc: fc.constant("deleteNote"), id: fc.oneof(id, longText) }),
);

function send(request: typeof anyRequest extends fc.Arbitrary<infer R> ? R : never) {
  const { client } = server;
  const settings = { userId };
  switch (request.rpc) {
    case "createNote":
      return client.createNote({ title: request.title, body: request.body }, settings);
    case "getNote":
      return client.getNote({ id: request.id }, settings);
    case "listNotes":
      return client.listNotes(
        { pageSize: request.pageSize, pageToken: request.pageToken },
        settings,
      );
    case "updateNote": {
      const note = { id: request.id, title: request.title, body: "" };
      return client.updateNote({ note, updateMask: request.updateMask }, settings);
    }
    case "deleteNote":
      return client.deleteNote({ id: request.id }, settings);
  }
}

describe("through the real gRPC server and client", () => {
  test("every request, however long its strings, ends OK, INVALID_ARGUMENT or NOT_FOUND", async () => {
    await fc.assert(
      fc.asyncProperty(anyRequest, async (request) => {
        const got = await callOutcome<unknown>(send(request));
        if ("code" in got) {
          expect(["INVALID_ARGUMENT", "NOT_FOUND"]).toContain(got.code);
        }
      }),
      { numRuns: 150 },
    );
  });

  test("titles and bodies come back from Create then Get unchanged", async () => {
    const owner = crypto.randomUUID();
    await fc.assert(
      fc.asyncProperty(trickyTitle, trickyText, async (title, noteBody) => {
        const { client } = server;
        const created = await client.createNote({ title, body: noteBody }, { userId: owner });
        const fetched = await client.getNote({ id: created.note?.id ?? "" }, { userId: owner });
        expect(fetched.note).toMatchObject({ title, body: noteBody });
      }),
      { numRuns: 100 },
    );
  });
});
