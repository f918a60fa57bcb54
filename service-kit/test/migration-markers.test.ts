import { expect, test } from "bun:test";
import { isBreaking } from "../src/db/migrate.ts";
import { unmarkedBreakingChanges } from "../src/db/migration-markers.ts";

// What CI asks of every migration: a destructive one says it is breaking, so a rollback knows.

const migration = (sql: string) => ({ version: 7, name: "change", sql });
const advice = '; mark it "-- breaking: <why>" or split it (expand, then contract)';

test.each([
  { sql: "ALTER TABLE notes DROP COLUMN title;", want: ["drops"] },
  { sql: "DROP TABLE note_labels;", want: ["drops"] },
  { sql: "alter table notes rename column title to name;", want: ["renames"] },
  {
    sql: "ALTER TABLE notes ALTER COLUMN body TYPE varchar(100);",
    want: ["changes a column's type"],
  },
  { sql: "ALTER TABLE notes ALTER COLUMN body SET NOT NULL;", want: ["makes a column NOT NULL"] },
  { sql: "TRUNCATE notes;", want: ["truncates"] },
])("an unmarked migration that $want is reported", ({ sql, want }) => {
  expect(unmarkedBreakingChanges([migration(sql)])).toEqual(
    want.map((what) => `0007_change: ${what}${advice}`),
  );
});

test.each([
  { name: "a new table", sql: "CREATE TABLE tags (id uuid PRIMARY KEY);" },
  { name: "a nullable column", sql: "ALTER TABLE notes ADD COLUMN color text;" },
  { name: "an index", sql: "CREATE INDEX notes_by_owner ON notes (owner_id);" },
  { name: "DROP in a comment", sql: "-- DROP TABLE notes later, in its own release\nSELECT 1;" },
  { name: "DROP in a block comment", sql: "/* RENAME once readers moved */ SELECT 1;" },
  {
    name: "a marked drop",
    sql: "-- breaking: the title moved to titles in 0006\nALTER TABLE notes DROP COLUMN title;",
  },
])("$name needs no marker", ({ sql }) => {
  expect(unmarkedBreakingChanges([migration(sql)])).toEqual([]);
});

test.each([
  { line: "-- breaking: drops title", want: true },
  { line: "--breaking: drops title", want: true },
  { line: "-- breaking:", want: false },
  { line: "SELECT '-- breaking: no';", want: false },
  { line: "-- not breaking: adds a column", want: false },
])("isBreaking($line) is $want", ({ line, want }) => {
  expect(isBreaking(migration(`${line}\nSELECT 1;`))).toBe(want);
});
