import { expect, test } from "bun:test";
import type { ListNotesRequest, ListNotesResponse } from "@trellis/contracts/notes/v1";
import { invalid, type Outcome, outcome } from "@trellis/testing";
import { maxPageTextBytes, type NoteRecord, toNoteMessage } from "../note.ts";
import { encodePageToken } from "../page-token.ts";
import { fakeNotes } from "../testing/fake-notes.ts";
import { caller, noteId, notes, OTHER_USER_ID } from "../testing/fixtures.ts";
import { listNotes } from "./list-notes.ts";

const three = notes(3);
const twentyFive = notes(25);
/** Notes of the largest body, 20,000 characters of 4 UTF-8 bytes: 13 of them fit in 1 MiB. */
const large = notes(15).map((stored) => ({ ...stored, body: "😀".repeat(20_000) }));
/** Two notes of half a MiB of text each (a 1-byte title and its body). */
const halves = notes(2).map((stored) => ({
  ...stored,
  title: "t",
  body: "x".repeat(maxPageTextBytes / 2 - 1),
}));
/** An older ordinary note and a newer one whose body alone passes 1 MiB. */
const oversized = notes(2).map((stored, i) =>
  i === 1 ? { ...stored, body: "x".repeat(maxPageTextBytes + 1) } : stored,
);

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
    name: "ends a page early before its notes' text passes 1 MiB, with a token for the rest",
    request: { pageSize: 100, pageToken: "" },
    stored: large,
    want: page(large, 15, 3, 3),
  },
  {
    name: "keeps a note that brings the page's text to exactly 1 MiB",
    request: { pageSize: 100, pageToken: "" },
    stored: halves,
    want: page(halves, 2, 1),
  },
  {
    name: "returns one note even when its text alone passes 1 MiB, so the listing moves on",
    request: { pageSize: 100, pageToken: "" },
    stored: oversized,
    want: page(oversized, 2, 2, 2),
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
