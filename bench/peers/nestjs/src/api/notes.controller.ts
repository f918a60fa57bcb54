import { Body, Controller, Get, Header, HttpCode, Post, Query, UseGuards } from "@nestjs/common";
import { isoOf } from "../shared/grpc.js";
import { type NoteMessage, NotesClient } from "./clients.js";
import { CreateNoteBody, ListNotesQuery } from "./notes.dto.js";
import { SameOriginGuard } from "./same-origin.guard.js";
import { SessionGuard } from "./session.guard.js";
import { CurrentUser, type UserJson } from "./user.js";

/** A note as Trellis's gateway answers it (proto3 JSON of trellis.notes.v1.Note). */
interface NoteJson {
  id: string;
  title: string;
  body: string;
  createTime: string;
  updateTime: string;
}

@Controller("api/notes")
// The origin check comes first, as in Trellis's gateway: a cross-site post is refused as such.
@UseGuards(SameOriginGuard, SessionGuard)
export class NotesController {
  constructor(private readonly notes: NotesClient) {}

  /** GET /api/notes: a page of the user's notes, newest first. Errors: 400, 401. */
  @Get()
  @Header("cache-control", "no-store")
  async list(
    @CurrentUser() user: UserJson,
    @Query() query: ListNotesQuery,
  ): Promise<{ notes: NoteJson[]; nextPageToken?: string }> {
    const page = await this.notes.listNotes({
      ownerId: user.id,
      pageSize: query.page_size ?? 0,
      pageToken: query.page_token ?? "",
    });
    const notes = page.notes.map(toNoteJson);
    // proto3 JSON leaves out an empty string, as Trellis's gateway does.
    return page.nextPageToken === "" ? { notes } : { notes, nextPageToken: page.nextPageToken };
  }

  /** POST /api/notes: a new note of the user. Errors: 400, 401, 403, 415. */
  @Post()
  @HttpCode(201)
  @Header("cache-control", "no-store")
  async create(@CurrentUser() user: UserJson, @Body() body: CreateNoteBody): Promise<NoteJson> {
    const { note } = await this.notes.createNote({
      ownerId: user.id,
      title: body.title,
      body: body.body ?? "",
    });
    if (note === null) {
      throw new Error("CreateNote answered no note");
    }
    return toNoteJson(note);
  }
}

function toNoteJson(note: NoteMessage): NoteJson {
  return {
    id: note.id,
    title: note.title,
    body: note.body,
    createTime: isoOf(note.createTime),
    updateTime: isoOf(note.updateTime),
  };
}
