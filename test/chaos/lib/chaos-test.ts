import { afterAll, test } from "bun:test";
import type { Scenario } from "../scenario.ts";
import { destroyAllPostgres, postgresAvailable } from "./postgres-server.ts";

// The chaos tests need Debian's PostgreSQL server binaries. Without them they skip and say so (a
// developer without the package still runs the rest); CI installs them (.ci/run), and
// junit-totals fails a run in which they skipped.

/** A scenario is ~20 s of load plus a stack's start; a loaded machine may take twice that. */
const SCENARIO_TIMEOUT_MS = 90_000;

/** One test per scenario, skipped with the reason when there is no Postgres to own. */
export function eachScenario(
  scenarios: Scenario[],
  title: string,
  check: (scenario: Scenario) => Promise<void>,
): void {
  // A test that timed out never reached its scenario's cleanup: no Postgres outlives the file.
  afterAll(destroyAllPostgres);
  if (!postgresAvailable()) {
    process.stderr.write("[chaos] skipped: initdb/pg_ctl not found (apt-get install postgresql)\n");
    test.skip.each(scenarios)(title, check);
    return;
  }
  test.each(scenarios)(title, check, SCENARIO_TIMEOUT_MS);
}
