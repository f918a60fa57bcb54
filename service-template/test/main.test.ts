import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { NotesServiceService } from "@trellis/contracts/notes/v1";
import { createClient, parseSigningKey } from "@trellis/service-kit";
import { type MainProcess, spawnMain, testCallerKeys, waitForServing } from "@trellis/testing";
import { notesDatabase, serviceDir } from "./notes-server.ts";

// `bun src/main.ts` as a real process. On the embedded fallback the database takes one
// connection at a time: this file closes its own pool, and the child gets a pool of one.

const db = await notesDatabase();
await db.sql.end();
afterAll(() => db.close());

const startMain = (env: Record<string, string> = {}): MainProcess =>
  spawnMain({ cwd: serviceDir, databaseUrl: db.url, env });

test("a malformed PORT makes it exit 1 naming PORT on stderr", async () => {
  const { exited, stderr } = startMain({ PORT: "abc" });
  expect(await exited).toBe(1);
  expect(await stderr).toContain("PORT");
}, 10_000);

describe("bun src/main.ts", () => {
  let service: MainProcess;
  beforeAll(() => {
    service = startMain();
  });
  afterAll(() => service.kill());

  test("reaches SERVING on grpc.health.v1 Check", async () => {
    expect(await waitForServing(service.address, 15_000)).toBe("SERVING");
  }, 20_000);

  test("answers a CreateNote then ListNotes round trip", async () => {
    const client = createClient(NotesServiceService, service.address, {
      timeoutMs: 5_000,
      callerKey: parseSigningKey(testCallerKeys.signingKey),
    });
    const userId = crypto.randomUUID();
    try {
      const { note } = await client.createNote({ title: "from main", body: "" }, { userId });
      expect(note).toMatchObject({ title: "from main" });
      expect(await client.listNotes({ pageToken: "" }, { userId })).toEqual({
        notes: note === undefined ? [] : [note],
        nextPageToken: "",
      });
    } finally {
      client.close();
    }
  });

  test("exits with code 0 within a few seconds of SIGTERM", async () => {
    expect(await service.terminate(5_000)).toEqual({ code: 0, stderr: "" });
  }, 10_000);
});
