// In-process CPU of one page of 20 notes, in a tree given as the first argument (default: this
// one): the notes side's encoding of ListNotesResponse (ts-proto's serializer and, where the
// tree has it, list-notes-wire.ts) and the gateway side's writeResponse, alone and followed by
// JSON.stringify (which flattens what writeResponse built). CPU time (process.cpuUsage), not
// wall time: on a shared machine a process waiting for a core does not count.
//   bun bench/investigations/list-create/page-cpu.ts /work/main
import { existsSync } from "node:fs";
import { join } from "node:path";

const tree = process.argv[2] ?? join(import.meta.dir, "../../..");
const notesModule = await import(join(tree, "contracts/gen/node/trellis/notes/v1/notes.ts"));
const { notesRule } = await import(join(tree, "gateway/src/rest/transcode/testing/notes-rules.ts"));
const { writeResponse } = await import(join(tree, "gateway/src/rest/transcode/write-response.ts"));
const wirePath = join(tree, "service-template/src/list-notes-wire.ts");
const wire = existsSync(wirePath) ? await import(wirePath) : null;

/** As the bench seeds them: a title, a body of ~180 ASCII characters, two times a page apart. */
const note = (i: number) => ({
  id: Bun.randomUUIDv7(),
  title: `Seeded note ${i}`,
  body: "Written by the bench seed for user-12. ".repeat(4),
  createTime: new Date(Date.now() - i * 60_000 + i),
  updateTime: new Date(Date.now() - i * 60_000 + 7),
});
const page = { notes: Array.from({ length: 20 }, (_, i) => note(i)), nextPageToken: "abc" };
const bytes = notesModule.NotesServiceService.listNotes.responseSerialize(page);
const list = notesRule("ListNotes");

function cpuMicros(run: () => unknown, rounds = 30_000): number {
  for (let i = 0; i < 5_000; i++) {
    run();
  }
  const start = process.cpuUsage();
  for (let i = 0; i < rounds; i++) {
    run();
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / rounds;
}

const report = (what: string, run: () => unknown): void => {
  process.stdout.write(`${what.padEnd(52)} ${cpuMicros(run).toFixed(1)} µs\n`);
};
report("notes: ts-proto responseSerialize", () =>
  notesModule.NotesServiceService.listNotes.responseSerialize(page),
);
if (wire !== null) {
  report("notes: encodeListNotesResponse", () => wire.encodeListNotesResponse(page));
}
report("gateway: writeResponse", () => writeResponse(list, bytes));
report("gateway: writeResponse + JSON.stringify", () =>
  JSON.stringify(writeResponse(list, bytes).json),
);
