import { afterAll, describe, expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import { createIdempotency } from "@trellis/service-kit";
import { outcome, supportsConcurrentConnections } from "@trellis/testing";
import { createNotesRepo } from "../src/db/notes.ts";
import { createNote } from "../src/handlers/create-note.ts";
import { notesDatabase, startNotesServer } from "./notes-server.ts";

// CreateNote with an Idempotency-Key, on real Postgres: the handler with the kit's store, then
// the served RPC with the key as metadata.

const concurrent = await supportsConcurrentConnections();
const db = await notesDatabase();
const server = await startNotesServer(db);
afterAll(async () => {
  await server.stop();
  await db.close();
});

const notes = createNotesRepo(db.sql);
const create = createNote({
  idempotency: createIdempotency(db.sql, createNotesRepo),
  newId: () => Bun.randomUUIDv7(),
});

function caller(userId: string, idempotencyKey?: string) {
  const signal = new AbortController().signal;
  return idempotencyKey === undefined ? { userId, signal } : { userId, signal, idempotencyKey };
}

async function countNotes(ownerId: string): Promise<number> {
  return (await notes.listForOwner(ownerId, { after: null, limit: 100 }, caller(ownerId).signal))
    .length;
}

describe("createNote with an Idempotency-Key", () => {
  test("returns the first note again for a retry, storing one", async () => {
    const user = crypto.randomUUID();
    const first = await create({ title: "Groceries", body: "milk" }, caller(user, "k1"));
    const retry = await create({ title: "Groceries", body: "milk" }, caller(user, "k1"));
    expect(retry).toEqual(first);
    expect(await countNotes(user)).toBe(1);
  });

  test("refuses the key with another body and stores nothing more", async () => {
    const user = crypto.randomUUID();
    await create({ title: "Groceries", body: "milk" }, caller(user, "k1"));
    const got = await outcome(create({ title: "Groceries", body: "eggs" }, caller(user, "k1")));
    expect(got).toEqual({
      code: "IDEMPOTENCY_KEY_REUSED",
      message:
        "Idempotency-Key: already used for a different request in the last 24 hours; use a new key",
    });
    expect(await countNotes(user)).toBe(1);
  });

  test("creates a note per call without a key", async () => {
    const user = crypto.randomUUID();
    await create({ title: "t", body: "" }, caller(user));
    await create({ title: "t", body: "" }, caller(user));
    expect(await countNotes(user)).toBe(2);
  });

  test("checks the request before the key: an invalid one stores no record", async () => {
    const user = crypto.randomUUID();
    const got = await outcome(create({ title: "", body: "" }, caller(user, "k1")));
    expect(got).toEqual({ code: "INVALID_ARGUMENT", message: "title: must not be empty" });
    const valid = await create({ title: "now valid", body: "" }, caller(user, "k1"));
    expect(valid.note?.title).toBe("now valid");
  });

  test.skipIf(!concurrent)(
    "20 concurrent calls with one key store one note and answer alike",
    async () => {
      const user = crypto.randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => create({ title: "once", body: "" }, caller(user, "race"))),
      );
      expect(await countNotes(user)).toBe(1);
      expect(answers.every((answer) => Bun.deepEquals(answer, answers[0]))).toBe(true);
    },
  );
});

describe("CreateNote served, with idempotency-key metadata", () => {
  test("a retry answers the same note; another body is FAILED_PRECONDITION", async () => {
    const settings = { userId: crypto.randomUUID(), idempotencyKey: "k" };
    const first = await server.client.createNote({ title: "a", body: "" }, settings);
    const retry = await server.client.createNote({ title: "a", body: "" }, settings);
    expect(retry).toEqual(first);
    expect(await countNotes(settings.userId)).toBe(1);
    const refused = await server.client
      .createNote({ title: "b", body: "" }, settings)
      .catch((error: { code: status; errorCode?: string }) => error);
    expect(refused).toMatchObject({
      code: status.FAILED_PRECONDITION,
      errorCode: "IDEMPOTENCY_KEY_REUSED",
    });
  });
});
