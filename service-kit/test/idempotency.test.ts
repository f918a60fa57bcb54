import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createTestDatabase, supportsConcurrentConnections } from "@trellis/testing";
import { SQL } from "bun";
import type { Caller } from "../src/caller/caller.ts";
import { createIdempotency, type MessageCodec } from "../src/db/idempotency.ts";
import type { Migration } from "../src/db/migrate.ts";
import type { Sql } from "../src/db/pool.ts";
import { AppError } from "../src/errors.ts";

// A cold embedded Postgres pays for an initdb on first use.
setDefaultTimeout(30_000);

// The table every service's migration creates (the template's 0003_create_idempotency_keys.sql),
// and a table of things to create.
const migrations: Migration[] = [
  {
    version: 1,
    name: "create_idempotency_keys",
    sql: `CREATE TABLE idempotency_keys (
            user_id uuid NOT NULL, key text NOT NULL, request_hash bytea NOT NULL,
            response bytea, created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (user_id, key));
          CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);`,
  },
  {
    version: 2,
    name: "create_things",
    sql: "CREATE TABLE things (id serial PRIMARY KEY, owner_id uuid NOT NULL, name text NOT NULL);",
  },
];

const db = await createTestDatabase({ migrations, max: 25 });
afterAll(() => db.close());

interface Thing {
  id: number;
  name: string;
}

/** JSON as the "protobuf" of these tests: the kit only needs bytes both ways. */
function jsonCodec<Message>(): MessageCodec<Message> {
  return {
    encode: (message) => ({ finish: () => new TextEncoder().encode(JSON.stringify(message)) }),
    decode: (bytes) => JSON.parse(new TextDecoder().decode(bytes)) as Message,
  };
}
const codecs = { request: jsonCodec<{ name: string }>(), response: jsonCodec<Thing>() };

function thingsRepo(sql: Sql) {
  return {
    async create(ownerId: string, name: string): Promise<Thing> {
      const [row] = await sql<Thing[]>`
        INSERT INTO things (owner_id, name) VALUES (${ownerId}, ${name}) RETURNING id, name`;
      if (row === undefined) {
        throw new Error("INSERT returned no row");
      }
      return row;
    },
  };
}

const idempotency = createIdempotency(db.sql, thingsRepo);

function caller(userId: string, idempotencyKey?: string): Caller {
  const signal = new AbortController().signal;
  return idempotencyKey === undefined ? { userId, signal } : { userId, signal, idempotencyKey };
}

/** Creates a thing named `name` for `who`, as a create handler would. */
function createThing(who: Caller, name: string, rpc = "CreateThing"): Promise<Thing> {
  return idempotency.run({ caller: who, rpc, request: { name } }, codecs, (repo) =>
    repo.create(who.userId, name),
  );
}

async function countThings(ownerId: string): Promise<number> {
  const [row] = await db.sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM things WHERE owner_id = ${ownerId}`;
  return row?.n ?? -1;
}

function codeOf(error: unknown): string {
  return error instanceof AppError ? `${error.code}: ${error.message}` : String(error);
}

describe("Idempotency.run", () => {
  test("without a key, creates each time", async () => {
    const user = crypto.randomUUID();
    const first = await createThing(caller(user), "a");
    const second = await createThing(caller(user), "a");
    expect(second.id).not.toBe(first.id);
    expect(await countThings(user)).toBe(2);
  });

  test("replays the first answer for the same key and request, creating nothing", async () => {
    const user = crypto.randomUUID();
    const first = await createThing(caller(user, "k-1"), "a");
    const again = await createThing(caller(user, "k-1"), "a");
    expect(again).toEqual(first);
    expect(await countThings(user)).toBe(1);
  });

  test("refuses the key with another request, and keeps the first answer", async () => {
    const user = crypto.randomUUID();
    const first = await createThing(caller(user, "k-1"), "a");
    const refused = await createThing(caller(user, "k-1"), "b").catch(codeOf);
    expect(refused).toBe(
      "IDEMPOTENCY_KEY_REUSED: Idempotency-Key: already used for a different request in the last 24 hours; use a new key",
    );
    expect(await createThing(caller(user, "k-1"), "a")).toEqual(first);
    expect(await countThings(user)).toBe(1);
  });

  test("refuses the key on another RPC with the same request", async () => {
    const user = crypto.randomUUID();
    await createThing(caller(user, "k-1"), "a");
    const refused = await createThing(caller(user, "k-1"), "a", "CreateOther").catch(codeOf);
    expect(refused).toStartWith("IDEMPOTENCY_KEY_REUSED:");
  });

  test("keeps keys per user: another user's key of the same name is theirs", async () => {
    const [alice, bob] = [crypto.randomUUID(), crypto.randomUUID()];
    const forAlice = await createThing(caller(alice, "shared"), "a");
    const forBob = await createThing(caller(bob, "shared"), "b");
    expect(forBob.id).not.toBe(forAlice.id);
    expect(forBob.name).toBe("b");
  });

  test("treats a record older than 24 hours as absent and creates again", async () => {
    const user = crypto.randomUUID();
    const first = await createThing(caller(user, "old"), "a");
    await age(user, "old", "25 hours");
    const later = await createThing(caller(user, "old"), "b");
    expect(later).toEqual({ id: expect.any(Number), name: "b" });
    expect(later.id).not.toBe(first.id);
    expect(await createThing(caller(user, "old"), "b")).toEqual(later);
  });

  test("still replays a record just inside the window", async () => {
    const user = crypto.randomUUID();
    const first = await createThing(caller(user, "recent"), "a");
    await age(user, "recent", "23 hours 59 minutes");
    expect(await createThing(caller(user, "recent"), "a")).toEqual(first);
  });

  test("stores nothing when the create fails, so a retry creates", async () => {
    const user = crypto.randomUUID();
    const failed = await idempotency
      .run({ caller: caller(user, "k"), rpc: "CreateThing", request: { name: "a" } }, codecs, () =>
        Promise.reject(new Error("boom")),
      )
      .catch(codeOf);
    expect(failed).toBe("Error: boom");
    expect(await createThing(caller(user, "k"), "a")).toEqual({
      id: expect.any(Number),
      name: "a",
    });
    expect(await countThings(user)).toBe(1);
  });

  test("a new record purges expired ones of any user", async () => {
    const [old, user] = [crypto.randomUUID(), crypto.randomUUID()];
    await createThing(caller(old, "expired"), "a");
    await age(old, "expired", "2 days");
    await createThing(caller(user, "fresh"), "a");
    const [row] = await db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM idempotency_keys WHERE user_id = ${old}`;
    expect(row?.n).toBe(0);
  });
});

describe("Idempotency.run, concurrently", async () => {
  const concurrent = await supportsConcurrentConnections();

  test.skipIf(!concurrent)("20 calls with one key create one thing and answer alike", async () => {
    const user = crypto.randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => createThing(caller(user, "race"), "a")),
    );
    expect(await countThings(user)).toBe(1);
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
  });

  test.skipIf(!concurrent)(
    "calls with one key and two requests: one wins, others refused",
    async () => {
      const user = crypto.randomUUID();
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          createThing(caller(user, "race"), i % 2 === 0 ? "even" : "odd").then(
            (thing) => thing.name,
            (error: unknown) => (error instanceof AppError ? error.code : String(error)),
          ),
        ),
      );
      expect(await countThings(user)).toBe(1);
      const created = outcomes.filter((outcome) => outcome !== "IDEMPOTENCY_KEY_REUSED");
      expect(created.length).toBe(5);
      expect(new Set(created).size).toBe(1);
    },
  );
  test.skipIf(!concurrent)(
    "a keyed create waiting for a busy pool gives up when its call ends, and creates nothing",
    async () => {
      const busy = new SQL(db.url, { max: 1 });
      const user = crypto.randomUUID();
      let holderFinished = false;
      const holder = busy
        .begin((tx) => tx`SELECT pg_sleep(1)`)
        .finally(() => {
          holderFinished = true;
        });
      const controller = new AbortController();
      const reason = new Error("deadline passed");
      setTimeout(() => controller.abort(reason), 100);
      const who = { userId: user, signal: controller.signal, idempotencyKey: "k-busy" };

      const got = await createIdempotency(busy, thingsRepo)
        .run({ caller: who, rpc: "CreateThing", request: { name: "a" } }, codecs, (repo) =>
          repo.create(user, "a"),
        )
        .catch((error: unknown) => error);

      expect(got).toBe(reason);
      expect(holderFinished).toBe(false);
      await holder;
      expect([...(await busy`SELECT 'usable' AS pool`)]).toEqual([{ pool: "usable" }]);
      expect(await countThings(user)).toBe(0);
      await busy.close({ timeout: 5 });
    },
  );
});

/** Moves a record's creation back by `interval`, as if time had passed. */
async function age(userId: string, key: string, interval: string): Promise<void> {
  await db.sql`
    UPDATE idempotency_keys SET created_at = now() - ${interval}::interval
    WHERE user_id = ${userId} AND key = ${key}`;
}
