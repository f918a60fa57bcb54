import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotesServiceService } from "@trellis/contracts/notes/v1";
import { createClient, parseSigningKey, readMigrations } from "@trellis/service-kit";
import { createTestDatabase, testCallerKeys } from "@trellis/testing";
import type { ChildProcess } from "./support/child-process.ts";
import { notesBinaryOn } from "./support/notes-binary.ts";
import { notesDir, repoRoot } from "./support/paths.ts";

// deploy/'s backups, as a person runs them after a bad day: backup.sh dumps the notes
// database, restore.sh puts the dump into a new database, and the notes binary started on that
// one answers with the same notes. Needs a Postgres server and its client tools (pg_dump,
// createdb), so not the embedded fallback.

setDefaultTimeout(120_000);

const db = await createTestDatabase({
  migrations: await readMigrations(join(notesDir, "migrations")),
});
await db.sql.end();
const backups = await mkdtemp(join(tmpdir(), "trellis-backups-"));
const restored = `restored_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
const running: ChildProcess[] = [];

afterAll(async () => {
  await Promise.all(running.map((child) => child.stop()));
  if (db.source !== "embedded") {
    const drop = Bun.spawn(["dropdb", "--if-exists", restored], {
      env: { ...process.env, ...libpqEnv(db.url) },
    });
    await drop.exited;
  }
  await db.close();
  await rm(backups, { recursive: true, force: true });
});

/** libpq's settings for the server of `url`: the scripts take no URL, as on the deploy host. */
function libpqEnv(url: string): Record<string, string> {
  const { hostname, port, username, password } = new URL(url);
  return { PGHOST: hostname, PGPORT: port || "5432", PGUSER: username, PGPASSWORD: password };
}

async function script(name: string, args: string[], env: Record<string, string>) {
  const child = Bun.spawn(["sh", join(repoRoot, "deploy/postgres", name), ...args], {
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  expect({ code, err }).toEqual({ code: 0, err: "" });
  return out;
}

async function listTitles(address: string, userId: string): Promise<string[]> {
  const key = parseSigningKey(testCallerKeys.signingKey);
  const client = createClient(NotesServiceService, address, { timeoutMs: 5_000, callerKey: key });
  try {
    const { notes } = await client.listNotes({ pageSize: 50, pageToken: "" }, { userId });
    return notes.map((note) => note.title);
  } finally {
    client.close();
  }
}

test.skipIf(db.source === "embedded")(
  "a dump of the notes database, restored into a new one, serves the same notes",
  async () => {
    const userId = crypto.randomUUID();
    const before = await notesBinaryOn(db.url, { embedded: false });
    running.push(before.child);
    await before.child.start();
    const key = parseSigningKey(testCallerKeys.signingKey);
    const client = createClient(NotesServiceService, before.address, {
      timeoutMs: 5_000,
      callerKey: key,
    });
    for (const title of ["first", "second", "third"]) {
      await client.createNote({ title, body: `${title} body` }, { userId });
    }
    client.close();
    const titles = await listTitles(before.address, userId);
    expect(titles.toSorted()).toEqual(["first", "second", "third"]);

    const name = new URL(db.url).pathname.slice(1);
    const env = { ...libpqEnv(db.url), BACKUP_DIR: backups, BACKUP_DATABASES: name };
    await script("backup.sh", [], env);
    const [dump] = await readdir(backups);
    expect(dump).toMatch(new RegExp(`^${name}-\\d{8}T\\d{6}Z\\.dump$`));
    await script("restore.sh", [join(backups, dump ?? ""), restored], env);

    const restoredUrl = Object.assign(new URL(db.url), { pathname: `/${restored}` }).toString();
    const after = await notesBinaryOn(restoredUrl, { embedded: false });
    running.push(after.child);
    await after.child.start();
    expect(await listTitles(after.address, userId)).toEqual(titles);
  },
);
