import { withChaosStack } from "../lib/chaos-stack.ts";
import { underLoad } from "../lib/under-load.ts";
import type { Scenario } from "../scenario.ts";

// The notes process killed with SIGKILL under load (no drain, calls cut mid-flight), down for a
// while, then started again on the same port and database, as a supervisor would.

const DOWN_MS = 2_000;

export const scenarios: Scenario[] = [
  {
    name: "notes-sigkill",
    run: () =>
      withChaosStack({}, (world) =>
        underLoad(world, {
          name: "notes SIGKILL (2 s down), then started again",
          async inject() {
            const notes = world.stack.processes.notes;
            notes.signal("SIGKILL");
            await notes.exitCode();
            await Bun.sleep(DOWN_MS);
            await notes.start();
          },
        }),
      ),
  },
];
