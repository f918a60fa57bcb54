import { expect, test } from "bun:test";
import { summarizeSql } from "../src/telemetry/sql-summary.ts";

// Span names for SQL: operations and tables in order, nothing from literals or parameters.

test.each([
  {
    name: "an INSERT, as the template writes it",
    sql: "\n  INSERT INTO notes (id, owner_id, title, body)\n  VALUES ($1, $2, $3, $4)\n  RETURNING id",
    want: { operation: "INSERT", text: "INSERT notes" },
  },
  {
    name: "a SELECT with parameters",
    sql: "SELECT id, title FROM notes WHERE owner_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    want: { operation: "SELECT", text: "SELECT notes" },
  },
  {
    name: "an UPDATE from sql(changes, columns)",
    sql: 'UPDATE notes SET "title"=$1, updated_at = now() WHERE id = $2',
    want: { operation: "UPDATE", text: "UPDATE notes" },
  },
  {
    name: "a DELETE",
    sql: "DELETE FROM sessions WHERE expires_at <= $1",
    want: { operation: "DELETE", text: "DELETE sessions" },
  },
  {
    name: "an UPDATE ... FROM another table",
    sql: "UPDATE users SET name = $1 FROM oauth_accounts a WHERE users.id = a.user_id RETURNING users.id",
    want: { operation: "UPDATE", text: "UPDATE users oauth_accounts" },
  },
  {
    name: "a JOIN",
    sql: "SELECT s.id, u.name FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1",
    want: { operation: "SELECT", text: "SELECT sessions users" },
  },
  {
    name: "a FROM list, an alias, a quoted name and a subquery",
    sql: 'SELECT id FROM a, b AS x, public."Odd ""name""" WHERE id IN (SELECT note_id FROM tags)',
    want: { operation: "SELECT", text: 'SELECT a b public.Odd "name" SELECT tags' },
  },
  {
    name: "FROM inside EXTRACT and substring is no table",
    sql: "SELECT EXTRACT(EPOCH FROM created_at), substring(title FROM 2) FROM notes",
    want: { operation: "SELECT", text: "SELECT notes" },
  },
  {
    name: "ON CONFLICT DO UPDATE is no second operation",
    sql: "INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) DO UPDATE SET a = excluded.a",
    want: { operation: "INSERT", text: "INSERT t" },
  },
  {
    name: "FOR UPDATE is no second operation",
    sql: "SELECT * FROM notes WHERE id = $1 FOR UPDATE",
    want: { operation: "SELECT", text: "SELECT notes" },
  },
  {
    name: "comments, strings and dollar quotes are skipped",
    sql: "-- FROM comment\nSELECT 'FROM quoted', $$ FROM dollar $$, $x$ FROM tagged $x$ /* FROM c */ FROM notes",
    want: { operation: "SELECT", text: "SELECT notes" },
  },
  { name: "lower case", sql: "select 1", want: { operation: "SELECT", text: "SELECT" } },
  { name: "a transaction statement", sql: "begin", want: { operation: "BEGIN", text: "BEGIN" } },
  {
    name: "DDL",
    sql: "CREATE TABLE IF NOT EXISTS hits (n integer)",
    want: { operation: "CREATE", text: "CREATE hits" },
  },
  {
    name: "a statement with no known operation",
    sql: "SHOW search_path",
    want: { operation: "", text: "" },
  },
  { name: "an empty statement", sql: "", want: { operation: "", text: "" } },
])("$name", ({ sql, want }) => {
  expect(summarizeSql(sql)).toEqual(want);
});

test("a summary is at most 255 characters", () => {
  const sql = Array.from({ length: 100 }, (_, i) => `SELECT * FROM table_number_${i}`).join(
    " UNION ",
  );

  expect(summarizeSql(sql).text.length).toBe(255);
});
