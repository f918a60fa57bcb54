import { expect, test } from "bun:test";
import { inTurnsGroup, type ScenarioName } from "./scenario-kinds.ts";
import { scenarios } from "./scenarios.ts";

function selected(names: ScenarioName[]) {
  return scenarios.filter((scenario) => names.includes(scenario.name));
}

const cases: { only: ScenarioName[]; from: ScenarioName; want: ScenarioName[] | null }[] = [
  { only: ["bun-hello", "elysia-hello"], from: "bun-hello", want: ["bun-hello", "elysia-hello"] },
  {
    only: ["bun-hello", "elysia-hello"],
    from: "elysia-hello",
    want: ["bun-hello", "elysia-hello"],
  },
  { only: ["bun-hello", "elysia-hello", "me"], from: "me", want: null },
  { only: ["bun-hello"], from: "bun-hello", want: null },
  { only: ["me", "notes-create"], from: "me", want: null },
  { only: ["me", "me-metrics"], from: "me", want: ["me", "me-metrics"] },
  { only: ["me-metrics"], from: "me-metrics", want: null },
  // A ratio's baseline named by the route joins it, whichever of them the run reaches first.
  { only: ["hello", "me"], from: "hello", want: ["hello", "me"] },
  {
    only: ["hello", "me", "me-metrics", "peer-me"],
    from: "peer-me",
    want: ["hello", "me", "me-metrics", "peer-me"],
  },
  {
    only: ["one-hop", "notes-list", "peer-list"],
    from: "one-hop",
    want: ["one-hop", "notes-list", "peer-list"],
  },
  { only: ["one-hop", "peer-list"], from: "one-hop", want: null },
  // Not a closed loop run by wrk: the decay run is never in turns.
  { only: ["notes-list", "decay"], from: "decay", want: null },
  {
    only: ["notes-create", "peer-create", "pgbench-insert"],
    from: "notes-create",
    want: ["notes-create", "peer-create"],
  },
];

test.each(cases)("selected $only: $from runs in turns with $want", ({ only, from, want }) => {
  const chosen = selected(only);
  const scenario = chosen.find((candidate) => candidate.name === from);
  if (scenario === undefined) {
    throw new Error(`${from} is not a scenario`);
  }
  const group = inTurnsGroup(scenario, chosen);
  expect(group === null ? null : group.map((member) => member.name)).toEqual(want);
});
