import { expect, test } from "bun:test";
import { inTurnsPair, type ScenarioName } from "./scenario-kinds.ts";
import { scenarios } from "./scenarios.ts";

function selected(names: ScenarioName[]) {
  return scenarios.filter((scenario) => names.includes(scenario.name));
}

const cases: { only: ScenarioName[]; from: ScenarioName; want: ScenarioName[] | null }[] = [
  { only: ["bun-hello", "elysia-hello"], from: "bun-hello", want: ["bun-hello", "elysia-hello"] },
  { only: ["bun-hello", "elysia-hello", "me"], from: "elysia-hello", want: null },
  { only: ["bun-hello"], from: "bun-hello", want: null },
  { only: ["me", "notes-create"], from: "me", want: null },
  { only: ["me", "me-metrics"], from: "me", want: ["me", "me-metrics"] },
  { only: ["me-metrics"], from: "me-metrics", want: null },
];

test.each(cases)("selected $only: $from runs in turns with $want", ({ only, from, want }) => {
  const chosen = selected(only);
  const scenario = chosen.find((candidate) => candidate.name === from);
  if (scenario === undefined) {
    throw new Error(`${from} is not a scenario`);
  }
  const pair = inTurnsPair(scenario, chosen);
  expect(pair === null ? null : pair.map((paired) => paired.name)).toEqual(want);
});
