import { describe, expect, test } from "bun:test";
import type { Note, NotesPage } from "./api.ts";
import { ApiError, GENERIC_MESSAGE } from "./api-error.ts";
import type { NotesState } from "./notes-state.ts";
import { createNotesStore, type NotesApi } from "./notes-store.ts";

function note(n: number, overrides: Partial<Note> = {}): Note {
  const time = new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();
  return {
    id: `id-${n}`,
    title: `Note ${n}`,
    body: "",
    createTime: time,
    updateTime: time,
    ...overrides,
  };
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A notes API whose every call waits until the test answers it; records the calls. */
function fakeApi() {
  const calls: { method: string; args: unknown[] }[] = [];
  const waiting: Deferred<unknown>[] = [];
  const pending = <T>(method: string, ...args: unknown[]): Promise<T> => {
    calls.push({ method, args });
    const answer = deferred<unknown>();
    waiting.push(answer);
    return answer.promise as Promise<T>;
  };
  const api = {
    listNotes: (page) => pending<NotesPage>("listNotes", page),
    createNote: (input) => pending<Note>("createNote", input),
    updateNote: (id, changes) => pending<Note>("updateNote", id, changes),
    deleteNote: (id) => pending<void>("deleteNote", id),
  } satisfies NotesApi;
  const next = (): Deferred<unknown> => {
    const answer = waiting.shift();
    if (answer === undefined) {
      throw new Error("no call is waiting for an answer");
    }
    return answer;
  };
  return {
    api,
    calls,
    /** Answers the oldest waiting call. */
    answer: (value: unknown) => next().resolve(value),
    /** Fails the oldest waiting call. */
    fail: (error: unknown) => next().reject(error),
  };
}

function watch(store: ReturnType<typeof createNotesStore>): () => NotesState {
  let latest: NotesState | undefined;
  store.subscribe((state) => {
    latest = state;
  });
  return () => {
    if (latest === undefined) {
      throw new Error("the store never reported");
    }
    return latest;
  };
}

const titles = (state: NotesState): string[] => state.notes.map((n) => n.title);
const refused = new ApiError(400, "Title: must be at most 200 characters.");

/** A store showing notes 3, 2, 1 (newest first) with no further page. */
async function loaded(pageToken = "") {
  const fake = fakeApi();
  const store = createNotesStore(fake.api, { pageSize: 3 });
  const state = watch(store);
  const loading = store.load();
  fake.answer({ notes: [note(3), note(2), note(1)], nextPageToken: pageToken });
  await loading;
  fake.calls.length = 0;
  return { fake, store, state };
}

describe("pagination", () => {
  test("the first page shows with a loading state before it", async () => {
    const fake = fakeApi();
    const store = createNotesStore(fake.api, { pageSize: 2 });
    const state = watch(store);

    const loading = store.load();
    const during = state();
    fake.answer({ notes: [note(2), note(1)], nextPageToken: "t2" });
    await loading;

    expect(during.loading).toBe("initial");
    expect(fake.calls).toEqual([{ method: "listNotes", args: [{ pageSize: 2, pageToken: "" }] }]);
    expect(state()).toMatchObject({ loading: null, nextPageToken: "t2", loadError: null });
    expect(titles(state())).toEqual(["Note 2", "Note 1"]);
  });

  test("load more appends the next page and stops after the last", async () => {
    const { fake, store, state } = await loaded("t2");

    const more = store.loadMore();
    const during = state().loading;
    fake.answer({ notes: [note(0)], nextPageToken: "" });
    await more;
    await store.loadMore();

    expect(during).toBe("more");
    expect(fake.calls).toEqual([{ method: "listNotes", args: [{ pageSize: 3, pageToken: "t2" }] }]);
    expect(titles(state())).toEqual(["Note 3", "Note 2", "Note 1", "Note 0"]);
    expect(state().nextPageToken).toBe("");
  });

  test("a second load more while one is running asks nothing", async () => {
    const { fake, store } = await loaded("t2");

    const first = store.loadMore();
    await store.loadMore();
    fake.answer({ notes: [], nextPageToken: "" });
    await first;

    expect(fake.calls).toHaveLength(1);
  });

  test("a note already shown is not shown twice", async () => {
    const { fake, store, state } = await loaded("t2");

    const more = store.loadMore();
    fake.answer({ notes: [note(1), note(0)], nextPageToken: "" });
    await more;

    expect(titles(state())).toEqual(["Note 3", "Note 2", "Note 1", "Note 0"]);
  });

  test("a failed first page is reported with the server's message", async () => {
    const fake = fakeApi();
    const store = createNotesStore(fake.api);
    const state = watch(store);

    const loading = store.load();
    fake.fail(new ApiError(503, GENERIC_MESSAGE));
    await loading;

    expect(state()).toMatchObject({ loading: null, loadError: GENERIC_MESSAGE, notes: [] });
  });

  test("a failed further page keeps what is shown, says why, and can be retried", async () => {
    const { fake, store, state } = await loaded("t2");

    const more = store.loadMore();
    fake.fail(new TypeError("not an ApiError"));
    await more;

    expect(titles(state())).toEqual(["Note 3", "Note 2", "Note 1"]);
    expect(state()).toMatchObject({ loading: null, notice: GENERIC_MESSAGE, nextPageToken: "t2" });
  });
});

describe("optimistic changes", () => {
  test("a new note shows at the top at once and becomes the server's", async () => {
    const { fake, store, state } = await loaded();

    const creating = store.create({ title: "Fresh", body: "text" });
    const during = state().notes[0];
    fake.answer(note(4, { title: "Fresh", body: "text" }));
    const kept = await creating;

    expect(during).toMatchObject({ title: "Fresh", body: "text", pending: "creating" });
    expect(kept).toBe(true);
    expect(state().notes[0]).toEqual({
      ...note(4, { title: "Fresh", body: "text" }),
      pending: null,
    });
    expect(titles(state())).toEqual(["Fresh", "Note 3", "Note 2", "Note 1"]);
  });

  test("a refused new note disappears with the server's reason", async () => {
    const { fake, store, state } = await loaded();

    const creating = store.create({ title: "x".repeat(201), body: "" });
    fake.fail(refused);
    const kept = await creating;

    expect(kept).toBe(false);
    expect(titles(state())).toEqual(["Note 3", "Note 2", "Note 1"]);
    expect(state().notice).toBe(refused.message);
  });

  test("an edit shows at once and takes the server's version", async () => {
    const { fake, store, state } = await loaded();

    const saving = store.update("id-2", { title: "Edited", body: "new" });
    const during = state().notes[1];
    fake.answer(note(2, { title: "Edited", body: "new", updateTime: "2026-02-01T00:00:00.000Z" }));
    await saving;

    expect(during).toMatchObject({ id: "id-2", title: "Edited", pending: "saving" });
    expect(fake.calls).toEqual([
      { method: "updateNote", args: ["id-2", { title: "Edited", body: "new" }] },
    ]);
    expect(state().notes[1]).toMatchObject({
      updateTime: "2026-02-01T00:00:00.000Z",
      pending: null,
    });
  });

  test("a refused edit puts the note back as it was", async () => {
    const { fake, store, state } = await loaded();

    const saving = store.update("id-2", { title: "Edited", body: "new" });
    fake.fail(new ApiError(404, "Note id-2 not found."));
    const kept = await saving;

    expect(kept).toBe(false);
    expect(state().notes[1]).toEqual({ ...note(2), pending: null });
    expect(state().notice).toBe("Note id-2 not found.");
  });

  test("a delete removes the note at once", async () => {
    const { fake, store, state } = await loaded();

    const removing = store.remove("id-2");
    const during = titles(state());
    fake.answer(undefined);
    const done = await removing;

    expect(during).toEqual(["Note 3", "Note 1"]);
    expect(done).toBe(true);
    expect(titles(state())).toEqual(["Note 3", "Note 1"]);
  });

  test("a refused delete puts the note back in its place", async () => {
    const { fake, store, state } = await loaded();

    const removing = store.remove("id-2");
    fake.fail(new ApiError(500, GENERIC_MESSAGE));
    await removing;

    expect(titles(state())).toEqual(["Note 3", "Note 2", "Note 1"]);
    expect(state().notice).toBe(GENERIC_MESSAGE);
  });

  test("a note the server has not confirmed yet cannot be edited or deleted", async () => {
    const { fake, store } = await loaded();
    const creating = store.create({ title: "Fresh", body: "" });

    const edited = await store.update("local-1", { title: "x", body: "" });
    const removed = await store.remove("local-1");
    fake.answer(note(4));
    await creating;

    expect([edited, removed]).toEqual([false, false]);
    expect(fake.calls.map((call) => call.method)).toEqual(["createNote"]);
  });

  test("a notice goes when dismissed or at the next change", async () => {
    const { fake, store, state } = await loaded();
    const removing = store.remove("id-1");
    fake.fail(refused);
    await removing;

    store.dismissNotice();
    const afterDismiss = state().notice;
    const again = store.remove("id-1");
    fake.fail(refused);
    await again;
    const creating = store.create({ title: "t", body: "" });
    const afterChange = state().notice;
    fake.answer(note(5));
    await creating;

    expect(afterDismiss).toBeNull();
    expect(afterChange).toBeNull();
  });
});
