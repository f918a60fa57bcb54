import type {
  CreateNoteRequest,
  ListNotesRequest,
  UpdateNoteRequest,
} from "@trellis/contracts/notes/v1";
import { Elysia, t } from "elysia";
import { sessionGuard } from "../auth/session.ts";
import type { SessionValidator } from "../auth/session-cache.ts";
import type { NotesClient } from "../clients.ts";
import type { GatewayConfig } from "../config.ts";
import { badRequest } from "../errors.ts";
import type { RateLimiter } from "../http/rate-limiter.ts";
import { limitPerSession } from "../http/session-rate-limit.ts";
import { errorJson, noteJson, toNoteJson } from "../http/rest-shapes.ts";

const noteId = t.Object({ id: t.String() });
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
    .get(
      "",
      async ({ user, query }) => {
        const request: ListNotesRequest = {
          pageSize: query.page_size === undefined ? undefined : Number(query.page_size),
          pageToken: query.page_token ?? "",
        };
        const page = await notes.listNotes(request, { userId: user.id });
        return { notes: page.notes.map(toNoteJson), nextPageToken: page.nextPageToken };
      },
      {
        query: t.Object({
          // Digits only here: the range (1..100) is the notes service's rule, and its message.
          page_size: t.Optional(
            t.String({ pattern: "^[0-9]{1,4}$", error: "must be a whole number" }),
          ),
          page_token: t.Optional(t.String({ maxLength: 512 })),
        }),
        response: {
          200: t.Object({ notes: t.Array(noteJson), nextPageToken: t.String() }),
          ...errors,
        },
        detail: { summary: "A page of the user's notes, newest first" },
      },
    )
    .post(
      "",
      async ({ user, body, set }) => {
        const request: CreateNoteRequest = { title: body.title, body: body.body ?? "" };
        const { note } = await notes.createNote(request, { userId: user.id });
        set.status = 201;
        return toNoteJson(note);
      },
      {
        body: t.Object({ title: t.String(), body: t.Optional(t.String()) }),
        response: { 201: noteJson, ...errors },
        detail: { summary: "Create a note" },
      },
    )
    .get(
      "/:id",
      async ({ user, params }) =>
        toNoteJson((await notes.getNote({ id: params.id }, { userId: user.id })).note),
      { params: noteId, response: { 200: noteJson, ...errors }, detail: { summary: "One note" } },
    )
    .patch(
      "/:id",
      async ({ user, params, body }) => {
        const updateMask = (["title", "body"] as const).filter((key) => body[key] !== undefined);
        if (updateMask.length === 0) {
          throw badRequest("body: name at least one of title, body");
        }
        const request: UpdateNoteRequest = {
          note: { id: params.id, title: body.title ?? "", body: body.body ?? "" },
          updateMask,
        };
        return toNoteJson((await notes.updateNote(request, { userId: user.id })).note);
      },
      {
        params: noteId,
        body: t.Object({ title: t.Optional(t.String()), body: t.Optional(t.String()) }),
        response: { 200: noteJson, ...errors },
        detail: { summary: "Change a note's title and/or body" },
      },
    )
    .delete(
      "/:id",
      async ({ user, params, set }) => {
        await notes.deleteNote({ id: params.id }, { userId: user.id });
        set.status = 204;
        return null;
      },
      {
        params: noteId,
        response: { 204: t.Null(), ...errors },
        detail: { summary: "Delete a note" },
      },
    );
}
