import { expect, test } from "bun:test";
import type { ListNotesRequest, ListNotesResponse } from "@trellis/contracts/notes/v1";
import { invalid, type Outcome, outcome } from "@trellis/service-kit/testing";
import { type NoteRecord, toNoteMessage } from "../note.ts";
import { encodePageToken } from "../page-token.ts";
import { fakeNotes } from "../testing/fake-notes.ts";
import { caller, noteId, notes, OTHER_USER_ID } from "../testing/fixtures.ts";
import { listNotes } from "./list-notes.ts";

const three = notes(3);
const twentyFive = notes(25);

/** The page of `stored` holding notes number `from` down to `to` (1-based, newest first). */
function page(
  stored: NoteRecord[],
  from: number,
  to: number,
  nextAfter?: number,
): Outcome<ListNotesResponse> {
  return {
    ok: {
      notes: stored
        .slice(to - 1, from)
        .reverse()
        .map(toNoteMessage),
      nextPageToken: nextAfter === undefined ? "" : encodePageToken(noteId(nextAfter)),
    },
  };
}

const cases: {
  name: string;
  request: ListNotesRequest;
  stored: NoteRecord[] | Error;
  want: Outcome<ListNotesResponse>;
}[] = [
  {
    name: "returns the first page newest first with a token for the rest",
    request: { pageSize: 2, pageToken: "" },
    stored: three,
    want: page(three, 3, 2, 2),
  },
  {
    name: "continues after the note named by the token",
    request: { pageSize: 2, pageToken: encodePageToken(noteId(2)) },
    stored: three,
    want: page(three, 1, 1),
  },
  {
    name: "ends with an empty token when the last page is exactly full",
    request: { pageSize: 3, pageToken: "" },
    stored: three,
    want: page(three, 3, 1),
  },
  {
    name: "returns 20 notes when page_size is unset",
    request: { pageToken: "" },
    stored: twentyFive,
    want: page(twentyFive, 25, 6, 6),
  },
  {
    name: "accepts the largest page_size, 100",
    request: { pageSize: 100, pageToken: "" },
    stored: twentyFive,
    want: page(twentyFive, 25, 1),
  },
  {
    name: "lists only the caller's notes",
    request: { pageToken: "" },
    stored: [...notes(2), ...notes(3, OTHER_USER_ID).map((n, i) => ({ ...n, id: noteId(10 + i) }))],
    want: page(notes(2), 2, 1),
  },
  {
    name: "returns an empty page when the caller has no notes",
    request: { pageToken: "" },
    stored: [],
    want: { ok: { notes: [], nextPageToken: "" } },
  },
  {
    name: "rejects an explicit page_size of 0",
    request: { pageSize: 0, pageToken: "" },
    stored: three,
    want: invalid("page_size: must be between 1 and 100 (got 0)"),
  },
  {
    name: "rejects a page_size of 101",
    request: { pageSize: 101, pageToken: "" },
    stored: three,
    want: invalid("page_size: must be between 1 and 100 (got 101)"),
  },
  {
    name: "rejects a negative page_size",
    request: { pageSize: -1, pageToken: "" },
    stored: three,
    want: invalid("page_size: must be between 1 and 100 (got -1)"),
  },
  {
    name: "rejects a forged page_token",
    request: { pageToken: Buffer.from("notes.v1:' OR 1=1 --").toString("base64url") },
    stored: three,
    want: invalid("page_token: not a token issued by this service"),
  },
  {
    name: "hides a db failure",
    request: { pageToken: "" },
    stored: new Error("statement timeout"),
    want: { code: "INTERNAL" },
  },
];

test.each(cases)("$name", async ({ request, stored, want }) => {
  const got = await outcome(listNotes({ notes: fakeNotes(stored) })(request, caller()));
  expect(got).toEqual(want);
});
