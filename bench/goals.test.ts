import { expect, test } from "bun:test";
import { evaluateGoals, type Goal, judge } from "./goals.ts";
import type { ScenarioName } from "./scenario-kinds.ts";
import {
  type FixedRateResult,
  type ScenarioResult,
  type SoakResult,
  summarize,
} from "./scenario-result.ts";
import { scenarios } from "./scenarios.ts";

// A run's results, reduced to what the goals read.

function closedLoop(
  name: ScenarioName,
  requestsPerSecond: number[],
  latency = { p50: 20, p90: 30, p99: 40 },
): ScenarioResult {
  const definition = scenarios.find((scenario) => scenario.name === name);
  if (definition === undefined) {
    throw new Error(`no scenario ${name}`);
  }
  const runs = requestsPerSecond.map((value) => ({
    requestsPerSecond: value,
    latencyMs: latency,
    errors: 0,
    errorDetail: null,
  }));
  return {
    name,
    kind: definition.kind,
    title: definition.title,
    description: "",
    latencyBaseline: null,
    runs,
    summary: summarize(runs),
    fixedRate: null,
    decay: null,
    soak: null,
    usage: null,
    failure: null,
    logs: {},
  };
}

function fixedRate(p50: number, p99: number, durationS = 30): FixedRateResult {
  return {
    requests: ["GET /api/me"],
    targetRate: 1000,
    durationS,
    scheduled: 1000 * durationS,
    succeeded: 1000 * durationS,
    achievedRate: 1000,
    latencyMs: { p50, p90: p50 * 2, p99, max: p99 * 3, mean: p50 },
    serviceTimeMs: { p50, p99 },
    maxSendLagMs: 1,
    errors: { status: 0, network: 0, timeout: 0, dropped: 0 },
    statuses: { "200": 1000 * durationS },
    byRequest: [],
    generatorCpuSeconds: 1,
  };
}

function soakOf(lastMb: Record<"gateway" | "identity" | "notes", number[]>): SoakResult {
  const byProcess: SoakResult["byProcess"] = {};
  for (const [role, samples] of Object.entries(lastMb) as ["gateway", number[]][]) {
    const last = samples.slice(-3);
    byProcess[role] = {
      lastMb: samples.at(-1) ?? 0,
      maxMb: Math.max(...samples),
      lastThreeRange: (Math.max(...last) - Math.min(...last)) / Math.min(...last),
    };
  }
  return { sampleEveryS: 30, samples: [], byProcess };
}

/** A run in which every goal is met. */
function goodRun(): ScenarioResult[] {
  return [
    closedLoop("pgbench", [20_000, 21_000, 22_000]),
    closedLoop("pgbench-insert", [3_000, 3_100, 3_200]),
    closedLoop("bun-hello", [40_000, 41_000, 42_000]),
    closedLoop("elysia-hello", [38_000, 39_000, 40_000]),
    closedLoop("one-hop", [4_000, 4_000, 4_000]),
    closedLoop("hello", [4_000, 4_100, 4_200]),
    closedLoop("me", [3_400, 3_500, 3_600]),
    closedLoop("me-metrics", [3_300, 3_400, 3_500]),
    closedLoop("me-serial", [1_500, 1_500, 1_500], { p50: 0.6, p90: 0.8, p99: 2 }),
    closedLoop("notes-list", [3_000, 3_050, 3_100]),
    closedLoop("notes-create", [1_900, 2_000, 2_100]),
    closedLoop("peer-me", [1_000, 1_100, 1_200]),
    closedLoop("peer-list", [1_400, 1_450, 1_500]),
    closedLoop("peer-create", [900, 950, 1_000]),
    {
      ...closedLoop("decay", [1_000, 990, 980]),
      decay: { windowS: 10, requestsPerSecond: [1_000, 990, 980], lastOverFirst: 0.98 },
    },
    { ...closedLoop("fixed-me", [1_000]), fixedRate: fixedRate(1.2, 4) },
    {
      ...closedLoop("soak", [1_000]),
      fixedRate: fixedRate(1.2, 4, 300),
      soak: soakOf({
        gateway: [60, 70, 71, 72],
        identity: [50, 60, 60, 60],
        notes: [50, 70, 71, 70],
      }),
    },
  ];
}

function replace(results: ScenarioResult[], changed: ScenarioResult): ScenarioResult[] {
  return results.map((result) => (result.name === changed.name ? changed : result));
}

interface Case {
  name: string;
  results: ScenarioResult[];
  goal: string;
  want: Pick<Goal, "value" | "result">;
}

const cases: Case[] = [
  {
    name: "me ÷ pgbench -S from the medians",
    results: goodRun(),
    goal: "GET /api/me ÷ pgbench -S",
    want: { value: 3_500 / 21_000, result: "pass" },
  },
  {
    name: "the stretch target is missed at 0.17",
    results: goodRun(),
    goal: "GET /api/me ÷ pgbench -S (stretch)",
    want: { value: 3_500 / 21_000, result: "miss" },
  },
  {
    name: "me ÷ one hop",
    results: goodRun(),
    goal: "GET /api/me ÷ one hop",
    want: { value: 3_500 / 4_000, result: "pass" },
  },
  {
    name: "me with metrics on ÷ off",
    results: goodRun(),
    goal: "GET /api/me, metrics on ÷ off",
    want: { value: 3_400 / 3_500, result: "pass" },
  },
  {
    name: "metrics costing more than 5%",
    results: replace(goodRun(), closedLoop("me-metrics", [3_200, 3_300, 3_310])),
    goal: "GET /api/me, metrics on ÷ off",
    want: { value: 3_300 / 3_500, result: "miss" },
  },
  {
    name: "create ÷ the insert baseline",
    results: goodRun(),
    goal: "POST /api/notes ÷ pgbench insert",
    want: { value: 2_000 / 3_100, result: "pass" },
  },
  {
    name: "a create below 60% of the insert baseline (issue 8's 40% is not enough now)",
    results: replace(goodRun(), closedLoop("notes-create", [1_700, 1_800, 1_900])),
    goal: "POST /api/notes ÷ pgbench insert",
    want: { value: 1_800 / 3_100, result: "miss" },
  },
  {
    name: "list ÷ the one-hop baseline",
    results: goodRun(),
    goal: "GET /api/notes (20) ÷ one hop",
    want: { value: 3_050 / 4_000, result: "pass" },
  },
  {
    name: "a list below 75% of one hop",
    results: replace(goodRun(), closedLoop("notes-list", [2_000, 2_900, 2_950])),
    goal: "GET /api/notes (20) ÷ one hop",
    want: { value: 2_900 / 4_000, result: "miss" },
  },
  {
    name: "me ÷ the gateway's /healthz",
    results: goodRun(),
    goal: "GET /api/me ÷ GET /healthz",
    want: { value: 3_500 / 4_100, result: "pass" },
  },
  {
    name: "me below 85% of /healthz",
    results: replace(goodRun(), closedLoop("hello", [4_500, 4_600, 4_700])),
    goal: "GET /api/me ÷ GET /healthz",
    want: { value: 3_500 / 4_600, result: "miss" },
  },
  {
    name: "elysia ÷ bun",
    results: goodRun(),
    goal: "Elysia hello ÷ Bun.serve hello",
    want: { value: 39_000 / 41_000, result: "pass" },
  },
  {
    name: "/api/me ÷ the NestJS peer from the medians",
    results: goodRun(),
    goal: "GET /api/me ÷ NestJS peer",
    want: { value: 3_500 / 1_100, result: "pass" },
  },
  {
    name: "/api/me under 3× the peer",
    results: replace(goodRun(), closedLoop("peer-me", [1_300, 1_400, 1_500])),
    goal: "GET /api/me ÷ NestJS peer",
    want: { value: 3_500 / 1_400, result: "miss" },
  },
  {
    name: "list ÷ the peer",
    results: goodRun(),
    goal: "GET /api/notes (20) ÷ NestJS peer",
    want: { value: 3_050 / 1_450, result: "pass" },
  },
  {
    name: "create ÷ the peer",
    results: goodRun(),
    goal: "POST /api/notes ÷ NestJS peer",
    want: { value: 2_000 / 950, result: "pass" },
  },
  {
    name: "create at 1.5× the peer",
    results: replace(goodRun(), closedLoop("peer-create", [1_300, 1_333, 1_400])),
    goal: "POST /api/notes ÷ NestJS peer",
    want: { value: 2_000 / 1_333, result: "miss" },
  },
  {
    name: "a peer that did not start",
    results: replace(goodRun(), { ...closedLoop("peer-list", []), failure: "did not start" }),
    goal: "GET /api/notes (20) ÷ NestJS peer",
    want: { value: null, result: "not measured" },
  },
  {
    name: "the decay ratio as measured",
    results: goodRun(),
    goal: "No decay",
    want: { value: 0.98, result: "pass" },
  },
  {
    name: "a run that decays",
    results: replace(goodRun(), {
      ...closedLoop("decay", [1_000, 800]),
      decay: { windowS: 10, requestsPerSecond: [1_000, 800], lastOverFirst: 0.8 },
    }),
    goal: "No decay",
    want: { value: 0.8, result: "miss" },
  },
  {
    name: "the fixed-rate p99",
    results: goodRun(),
    goal: "GET /api/me p99 at 1,000 req/s",
    want: { value: 4, result: "pass" },
  },
  {
    name: "the one-connection p50 from the median run",
    results: goodRun(),
    goal: "GET /api/me p50, one connection",
    want: { value: 0.6, result: "pass" },
  },
  {
    name: "a one-connection p99 above 3 ms",
    results: replace(goodRun(), closedLoop("me-serial", [1_500], { p50: 0.9, p90: 2, p99: 3.5 })),
    goal: "GET /api/me p99, one connection",
    want: { value: 3.5, result: "miss" },
  },
  {
    name: "no scenario with errors",
    results: goodRun(),
    goal: "Scenarios with errors",
    want: { value: 0, result: "pass" },
  },
  {
    name: "a scenario with errors",
    results: replace(goodRun(), { ...closedLoop("me", [3_500]), failure: "12 × 504" }),
    goal: "Scenarios with errors",
    want: { value: 1, result: "miss" },
  },
  {
    name: "the gateway's RSS at the end of the soak",
    results: goodRun(),
    goal: "gateway RSS after",
    want: { value: 72, result: "pass" },
  },
  {
    name: "a gateway still growing at the end of the soak",
    results: replace(goodRun(), {
      ...closedLoop("soak", [1_000]),
      soak: soakOf({ gateway: [50, 60, 70, 79], identity: [60], notes: [60] }),
    }),
    goal: "gateway RSS, last 3",
    want: { value: (19 / 60) * 100, result: "miss" },
  },
  {
    name: "a process at 80 MB after the soak (issue 24's bar; issue 8's was 100 MB)",
    results: replace(goodRun(), {
      ...closedLoop("soak", [1_000]),
      soak: soakOf({ gateway: [60, 70, 71, 72], identity: [60, 80, 80, 80], notes: [60] }),
    }),
    goal: "identity RSS after",
    want: { value: 80, result: "miss" },
  },
  {
    name: "a memory goal without a soak",
    results: goodRun().filter((result) => result.name !== "soak"),
    goal: "notes RSS after",
    want: { value: null, result: "not measured" },
  },
  {
    name: "a ratio whose baseline did not run",
    results: goodRun().filter((result) => result.name !== "pgbench"),
    goal: "GET /api/me ÷ pgbench -S",
    want: { value: null, result: "not measured" },
  },
  {
    name: "a ratio whose scenario failed before any load",
    results: replace(goodRun(), { ...closedLoop("me", []), failure: "answered 401" }),
    goal: "GET /api/me ÷ one hop",
    want: { value: null, result: "not measured" },
  },
];

test.each(cases)("$name", ({ results, goal, want }) => {
  const found = evaluateGoals(results).find((entry) => entry.goal.startsWith(goal));
  expect(found).toBeDefined();
  expect(found?.result).toBe(want.result);
  if (want.value === null) {
    expect(found?.value).toBeNull();
  } else {
    expect(found?.value).toBeCloseTo(want.value, 10);
  }
});

test.each([
  { value: 0.9, comparison: "≥", target: 0.9, want: "pass" },
  { value: 0.89, comparison: "≥", target: 0.9, want: "miss" },
  { value: 5, comparison: "≤", target: 5, want: "pass" },
  { value: 100, comparison: "<", target: 100, want: "miss" },
  { value: 99.9, comparison: "<", target: 100, want: "pass" },
  { value: Number.NaN, comparison: "≤", target: 5, want: "not measured" },
  { value: null, comparison: "≥", target: 0.9, want: "not measured" },
] as const)("judge $value $comparison $target: $want", ({ value, comparison, target, want }) => {
  expect(judge({ goal: "x", value, unit: "×", comparison, target })).toBe(want);
});
