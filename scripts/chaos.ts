// `bun run chaos`: runs every scenario of test/chaos/scenarios/*.ts (each file exports
// `scenarios: Scenario[]`), one after another, each on its own stack of the compiled binaries,
// and prints one table. Exits 1 when an acknowledged write was lost or a scenario failed to run.
// Usage: bun run chaos [name-filter]
import { join } from "node:path";
import { destroyAllPostgres } from "../test/chaos/lib/postgres-server.ts";
import type { Scenario, ScenarioResult } from "../test/chaos/scenario.ts";
import { formatTable } from "./chaos/table.ts";

const scenariosDir = join(import.meta.dir, "../test/chaos/scenarios");
const filter = process.argv[2] ?? "";

async function discover(): Promise<Scenario[]> {
  const files = [...new Bun.Glob("*.ts").scanSync(scenariosDir)].sort();
  const found: Scenario[] = [];
  for (const file of files) {
    const module = (await import(join(scenariosDir, file))) as { scenarios?: Scenario[] };
    found.push(...(module.scenarios ?? []));
  }
  return found.filter((scenario) => scenario.name.includes(filter));
}

async function runOne(scenario: Scenario): Promise<ScenarioResult | Error> {
  process.stderr.write(`[chaos] ${scenario.name}...\n`);
  try {
    return await scenario.run();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

// Ctrl-C: no Postgres of ours outlives the run (pg_ctl daemonizes it, so it would).
process.once("SIGINT", () => {
  destroyAllPostgres().finally(() => process.exit(130));
});

const rows: { name: string; result: ScenarioResult | Error }[] = [];
for (const scenario of await discover()) {
  rows.push({ name: scenario.name, result: await runOne(scenario) });
}
console.log(formatTable(rows));
const broken = rows.filter(({ result }) => result instanceof Error || result.writesLost > 0);
process.exit(broken.length > 0 || rows.length === 0 ? 1 : 0);
