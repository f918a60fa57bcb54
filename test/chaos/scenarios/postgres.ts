import { withChaosStack } from "../lib/chaos-stack.ts";
import type { PostgresServer } from "../lib/postgres-server.ts";
import { underLoad } from "../lib/under-load.ts";
import type { Scenario } from "../scenario.ts";

// Postgres goes away under a steady create load and comes back on the same port: a clean fast
// shutdown (sessions ended with 57P01), and a kill -9 of the postmaster (no goodbye at all;
// crash recovery on the next start). The services are never restarted: their pools reconnect.

/** Long enough for every worker to meet the outage several times. */
const OUTAGE_MS = 3_000;

function outage(
  name: string,
  fault: string,
  stop: (pg: PostgresServer) => Promise<void>,
): Scenario {
  return {
    name,
    run: () =>
      withChaosStack({}, (world) =>
        underLoad(world, {
          name: `${fault} (3 s) under create load`,
          async inject() {
            await stop(world.postgres);
            await Bun.sleep(OUTAGE_MS);
            await world.postgres.start();
          },
        }),
      ),
  };
}

export const scenarios: Scenario[] = [
  outage("postgres-fast-shutdown", "Postgres fast shutdown", (pg) => pg.stopFast()),
  outage("postgres-kill", "Postgres kill -9", (pg) => pg.kill()),
];
