import { status } from "@grpc/grpc-js";
import { Controller } from "@nestjs/common";
import { GrpcMethod, RpcException } from "@nestjs/microservices";
import { v7 as uuidv7 } from "uuid";
import { type Timestamp, toTimestamp } from "../shared/grpc.js";
import { type NoteRow, NotesRepository } from "./notes.repository.js";
import { decodePageToken, encodePageToken } from "./page-token.js";

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

interface NoteMessage {
  id: string;
  title: string;
  body: string;
  createTime: Timestamp;
  updateTime: Timestamp;
}

@Controller()
export class NotesController {
  constructor(private readonly notes: NotesRepository) {}

  /** Stores a note of the owner; the API process validated the title and body. */
  @GrpcMethod("NotesService", "CreateNote")
  async createNote(request: {
    ownerId: string;
    title: string;
    body: string;
  }): Promise<{ note: NoteMessage }> {
    const row = await this.notes.create({ id: uuidv7(), ...request });
    return { note: toNoteMessage(row) };
  }

  /** A page of the owner's notes, newest first. Errors: INVALID_ARGUMENT. */
  @GrpcMethod("NotesService", "ListNotes")
  async listNotes(request: {
    ownerId: string;
    pageSize: number;
    pageToken: string;
  }): Promise<{ notes: NoteMessage[]; nextPageToken: string }> {
    const pageSize = request.pageSize === 0 ? DEFAULT_PAGE_SIZE : request.pageSize;
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new RpcException({
        code: status.INVALID_ARGUMENT,
        message: `page_size: must be between 1 and ${MAX_PAGE_SIZE} (got ${pageSize})`,
      });
    }
    const after = decodePageToken(request.pageToken);
    // One row more than asked says whether another page follows, without a COUNT.
    const rows = await this.notes.listForOwner(request.ownerId, after, pageSize + 1);
    const page = rows.slice(0, pageSize);
    const last = page.at(-1);
    return {
      notes: page.map(toNoteMessage),
      nextPageToken: rows.length > pageSize && last !== undefined ? encodePageToken(last.id) : "",
    };
  }
}

function toNoteMessage(row: NoteRow): NoteMessage {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    createTime: toTimestamp(row.created_at),
    updateTime: toTimestamp(row.updated_at),
  };
}
