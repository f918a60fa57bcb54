import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { NotesServiceService } from "@trellis/contracts/notes/v1";
import { runNodeClient, type Stall, stall } from "@trellis/testing";
import { notesDatabase, startNotesServer } from "./notes-server.ts";

// Bun's http2 has had gRPC framing regressions (oven-sh/bun#21759, #29365): this file has a
// grpc-js client running under Node call the service hosted by Bun.

const db = await notesDatabase();
/**
 * Every ListNotes here stalls up to 3 s before querying, so a deadline has something to cut
 * short; each records whether its signal fired and how long it waited.
 */
const listCalls: Stall[] = [];
const server = await startNotesServer(db, (notes) => ({
  ...notes,
  async listForOwner(ownerId, page, signal) {
    listCalls.push(await stall(signal, 3_000));
    return notes.listForOwner(ownerId, page, signal);
  },
}));
const userId = crypto.randomUUID();
let results: Record<string, unknown> = {};

beforeAll(async () => {
  const client = join(import.meta.dir, "fixtures", "node-client.ts");
  results = await runNodeClient(client, {
    port: server.port,
    definition: NotesServiceService,
    userId,
  });
}, 30_000);

afterAll(async () => {
  await server.stop();
  await db.close();
});

test("a unary CreateNote then GetNote round trip returns the same note", () => {
  const note = {
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    title: "Interop ✓ «quotes» 'and' \"more\"",
    body: "line 1\nline 2 \\ 100%",
    createTime: expect.any(String),
    updateTime: expect.any(String),
  };
  expect(results.roundTrip).toEqual({ created: { ok: { note } }, fetched: { ok: { note } } });
});

test("an 80 KB body spanning many frames comes back intact", () => {
  expect(results.largeBodyIntact).toBe(true);
});

test("a 1 ms deadline ends in DEADLINE_EXCEEDED", () => {
  expect(results.deadline1ms).toMatchObject({ code: "DEADLINE_EXCEEDED" });
});

test("a Node client's deadline reaches the Bun server, which stops waiting on the database", () => {
  expect(results.deadlineSlow).toMatchObject({ code: "DEADLINE_EXCEEDED" });
  expect(listCalls.length).toBeGreaterThan(0);
  for (const call of listCalls) {
    expect(call.aborted).toBe(true);
    expect(call.waitedMs).toBeLessThan(2_000);
  }
});

test("INVALID_ARGUMENT arrives with its details, non-ASCII text included", () => {
  expect(results.invalid).toEqual({
    code: "INVALID_ARGUMENT",
    details: "title: must not be empty",
  });
  expect(results.invalidUnicode).toEqual({
    code: "INVALID_ARGUMENT",
    details: 'update_mask: unknown field "títle ✓ 100%" (allowed: title, body)',
  });
});

test("NOT_FOUND arrives with its details", () => {
  expect(results.notFound).toEqual({
    code: "NOT_FOUND",
    details: "note 0190a1b2-0000-7000-8000-000000000404 not found",
  });
});
