import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callerMetadata } from "@trellis/service-kit";
import { testCallerSecret } from "@trellis/service-kit/testing";
import { notesDatabase, startNotesServer } from "./notes-server.ts";

// Bun's http2 has had gRPC framing regressions (oven-sh/bun#21759, #29365): this file has a
// grpc-js client running under Node call the service hosted by Bun.

const db = await notesDatabase();
/**
 * Every ListNotes here waits up to 3 s for its call to end before querying, so a deadline has
 * something to cut short; each records whether its signal fired and how long it waited.
 */
const listCalls: { aborted: boolean; waitedMs: number }[] = [];
const server = await startNotesServer(db, (notes) => ({
  ...notes,
  async listForOwner(ownerId, page, signal) {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 3_000);
      signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
    listCalls.push({ aborted: signal.aborted, waitedMs: performance.now() - started });
    return notes.listForOwner(ownerId, page, signal);
  },
}));
const outDir = await mkdtemp(join(tmpdir(), "notes-interop-"));
const userId = crypto.randomUUID();
let results: Record<string, unknown> = {};

beforeAll(async () => {
  const build = await Bun.build({
    entrypoints: [join(import.meta.dir, "fixtures", "node-client.ts")],
    target: "node",
    outdir: outDir,
  });
  if (!build.success) {
    throw new AggregateError(build.logs, "building the Node client failed");
  }
  const [identity] = callerMetadata(userId, testCallerSecret).get("x-trellis-caller");
  const args = [join(outDir, "node-client.js"), String(server.port), String(identity)];
  const child = Bun.spawn(["node", ...args], {
    stdout: "pipe",
    stderr: "pipe",
    timeout: 20_000,
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  if (code !== 0) {
    throw new Error(`node client exited with ${code}: ${stderr}`);
  }
  results = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
}, 30_000);

afterAll(async () => {
  await server.stop();
  await db.close();
  await rm(outDir, { recursive: true, force: true });
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
