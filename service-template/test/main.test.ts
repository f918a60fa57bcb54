import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { NotesServiceService } from "@trellis/contracts/notes/v1";
import { checkHealth, createClient } from "@trellis/service-kit";
import { freePort, testCallerSecret } from "@trellis/service-kit/testing";
import { notesDatabase, serviceDir } from "./notes-server.ts";

// `bun src/main.ts` as a real process. On the embedded fallback the database takes one
// connection at a time: this file closes its own pool and gives the child a pool of one.

const db = await notesDatabase();
await db.sql.end();
afterAll(() => db.close());

function startMain(env: Record<string, string>) {
  const child = Bun.spawn([process.execPath, "src/main.ts"], {
    cwd: serviceDir,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      DATABASE_POOL_MAX: "1",
      CALLER_SECRET: testCallerSecret,
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdout: "pipe",
    stderr: "pipe",
    timeout: 30_000,
  });
  const stderr = new Response(child.stderr).text();
  void new Response(child.stdout).text();
  return { child, stderr };
}

async function waitForServing(address: string, withinMs: number): Promise<string> {
  const until = Date.now() + withinMs;
  let last = "no answer";
  while (Date.now() < until) {
    last = await checkHealth(address, { timeoutMs: 250 }).catch((error: Error) => error.message);
    if (last === "SERVING") {
      break;
    }
    await Bun.sleep(50);
  }
  return last;
}

describe("bun src/main.ts", () => {
  let service: ReturnType<typeof startMain> | undefined;
  let address = "";

  beforeAll(async () => {
    const port = freePort();
    address = `127.0.0.1:${port}`;
    service = startMain({ PORT: String(port) });
  });

  afterAll(() => {
    if (service?.child.exitCode === null) {
      service.child.kill("SIGKILL");
    }
  });

  test("reaches SERVING on grpc.health.v1 Check", async () => {
    expect(await waitForServing(address, 15_000)).toBe("SERVING");
  }, 20_000);

  test("answers a CreateNote then ListNotes round trip", async () => {
    const client = createClient(NotesServiceService, address, {
      timeoutMs: 5_000,
      callerSecret: testCallerSecret,
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
    if (service === undefined) {
      throw new Error("the service did not start");
    }
    const { child, stderr } = service;
    const started = performance.now();
    child.kill("SIGTERM");
    const code = await Promise.race([child.exited, Bun.sleep(5_000).then(() => "hung")]);
    expect({ code, stderr: code === 0 ? "" : await stderr }).toEqual({ code: 0, stderr: "" });
    expect(performance.now() - started).toBeLessThan(5_000);
  }, 10_000);
});

test("a malformed PORT makes it exit 1 naming PORT on stderr", async () => {
  const { child, stderr } = startMain({ PORT: "abc" });
  expect(await child.exited).toBe(1);
  expect(await stderr).toContain("PORT");
}, 10_000);
