import { expect } from "bun:test";
import { eachScenario } from "./lib/chaos-test.ts";
import { survived, verdict } from "./lib/verdict.ts";
import { scenarios } from "./scenarios/service-kill.ts";

// notes killed with SIGKILL under load and started again: 503s while it is down, nothing
// acknowledged lost, and the gateway reaches it again on its own.

eachScenario(scenarios, "$name: nothing acknowledged lost, no 500, recovered", async (scenario) => {
  expect(verdict(await scenario.run())).toEqual(survived);
});
