// Microbenchmark: `bun gateway/src/rest/transcode/transcode.bench.ts`. Per-request cost of
// this folder (protobuf-es's reflection for requests, binary-json/ for answers) against
// ts-proto's generated codecs and protobuf-es's own toJson for the same messages: a CreateNote
// body to binary, a ListNotes page of 20 notes from binary to JSON.
import { fromBinary, toJson } from "@bufbuild/protobuf";
import { CreateNoteRequest, ListNotesResponse, type Note } from "@trellis/contracts/notes/v1";
import { encodeRequest } from "./encode-request.ts";
import { toNoteJson } from "./testing/hand-written-notes.ts";
import { notesRule } from "./testing/notes-rules.ts";
import { timestampsWithMillis } from "./timestamp-millis.ts";
import { writeResponse } from "./write-response.ts";

function nsPerOp(run: () => unknown): number {
  const rounds = 100_000;
  for (let i = 0; i < 10_000; i++) {
    run();
  }
  const start = Bun.nanoseconds();
  for (let i = 0; i < rounds; i++) {
    run();
  }
  return (Bun.nanoseconds() - start) / rounds;
}

const report = (what: string, ns: number): void => {
  process.stdout.write(`${what.padEnd(58)} ${(ns / 1000).toFixed(2)} µs\n`);
};

const opts = { alwaysEmitImplicit: true };
const create = notesRule("CreateNote");
const list = notesRule("ListNotes");
const body = { title: "Groceries for the week", body: "milk, eggs, bread, ".repeat(10) };
const empty = Object.create(null);
const note = (i: number): Note => ({
  id: `0b7c1c53-3f5e-4d8a-9a53-2a1f1e8c9d${String(i).padStart(2, "0")}`,
  title: `Note ${i}`,
  body: "some text of a note, ".repeat(5),
  createTime: new Date(Date.UTC(2024, 4, 1, 12, 0, i, i * 7)),
  updateTime: new Date(Date.UTC(2024, 4, 2, 8, 30, i)),
});
const page = { notes: Array.from({ length: 20 }, (_, i) => note(i)), nextPageToken: "abc" };
const pageBytes = ListNotesResponse.encode(page).finish();

report(
  "CreateNote body → bytes, protobuf-es (encodeRequest)",
  nsPerOp(() => encodeRequest(create, { bindings: {}, query: empty, body })),
);
report(
  "CreateNote body → bytes, ts-proto (fromJSON + encode)",
  nsPerOp(() => CreateNoteRequest.encode(CreateNoteRequest.fromJSON(body)).finish()),
);
report(
  "ListNotes 20 notes bytes → JSON, writeResponse (binary-json)",
  nsPerOp(() => writeResponse(list, pageBytes)),
);
report(
  "ListNotes 20 notes bytes → JSON, ts-proto (decode + toJSON)",
  nsPerOp(() => ListNotesResponse.toJSON(ListNotesResponse.decode(pageBytes))),
);
report(
  "ListNotes 20 notes bytes → JSON, today (decode + toNoteJson)",
  nsPerOp(() => {
    const decoded = ListNotesResponse.decode(pageBytes);
    return { notes: decoded.notes.map(toNoteJson), nextPageToken: decoded.nextPageToken };
  }),
);
report(
  "ListNotes 20 notes bytes → JSON, protobuf-es (fromBinary + toJson + millis)",
  nsPerOp(() => {
    const json = toJson(list.responseType, fromBinary(list.responseType, pageBytes), opts);
    timestampsWithMillis(list.responseType, json);
    return json;
  }),
);
