import { ListNotesResponse, Note, NotesServiceService } from "@trellis/contracts/notes/v1";

// ListNotesResponse as protobuf bytes, written by hand: the generated encoder spends most of a
// page's encoding on int64 seconds through BigInt, a buffer grown by doubling and a copy into a
// Buffer (bench/investigations/list-create has the figures). The bytes are the generated
// encoder's, field for field (list-notes-wire.test.ts holds it to that); a page with a timestamp
// this does not cover (before 1970, or an invalid Date) goes through the generated encoder, and
// so does every page once the messages have a field this file does not write (a contracts
// release that adds one): slower, never a field dropped.

const generated = NotesServiceService.listNotes.responseSerialize;

// Field tags: (number << 3) | wire type (2, length-delimited; 0, varint for seconds and nanos).
const NOTES = 0x0a;
const NEXT_PAGE_TOKEN = 0x12;
const [ID, TITLE, BODY, CREATE_TIME, UPDATE_TIME] = [0x0a, 0x12, 0x1a, 0x22, 0x2a];
const [SECONDS, NANOS] = [0x08, 0x10];

/** The fields this file writes: a field added to the messages must be added here and below. */
const NOTE_FIELDS = ["id", "title", "body", "createTime", "updateTime"];
const RESPONSE_FIELDS = ["notes", "nextPageToken"];

/** True when `message` (a generated message with its defaults) has exactly `fields`. */
export function hasOnlyFields(message: object, fields: readonly string[]): boolean {
  const keys = Object.keys(message);
  return keys.length === fields.length && keys.every((key) => fields.includes(key));
}

/** Whether this file writes every field of the generated messages it was built against. */
export const writesEveryField =
  hasOnlyFields(Note.fromPartial({}), NOTE_FIELDS) &&
  hasOnlyFields(ListNotesResponse.fromPartial({}), RESPONSE_FIELDS);

/** Room reserved for a note's length: notes of 128 to 16,383 bytes, the usual, need no move. */
const NOTE_LENGTH_GUESS = 2;
/** At most: a tag, a 10-byte varint per part, a length byte. */
const TIMESTAMP_BOUND = 2 + 2 * 11;

/** The response's bytes, as `NotesServiceService.listNotes.responseSerialize` writes them. */
export function encodeListNotesResponse(response: ListNotesResponse): Buffer {
  if (!writesEveryField) {
    return generated(response);
  }
  let bound = stringBound(response.nextPageToken);
  for (const note of response.notes) {
    if (!covered(note.createTime) || !covered(note.updateTime)) {
      return generated(response);
    }
    bound += 1 + 5 + stringBound(note.id) + stringBound(note.title) + stringBound(note.body);
    bound += 2 * TIMESTAMP_BOUND;
  }
  const out = Buffer.allocUnsafe(bound);
  let pos = 0;
  for (const note of response.notes) {
    out[pos] = NOTES;
    const start = pos + 1 + NOTE_LENGTH_GUESS;
    pos = placeLength(out, pos + 1, NOTE_LENGTH_GUESS, writeNote(out, start, note) - start);
  }
  pos = writeString(out, pos, NEXT_PAGE_TOKEN, response.nextPageToken);
  return out.subarray(0, pos);
}

/** Dates the generated encoder writes as this one does: from 1970, valid. */
function covered(date: Date | undefined): boolean {
  if (date === undefined) {
    return true;
  }
  const millis = date.getTime();
  return millis >= 0 && millis <= Number.MAX_SAFE_INTEGER;
}

function writeNote(out: Buffer, start: number, note: Note): number {
  let pos = writeString(out, start, ID, note.id);
  pos = writeString(out, pos, TITLE, note.title);
  pos = writeString(out, pos, BODY, note.body);
  pos = writeTimestamp(out, pos, CREATE_TIME, note.createTime);
  return writeTimestamp(out, pos, UPDATE_TIME, note.updateTime);
}

/** Tag, length and UTF-8 (3 bytes at most per UTF-16 unit, as lone surrogates become U+FFFD). */
function stringBound(text: string): number {
  return 1 + 5 + 3 * text.length;
}

/** An empty string is proto3's absent field: no bytes. */
function writeString(out: Buffer, start: number, tag: number, text: string): number {
  if (text === "") {
    return start;
  }
  out[start] = tag;
  // The length goes first but is known once written: guess it from the UTF-16 length (right
  // for ASCII) and move the text in the rare case the guess was short or long.
  const guess = varintSize(text.length);
  const written = out.write(text, start + 1 + guess);
  return placeLength(out, start + 1, guess, written);
}

/**
 * Writes `length` as a varint at `at`, where `reserved` bytes were left before `length` bytes
 * already written, moving them when the varint takes another size; the position after them.
 */
function placeLength(out: Buffer, at: number, reserved: number, length: number): number {
  const size = varintSize(length);
  if (size !== reserved) {
    out.copyWithin(at + size, at + reserved, at + reserved + length);
  }
  return writeVarint(out, at, length) + length;
}

/** As the generated code splits milliseconds: whole seconds, and nanos of the rest. */
function writeTimestamp(out: Buffer, start: number, tag: number, date: Date | undefined): number {
  if (date === undefined) {
    return start;
  }
  const millis = date.getTime();
  // Floor and a subtraction rather than `%`, which is slow on doubles (~100 ns each here);
  // the same as the generated code's trunc and `%` for the times from 1970 this covers.
  const seconds = Math.floor(millis / 1000);
  const nanos = (millis - seconds * 1000) * 1_000_000;
  const size =
    (seconds === 0 ? 0 : 1 + varintSize(seconds)) + (nanos === 0 ? 0 : 1 + varintSize(nanos));
  out[start] = tag;
  let pos = writeVarint(out, start + 1, size);
  if (seconds !== 0) {
    out[pos++] = SECONDS;
    pos = writeVarint(out, pos, seconds);
  }
  if (nanos !== 0) {
    out[pos++] = NANOS;
    pos = writeVarint(out, pos, nanos);
  }
  return pos;
}

/** Bytes of a non-negative integer up to 2^53 as a varint. */
function varintSize(value: number): number {
  if (value < 0x80) {
    return 1;
  }
  if (value < 0x4000) {
    return 2;
  }
  let size = 3;
  for (let rest = value / 0x200000; rest >= 1; rest /= 0x80) {
    size++;
  }
  return size;
}

/** A non-negative integer up to 2^53 as a varint; the position after it. */
function writeVarint(out: Buffer, start: number, value: number): number {
  let pos = start;
  let rest = value;
  // Division above 2^31 (seconds pass it in 2038), where bit operations would wrap.
  while (rest > 0x7fffffff) {
    const high = Math.floor(rest / 0x80);
    out[pos++] = (rest - high * 0x80) | 0x80;
    rest = high;
  }
  while (rest >= 0x80) {
    out[pos++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  out[pos++] = rest;
  return pos;
}
