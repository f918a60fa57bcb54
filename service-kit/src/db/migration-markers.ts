import { isBreaking, type Migration } from "./migrate.ts";

/**
 * Statements the release before a migration may not survive: it reads what is dropped or
 * renamed, writes what becomes NOT NULL or changes type. Matched on the SQL without comments,
 * word by word, case-insensitively.
 */
const DESTRUCTIVE: [RegExp, string][] = [
  [/\bDROP\s+(TABLE|COLUMN|VIEW|TYPE|SCHEMA|INDEX|CONSTRAINT)\b/i, "drops"],
  [/\bALTER\s+TABLE\b[^;]*\bDROP\b/i, "drops"],
  [/\bRENAME\b/i, "renames"],
  [/\bALTER\s+COLUMN\b[^;]*\bTYPE\b/i, "changes a column's type"],
  [/\bSET\s+NOT\s+NULL\b/i, "makes a column NOT NULL"],
  [/\bTRUNCATE\b/i, "truncates"],
];

/**
 * The migrations that do something destructive without the `-- breaking: <why>` line that
 * tells a rollback it cannot start on them; as `NNNN_name: drops` lines, none when all is well.
 */
export function unmarkedBreakingChanges(migrations: readonly Migration[]): string[] {
  return migrations.flatMap((migration) => {
    if (isBreaking(migration)) {
      return [];
    }
    const code = withoutComments(migration.sql);
    const found = DESTRUCTIVE.filter(([pattern]) => pattern.test(code)).map(([, what]) => what);
    const file = `${String(migration.version).padStart(4, "0")}_${migration.name}`;
    return [...new Set(found)].map(
      (what) =>
        `${file}: ${what}; mark it "-- breaking: <why>" or split it (expand, then contract)`,
    );
  });
}

/** SQL without `-- line` and block comments, so a comment naming DROP is not a statement. */
function withoutComments(sql: string): string {
  return sql.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/--[^\n]*/g, " ");
}
