import { afterAll, describe, expect, test } from "bun:test";
import { createNotesRepo } from "../src/db/notes.ts";
import { notesDatabase } from "./notes-server.ts";

const db = await notesDatabase();
afterAll(() => db.close());

const notes = createNotesRepo(db.sql);
const signal = new AbortController().signal;

/** Each test gets its own owners, so tests share the database without seeing each other. */
function owners(): { owner: string; stranger: string } {
  return { owner: crypto.randomUUID(), stranger: crypto.randomUUID() };
}

async function createFor(ownerId: string, title = "title", body = "body") {
  return notes.create({ id: Bun.randomUUIDv7(), ownerId, title, body }, signal);
}

describe("create and findForOwner", () => {
  test("stores the note with equal create and update times", async () => {
    const { owner } = owners();
    const id = Bun.randomUUIDv7();
    const created = await notes.create({ id, ownerId: owner, title: "T", body: "B" }, signal);
    expect(created).toEqual({
      id,
      ownerId: owner,
      title: "T",
      body: "B",
      createdAt: expect.any(Date),
      updatedAt: created.createdAt,
    });
    expect(await notes.findForOwner(id, owner, signal)).toEqual(created);
  });

  test("hides a note from another owner", async () => {
    const { owner, stranger } = owners();
    const created = await createFor(owner);
    expect(await notes.findForOwner(created.id, stranger, signal)).toBeNull();
  });

  test("returns null for an id nobody has", async () => {
    expect(await notes.findForOwner(Bun.randomUUIDv7(), owners().owner, signal)).toBeNull();
  });
});

describe("listForOwner", () => {
  test("pages newest first by id, resuming after the given id", async () => {
    const { owner, stranger } = owners();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await createFor(owner, `note ${i}`)).id);
      await createFor(stranger);
    }
    const newestFirst = [...ids].reverse();
    const first = await notes.listForOwner(owner, { after: null, limit: 2 }, signal);
    const second = await notes.listForOwner(
      owner,
      { after: newestFirst[1] ?? "", limit: 2 },
      signal,
    );
    const last = await notes.listForOwner(owner, { after: newestFirst[3] ?? "", limit: 2 }, signal);
    expect([first, second, last].map((page) => page.map((note) => note.id))).toEqual([
      newestFirst.slice(0, 2),
      newestFirst.slice(2, 4),
      newestFirst.slice(4),
    ]);
  });

  test("returns nothing for an owner without notes", async () => {
    await createFor(owners().owner);
    expect(await notes.listForOwner(owners().owner, { after: null, limit: 10 }, signal)).toEqual(
      [],
    );
  });
});

describe("updateForOwner", () => {
  test("changes only the named column and moves updated_at forward", async () => {
    const { owner } = owners();
    const created = await createFor(owner, "keep me", "old body");
    await Bun.sleep(5);
    const updated = await notes.updateForOwner(created.id, owner, { body: "new body" }, signal);
    expect(updated).toEqual({ ...created, body: "new body", updatedAt: expect.any(Date) });
    expect(updated?.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
    expect(await notes.findForOwner(created.id, owner, signal)).toEqual(updated);
  });

  test("changes both columns when both are given", async () => {
    const { owner } = owners();
    const created = await createFor(owner);
    const changes = { title: "new title", body: "new body" };
    const updated = await notes.updateForOwner(created.id, owner, changes, signal);
    expect(updated).toMatchObject(changes);
  });

  test("returns the note unchanged when given no changes", async () => {
    const { owner } = owners();
    const created = await createFor(owner);
    expect(await notes.updateForOwner(created.id, owner, {}, signal)).toEqual(created);
  });

  test("leaves another owner's note alone and returns null", async () => {
    const { owner, stranger } = owners();
    const created = await createFor(owner);
    expect(await notes.updateForOwner(created.id, stranger, { title: "x" }, signal)).toBeNull();
    expect(await notes.findForOwner(created.id, owner, signal)).toEqual(created);
  });
});

describe("deleteForOwner", () => {
  test("deletes the note once", async () => {
    const { owner } = owners();
    const created = await createFor(owner);
    expect(await notes.deleteForOwner(created.id, owner, signal)).toBe(true);
    expect(await notes.findForOwner(created.id, owner, signal)).toBeNull();
    expect(await notes.deleteForOwner(created.id, owner, signal)).toBe(false);
  });

  test("leaves another owner's note in place", async () => {
    const { owner, stranger } = owners();
    const created = await createFor(owner);
    expect(await notes.deleteForOwner(created.id, stranger, signal)).toBe(false);
    expect(await notes.findForOwner(created.id, owner, signal)).toEqual(created);
  });
});
