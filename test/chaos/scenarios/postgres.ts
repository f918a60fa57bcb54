import { withChaosStack } from "../lib/chaos-stack.ts";
import { underLoad } from "../lib/under-load.ts";
import type { Scenario } from "../scenario.ts";

// Postgres goes away under a steady create load and comes back on the same port: a clean fast
// shutdown (sessions ended with 57P01), and a kill -9 of the postmaster (no goodbye at all;
// crash recovery on the next start). The services are never restarted: their pools reconnect.

/** Long enough for every worker to meet the outage several times. */
const OUTAGE_MS = 3_000;

export const scenarios: Scenario[] = [
  {
    name: "postgres-fast-shutdown",
    run: () =>
      withChaosStack({}, (world) =>
        underLoad(world, {
          name: "Postgres fast shutdown (3 s) under create load",
          async inject() {
            await world.postgres.stopFast();
            await Bun.sleep(OUTAGE_MS);
            await world.postgres.start();
          },
        }),
      ),
  },
  {
    name: "postgres-kill",
    run: () =>
      withChaosStack({}, (world) =>
        underLoad(world, {
          name: "Postgres kill -9 (3 s) under create load",
          async inject() {
            await world.postgres.kill();
            await Bun.sleep(OUTAGE_MS);
            await world.postgres.start();
          },
        }),
      ),
  },
];
