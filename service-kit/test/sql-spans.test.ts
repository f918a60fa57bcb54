import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import {
  createTestDatabase,
  recordSpans,
  type SpanRecorder,
  type TestDatabase,
} from "@trellis/testing";
import { beginWithSignal } from "../src/db/begin-with-signal.ts";
import { withSignal } from "../src/db/with-signal.ts";
import { poolAttributes, traceTransactions } from "../src/telemetry/sql-span.ts";

// A span per query run through withSignal, on a real Postgres: the statement as sent (Bun's client
// writes a space after each $n), with $n where the values went, and never a value; transactions
// hold their queries.

// A cold embedded Postgres pays for an initdb on first use.
setDefaultTimeout(30_000);

let db: TestDatabase;
let recorder: SpanRecorder;
beforeAll(async () => {
  db = await createTestDatabase({
    migrations: [
      {
        version: 1,
        name: "create_notes",
        sql: "CREATE TABLE notes (id integer PRIMARY KEY, title text NOT NULL, body text NOT NULL);",
      },
    ],
  });
  traceTransactions(db.sql, poolAttributes(db.url));
  recorder = await recordSpans();
});
afterAll(async () => {
  await recorder?.stop();
  await db?.close();
});

const signal = new AbortController().signal;

/** Runs `run` inside a fresh span called "handler"; returns that span once it ended. */
async function inHandler(run: () => Promise<unknown>): Promise<Span> {
  const span = trace.getTracer("test").startSpan("handler");
  await context.with(trace.setSpan(context.active(), span), run).catch(() => {});
  span.end();
  return span;
}

async function childrenOf(parent: Span | ReadableSpan): Promise<ReadableSpan[]> {
  const { spanId } = parent.spanContext();
  return (await recorder.spans()).filter((span) => span.parentSpanContext?.spanId === spanId);
}

/** Every attribute and event of `spans` as one string, to search for values. */
function everything(spans: ReadableSpan[]): string {
  return JSON.stringify(
    spans.map((span) => [span.name, span.attributes, span.events, span.status]),
  );
}

test("a query is a CLIENT span under the active one, with its statement but none of its values", async () => {
  recorder.reset();
  const title = `title ${crypto.randomUUID()}`;
  const body = `body ${crypto.randomUUID()}`;

  const handler = await inHandler(() =>
    withSignal(
      db.sql`INSERT INTO notes (id, title, body) VALUES (${1}, ${title}, ${body})`,
      signal,
    ),
  );

  const spans = await childrenOf(handler);
  expect(spans).toHaveLength(1);
  expect(spans[0]).toMatchObject({
    name: "INSERT notes",
    kind: SpanKind.CLIENT,
    status: { code: SpanStatusCode.UNSET },
    attributes: {
      "db.system.name": "postgresql",
      "db.operation.name": "INSERT",
      "db.query.summary": "INSERT notes",
      "db.query.text": "INSERT INTO notes (id, title, body) VALUES ($1 , $2 , $3 )",
    },
  });
  expect(everything(spans)).not.toContain(title);
  expect(everything(spans)).not.toContain(body);
});

test("a failed query is an ERROR span with its SQLSTATE, and still none of its values", async () => {
  await withSignal(
    db.sql`INSERT INTO notes (id, title, body) VALUES (${2}, ${"a"}, ${"b"})`,
    signal,
  );
  recorder.reset();
  const title = `duplicate ${crypto.randomUUID()}`;

  const handler = await inHandler(() =>
    withSignal(db.sql`INSERT INTO notes (id, title, body) VALUES (${2}, ${title}, ${"x"})`, signal),
  );

  const spans = await childrenOf(handler);
  expect(spans[0]).toMatchObject({
    name: "INSERT notes",
    status: { code: SpanStatusCode.ERROR },
    attributes: {
      "db.query.text": "INSERT INTO notes (id, title, body) VALUES ($1 , $2 , $3 )",
      "db.response.status_code": "23505",
      "error.type": "23505",
    },
  });
  // Postgres's own message detail would quote the key ("Key (id)=(2)"): none of it is kept.
  expect(spans[0]?.events).toEqual([]);
  expect(everything(spans)).not.toContain(title);
});

test("a query whose signal already aborted never runs and leaves no span", async () => {
  recorder.reset();

  const handler = await inHandler(() =>
    withSignal(db.sql`SELECT 1 AS one`, AbortSignal.abort(new Error("too late"))),
  );

  expect(await childrenOf(handler)).toEqual([]);
});

test("fragments and helpers keep their placeholders: an UPDATE through sql(changes, columns)", async () => {
  recorder.reset();
  const changes = { title: `renamed ${crypto.randomUUID()}` };

  const handler = await inHandler(() =>
    withSignal(
      db.sql`UPDATE notes SET ${db.sql(changes, "title")} WHERE id = ${2} ${db.sql`AND true`}`,
      signal,
    ),
  );

  const [span] = await childrenOf(handler);
  expect(span?.name).toBe("UPDATE notes");
  expect(span?.attributes["db.query.text"]).toBe(
    'UPDATE notes SET "title" = $1  WHERE id = $2  AND true',
  );
  expect(everything([span].filter((s) => s !== undefined))).not.toContain(changes.title);
});

test("sql.begin is a span holding its queries, with the database but not the credentials", async () => {
  recorder.reset();
  const title = `in a transaction ${crypto.randomUUID()}`;

  const handler = await inHandler(() =>
    db.sql.begin(async (tx) => {
      await withSignal(
        tx`INSERT INTO notes (id, title, body) VALUES (${3}, ${title}, ${""})`,
        signal,
      );
      await withSignal(tx`SELECT title FROM notes WHERE id = ${3}`, signal);
    }),
  );

  const [transaction] = await childrenOf(handler);
  const queries = transaction === undefined ? [] : await childrenOf(transaction);
  const database = new URL(db.url);
  expect(transaction).toMatchObject({
    name: "transaction",
    attributes: {
      "db.system.name": "postgresql",
      "db.namespace": database.pathname.slice(1),
      "server.address": database.hostname,
    },
  });
  expect(queries.map((span) => span.name)).toEqual(["INSERT notes", "SELECT notes"]);
  expect(everything([...queries, ...(transaction ? [transaction] : [])])).not.toContain(title);
});

test("beginWithSignal's transaction is a span holding its queries too", async () => {
  recorder.reset();

  const handler = await inHandler(() =>
    beginWithSignal(db.sql, signal, async (tx) => {
      await withSignal(tx`SELECT title FROM notes WHERE id = ${3}`, signal);
    }),
  );

  const [transaction] = await childrenOf(handler);
  const queries = transaction === undefined ? [] : await childrenOf(transaction);
  expect(transaction?.name).toBe("transaction");
  expect(queries.map((span) => span.name)).toEqual(["SELECT notes"]);
});

test("a failing transaction is an ERROR span", async () => {
  recorder.reset();

  const handler = await inHandler(() =>
    db.sql.begin(async () => {
      throw new Error("changed my mind");
    }),
  );

  const [transaction] = await childrenOf(handler);
  expect(transaction).toMatchObject({
    name: "transaction",
    status: { code: SpanStatusCode.ERROR },
    attributes: { "error.type": "Error" },
  });
});

test("a pool's attributes never include its user or password", () => {
  const attributes = poolAttributes(
    "postgres://app:hunter2@db.internal:6543/notes?sslmode=require",
  );

  expect(attributes).toEqual({
    "db.system.name": "postgresql",
    "db.namespace": "notes",
    "server.address": "db.internal",
    "server.port": 6543,
  });
});
