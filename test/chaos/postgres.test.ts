import { expect } from "bun:test";
import { eachScenario } from "./lib/chaos-test.ts";
import { survived, verdict } from "./lib/verdict.ts";
import { scenarios } from "./scenarios/postgres.ts";

// Postgres stopped (fast shutdown) and killed (-9) under create load, then started again: every
// create answered 201 is stored exactly once, the outage is answered 503/504 (never 500, never
// a hang), and the services serve again without being restarted.

eachScenario(scenarios, "$name: nothing acknowledged lost, no 500, recovered", async (scenario) => {
  expect(verdict(await scenario.run())).toEqual(survived);
});
