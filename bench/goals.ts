import type { ProcessRole, ScenarioName } from "./scenario-kinds.ts";
import type { ScenarioResult } from "./scenario-result.ts";

// The goals of issues 8 and 24, each read from this run's results: measured value, target, and
// whether it was met. A missed goal is reported, never an error (the bench exits 1 only on errors).
// Where issue 24 raised one of issue 8's bars (create ÷ insert, RSS), only the new one is kept.

export interface Goal {
  goal: string;
  /** null when the run did not measure it (scenario not selected, or no numbers). */
  value: number | null;
  unit: "×" | "ms" | "MB" | "%" | "scenarios";
  comparison: "≥" | "≤" | "<";
  target: number;
  result: "pass" | "miss" | "not measured";
}

type GoalSpec = Omit<Goal, "result">;

/** Memory is judged on the services and the gateway, not on the bench's own servers. */
const SOAKED: readonly ProcessRole[] = ["gateway", "identity", "notes"];

export function evaluateGoals(scenarios: readonly ScenarioResult[]): Goal[] {
  const readings = readingsOf(scenarios);
  const specs: GoalSpec[] = [
    decayGoal(readings.measured("decay")?.decay ?? null),
    ...apiMeGoals(readings),
    ...notesGoals(readings),
    {
      goal: `Scenarios with errors (of ${scenarios.length} run)`,
      value: scenarios.length === 0 ? null : scenarios.filter((s) => s.failure !== null).length,
      unit: "scenarios",
      comparison: "≤",
      target: 0,
    },
    {
      goal: "Elysia hello ÷ Bun.serve hello",
      value: readings.ratio("elysia-hello", "bun-hello"),
      ...atLeast(0.9),
    },
    ...peerGoals(readings),
    ...soakGoals(readings.measured("soak")),
  ];
  return specs.map((spec) => ({ ...spec, result: judge(spec) }));
}

/** What the goals read from the run: a scenario that has numbers, and one's req/s over another's. */
interface Readings {
  measured(name: ScenarioName): ScenarioResult | null;
  ratio(of: ScenarioName, to: ScenarioName): number | null;
}

function readingsOf(scenarios: readonly ScenarioResult[]): Readings {
  const byName = new Map(scenarios.map((scenario) => [scenario.name, scenario]));
  const measured = (name: ScenarioName): ScenarioResult | null => {
    const scenario = byName.get(name);
    return scenario === undefined || scenario.runs.length === 0 ? null : scenario;
  };
  const throughput = (name: ScenarioName): number | null =>
    measured(name)?.summary.requestsPerSecond.median ?? null;
  const ratio = (of: ScenarioName, to: ScenarioName): number | null => {
    const top = throughput(of);
    const bottom = throughput(to);
    return top === null || bottom === null || bottom <= 0 ? null : top / bottom;
  };
  return { measured, ratio };
}

function decayGoal(decay: ScenarioResult["decay"]): GoalSpec {
  return {
    goal:
      decay === null
        ? "No decay: GET /api/notes (20) saturated, last window ÷ first"
        : `No decay: GET /api/notes (20) saturated ${decay.requestsPerSecond.length} × ` +
          `${decay.windowS} s, last window ÷ first`,
    value: decay?.lastOverFirst ?? null,
    unit: "×",
    comparison: "≥",
    target: 0.9,
  };
}

/** GET /api/me against its baselines, and its latency at the fixed rate and on one connection. */
function apiMeGoals({ measured, ratio }: Readings): GoalSpec[] {
  const fixedMe = measured("fixed-me")?.fixedRate ?? null;
  const serial = measured("me-serial")?.summary ?? null;
  const fixedRateText = fixedMe === null ? "the fixed rate" : `${rate(fixedMe.targetRate)} req/s`;
  return [
    { goal: "GET /api/me ÷ pgbench -S", value: ratio("me", "pgbench"), ...atLeast(0.15) },
    {
      goal: "GET /api/me ÷ pgbench -S (stretch)",
      value: ratio("me", "pgbench"),
      ...atLeast(0.2),
    },
    { goal: "GET /api/me ÷ one hop", value: ratio("me", "one-hop"), ...atLeast(0.75) },
    { goal: "GET /api/me ÷ GET /healthz", value: ratio("me", "hello"), ...atLeast(0.85) },
    {
      goal: "GET /api/me, metrics on ÷ off",
      value: ratio("me-metrics", "me"),
      ...atLeast(0.95),
    },
    {
      goal: `GET /api/me p50 at ${fixedRateText}`,
      value: fixedMe?.latencyMs.p50 ?? null,
      ...atMostMs(1.5),
    },
    {
      goal: `GET /api/me p99 at ${fixedRateText}`,
      value: fixedMe?.latencyMs.p99 ?? null,
      ...atMostMs(5),
    },
    {
      goal: "GET /api/me p50, one connection",
      value: serial?.p50?.median ?? null,
      ...atMostMs(1),
    },
    {
      goal: "GET /api/me p99, one connection",
      value: serial?.p99?.median ?? null,
      ...atMostMs(3),
    },
  ];
}

/** The two note routes against the floor of what they do: one bare hop, one INSERT. */
function notesGoals({ ratio }: Readings): GoalSpec[] {
  return [
    {
      goal: "GET /api/notes (20) ÷ one hop",
      value: ratio("notes-list", "one-hop"),
      ...atLeast(0.75),
    },
    {
      goal: "POST /api/notes ÷ pgbench insert",
      value: ratio("notes-create", "pgbench-insert"),
      ...atLeast(0.6),
    },
  ];
}

/**
 * Trellis against the NestJS peer (bench/peers/nestjs) on the same routes, in the same run:
 * issue 24's targets, req/s ÷ req/s.
 */
function peerGoals({ ratio }: Readings): GoalSpec[] {
  return [
    { goal: "GET /api/me ÷ NestJS peer", value: ratio("me", "peer-me"), ...atLeast(3) },
    {
      goal: "GET /api/notes (20) ÷ NestJS peer",
      value: ratio("notes-list", "peer-list"),
      ...atLeast(2),
    },
    {
      goal: "POST /api/notes ÷ NestJS peer",
      value: ratio("notes-create", "peer-create"),
      ...atLeast(2),
    },
  ];
}

/** Each soaked process's memory after the soak, and whether it was still growing. */
function soakGoals(soak: ScenarioResult | null): GoalSpec[] {
  const soakText =
    soak?.fixedRate === null || soak?.fixedRate === undefined
      ? "the soak"
      : `the soak (${soak.fixedRate.durationS} s at ${rate(soak.fixedRate.targetRate)} req/s)`;
  return SOAKED.flatMap((role): GoalSpec[] => {
    const memory = soak?.soak?.byProcess[role];
    return [
      {
        goal: `${role} RSS after ${soakText}`,
        value: memory?.lastMb ?? null,
        unit: "MB",
        comparison: "<",
        target: 80,
      },
      {
        goal: `${role} RSS, last 3 samples of the soak: (max - min) ÷ min`,
        value: memory === undefined ? null : memory.lastThreeRange * 100,
        unit: "%",
        comparison: "≤",
        target: 5,
      },
    ];
  });
}

export function judge(spec: GoalSpec): Goal["result"] {
  const { value, target } = spec;
  if (value === null || !Number.isFinite(value)) {
    return "not measured";
  }
  const met =
    spec.comparison === "≥"
      ? value >= target
      : spec.comparison === "≤"
        ? value <= target
        : value < target;
  return met ? "pass" : "miss";
}

function atLeast(target: number): Pick<GoalSpec, "unit" | "comparison" | "target"> {
  return { unit: "×", comparison: "≥", target };
}

function atMostMs(target: number): Pick<GoalSpec, "unit" | "comparison" | "target"> {
  return { unit: "ms", comparison: "≤", target };
}

function rate(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}
