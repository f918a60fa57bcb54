import { expect, test } from "bun:test";
import { type ListNotesResponse, NotesServiceService } from "@trellis/contracts/notes/v1";
import fc from "fast-check";
import { encodeListNotesResponse, hasOnlyFields } from "./list-notes-wire.ts";

// The hand-written encoder must send exactly the generated encoder's bytes, for any page.

const generated = NotesServiceService.listNotes.responseSerialize;

/** The bytes, or the error (an invalid Date's seconds, "NaN", are refused by the generated code). */
function written(encode: (response: ListNotesResponse) => Buffer, response: ListNotesResponse) {
  try {
    return encode(response);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: "grapheme", maxLength: 100 }),
  fc.string({ unit: "binary-ascii", maxLength: 300 }),
  fc.integer({ min: 0, max: 20_000 }).map((n) => "é".repeat(n)),
);
// Invalid dates and times before 1970 included: those pages take the generated encoder.
const date = fc.oneof(
  fc.date({ min: new Date(0), max: new Date("9999-12-31T23:59:59.999Z") }),
  fc.date(),
  fc.constantFrom(new Date(0), new Date(999), new Date(1000), new Date(Number.NaN)),
  fc.integer({ min: 0, max: 8.64e15 }).map((millis) => new Date(millis)),
);
const note = fc.record(
  { id: text, title: text, body: text, createTime: date, updateTime: date },
  { requiredKeys: ["id", "title", "body"] },
);
const page = fc.record({ notes: fc.array(note, { maxLength: 25 }), nextPageToken: text });

test("writes the generated encoder's bytes for any page", () => {
  fc.assert(
    fc.property(page, (response: ListNotesResponse) => {
      expect(written(encodeListNotesResponse, response)).toEqual(written(generated, response));
    }),
    { numRuns: 500 },
  );
});

const seeded = (index: number) => ({
  id: "01937f6e-4a3b-7c2d-9e8f-0123456789ab",
  title: `Seeded note ${index}`,
  body: "Written by the bench seed. ".repeat(4),
  createTime: new Date(Date.UTC(2026, 11, 7, 14, 52, index, 123)),
  updateTime: new Date(Date.UTC(2026, 11, 7, 14, 52, index)),
});

test.each<{ name: string; response: ListNotesResponse }>([
  { name: "an empty page", response: { notes: [], nextPageToken: "" } },
  {
    name: "a page of 20 and a token",
    response: { notes: [...Array(20).keys()].map(seeded), nextPageToken: "bm90ZXM" },
  },
  {
    name: "a note of 16 KiB (a 3-byte length)",
    response: { notes: [{ ...seeded(1), body: "x".repeat(16_384) }], nextPageToken: "" },
  },
  {
    name: "a note of 100 bytes (a 1-byte length)",
    response: { notes: [{ id: "a", title: "b", body: "c" }], nextPageToken: "" },
  },
  {
    name: "seconds past 2^31 (2038)",
    response: {
      notes: [{ ...seeded(1), createTime: new Date(2 ** 31 * 1000 + 5) }],
      nextPageToken: "",
    },
  },
  {
    name: "a time before 1970",
    response: { notes: [{ ...seeded(1), updateTime: new Date(-1) }], nextPageToken: "" },
  },
])("writes $name as the generated encoder does", ({ response }) => {
  expect(encodeListNotesResponse(response)).toEqual(generated(response));
});

// A contracts release that adds a field must not make the service drop it: the hand encoder
// then gives way to the generated one (the property above holds on either path). Whether the
// fast path is on is not asserted here, so that such a release still passes these tests.
test.each([
  { name: "the same fields", fields: ["a", "b"], want: true },
  { name: "a field added", fields: ["a"], want: false },
  { name: "a field removed", fields: ["a", "b", "c"], want: false },
  { name: "a field renamed", fields: ["a", "c"], want: false },
])("hasOnlyFields: $name", ({ fields, want }) => {
  expect(hasOnlyFields({ a: "", b: undefined }, fields)).toBe(want);
});
