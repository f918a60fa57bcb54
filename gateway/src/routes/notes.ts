import type { User } from "@trellis/contracts/identity/v1";
import type {
  CreateNoteRequest,
  ListNotesRequest,
  UpdateNoteRequest,
} from "@trellis/contracts/notes/v1";
import { type Context, Elysia, type Static, t } from "elysia";
import { sessionGuard } from "../auth/session.ts";
import type { SessionValidator } from "../auth/session-cache.ts";
import type { NotesClient } from "../clients.ts";
import type { GatewayConfig } from "../config.ts";
import { badRequest } from "../errors.ts";
import type { RateLimiter } from "../http/rate-limiter.ts";
import { errorJson, type NoteJson, noteJson, toNoteJson } from "../http/rest-shapes.ts";
import { limitPerSession } from "../http/session-rate-limit.ts";

const noteId = t.Object({ id: t.String() });
const pageQuery = t.Object({
  // Digits only here: the range (1..100) is the notes service's rule, and its message.
  page_size: t.Optional(t.String({ pattern: "^[0-9]{1,4}$", error: "must be a whole number" })),
  page_token: t.Optional(t.String({ maxLength: 512 })),
});
const notePage = t.Object({ notes: t.Array(noteJson), nextPageToken: t.String() });
const newNote = t.Object({ title: t.String(), body: t.Optional(t.String()) });
const noteChanges = t.Object({ title: t.Optional(t.String()), body: t.Optional(t.String()) });
const errors = {
  400: errorJson,
  401: errorJson,
  404: errorJson,
  429: errorJson,
  503: errorJson,
  504: errorJson,
};

/** The notes API: REST over trellis.notes.v1, always on behalf of the signed-in user. */
export function notesRoutes(deps: {
  sessions: SessionValidator;
  notes: NotesClient;
  config: Pick<GatewayConfig, "appOrigin">;
  sessionLimiter: RateLimiter;
}) {
  const { notes } = deps;
  return new Elysia({ prefix: "/api/notes", detail: { tags: ["notes"] } })
    .use(sessionGuard(deps))
    .onBeforeHandle(limitPerSession(deps.sessionLimiter))
    .get("", listNotes(notes), {
      query: pageQuery,
      response: { 200: notePage, ...errors },
      detail: { summary: "A page of the user's notes, newest first" },
    })
    .post("", createNote(notes), {
      body: newNote,
      response: { 201: noteJson, ...errors },
      detail: { summary: "Create a note" },
    })
    .get("/:id", getNote(notes), {
      params: noteId,
      response: { 200: noteJson, ...errors },
      detail: { summary: "One note" },
    })
    .patch("/:id", updateNote(notes), {
      params: noteId,
      body: noteChanges,
      response: { 200: noteJson, ...errors },
      detail: { summary: "Change a note's title and/or body" },
    })
    .delete("/:id", deleteNote(notes), {
      params: noteId,
      response: { 204: t.Null(), ...errors },
      detail: { summary: "Delete a note" },
    });
}

/** What every notes handler gets once the session guard has passed. */
interface SignedIn {
  user: User;
}
type ListContext = SignedIn & { query: Static<typeof pageQuery> };
type CreateContext = SignedIn & Pick<Context, "set"> & { body: Static<typeof newNote> };
type NoteAt = SignedIn & { params: Static<typeof noteId> };

function listNotes(notes: NotesClient) {
  return async ({ user, query }: ListContext): Promise<Static<typeof notePage>> => {
    const request: ListNotesRequest = {
      pageSize: query.page_size === undefined ? undefined : Number(query.page_size),
      pageToken: query.page_token ?? "",
    };
    const page = await notes.listNotes(request, { userId: user.id });
    return { notes: page.notes.map(toNoteJson), nextPageToken: page.nextPageToken };
  };
}

function createNote(notes: NotesClient) {
  return async ({ user, body, set }: CreateContext): Promise<NoteJson> => {
    const request: CreateNoteRequest = { title: body.title, body: body.body ?? "" };
    const { note } = await notes.createNote(request, { userId: user.id });
    set.status = 201;
    return toNoteJson(note);
  };
}

function getNote(notes: NotesClient) {
  return async ({ user, params }: NoteAt): Promise<NoteJson> =>
    toNoteJson((await notes.getNote({ id: params.id }, { userId: user.id })).note);
}

function updateNote(notes: NotesClient) {
  return async ({
    user,
    params,
    body,
  }: NoteAt & { body: Static<typeof noteChanges> }): Promise<NoteJson> => {
    const updateMask = (["title", "body"] as const).filter((key) => body[key] !== undefined);
    if (updateMask.length === 0) {
      throw badRequest("body: name at least one of title, body");
    }
    const request: UpdateNoteRequest = {
      note: { id: params.id, title: body.title ?? "", body: body.body ?? "" },
      updateMask,
    };
    return toNoteJson((await notes.updateNote(request, { userId: user.id })).note);
  };
}

function deleteNote(notes: NotesClient) {
  return async ({ user, params, set }: NoteAt & Pick<Context, "set">): Promise<null> => {
    await notes.deleteNote({ id: params.id }, { userId: user.id });
    set.status = 204;
    return null;
  };
}
