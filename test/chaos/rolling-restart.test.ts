import { expect } from "bun:test";
import { eachScenario } from "./lib/chaos-test.ts";
import { failedRequests, survived, verdict } from "./lib/verdict.ts";
import { scenarios } from "./scenarios/rolling-restart.ts";

// Both notes replicas restarted in turn (SIGTERM, then started again) under load: not one
// request fails, and every acknowledged create is stored once.

eachScenario(scenarios, "$name: zero failed requests, nothing lost", async (scenario) => {
  const result = await scenario.run();
  expect({ ...verdict(result), failed: failedRequests(result) }).toEqual({
    ...survived,
    failed: 0,
  });
});
