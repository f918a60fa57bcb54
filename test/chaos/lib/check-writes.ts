import { withDatabase } from "../../system/support/stack.ts";

/**
 * How many acknowledged creates are not in notes' database exactly once under the id they were
 * answered with (missing, duplicated or another id), read from Postgres itself, not the API.
 */
export async function lostWrites(
  notesDatabaseUrl: string,
  acknowledged: Map<string, string>,
): Promise<number> {
  if (acknowledged.size === 0) {
    return 0;
  }
  const titles = [...acknowledged.keys()];
  const rows = await withDatabase(
    notesDatabaseUrl,
    (sql) => sql<{ title: string; id: string }[]>`
      SELECT title, id::text AS id FROM notes WHERE title = ANY(${titles})`,
  );
  const stored = new Map<string, string[]>();
  for (const row of rows) {
    stored.set(row.title, [...(stored.get(row.title) ?? []), row.id]);
  }
  let lost = 0;
  for (const [title, id] of acknowledged) {
    const ids = stored.get(title) ?? [];
    if (ids.length !== 1 || ids[0] !== id) {
      lost++;
    }
  }
  return lost;
}
