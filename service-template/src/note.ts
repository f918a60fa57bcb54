import type { Note } from "@trellis/contracts/notes/v1";
import type { TextRule } from "@trellis/service-kit";

/** A note as the service stores it. */
export interface NoteRecord {
  id: string;
  ownerId: string;
  title: string;
  body: string;
  createdAt: Date;
  updatedAt: Date;
}

export const titleRule: TextRule = { min: 1, max: 200 };
export const bodyRule: TextRule = { min: 0, max: 20_000 };

export const defaultPageSize = 20;
export const maxPageSize = 100;

/**
 * A page ends early, with a next_page_token, rather than pass this many bytes of title and body
 * (UTF-8, as they travel). Without it the largest page does not fit a gRPC message: a note may
 * hold 200 + 20,000 characters of 4 bytes, 80,800 bytes, and 100 such notes encode to 8,087,652
 * bytes, twice the 4 MiB the kit's client and server accept (MAX_MESSAGE_BYTES). With it a page
 * holds at most 1 MiB of text plus 100 x 77 bytes of ids, timestamps and framing: under 1.01 MiB,
 * a quarter of the limit (12 of the largest notes a page). Bounding by bytes rather than lowering
 * page_size keeps pages of ordinary notes at 100, and what one page costs the gateway and the
 * browser small; large APIs do the same (DynamoDB's Query stops at 1 MB).
 */
export const maxPageTextBytes = 1024 * 1024;

/** The API shape of a stored note; the owner stays inside the service. */
export function toNoteMessage(record: NoteRecord): Note {
  return {
    id: record.id,
    title: record.title,
    body: record.body,
    createTime: record.createdAt,
    updateTime: record.updatedAt,
  };
}
