// The kinds of scenario the bench knows and what each one needs; bench/scenarios.ts lists the
// scenarios themselves, in the order they run.

/** Processes whose memory and CPU the bench follows. */
export type ProcessRole =
  | "gateway"
  | "gateway-metrics"
  | "identity"
  | "notes"
  | "baseline"
  | "bun-hello"
  | "elysia-hello"
  | "peer-api"
  | "peer-identity"
  | "peer-notes";

/** The servers a closed-loop scenario can load; "peer" is the NestJS peer's API process. */
export type ServerName =
  | "gateway"
  | "gateway-metrics"
  | "baseline"
  | "bun-hello"
  | "elysia-hello"
  | "peer";

export type ScenarioName =
  | "pgbench"
  | "pgbench-insert"
  | "bun-hello"
  | "elysia-hello"
  | "hello"
  | "one-hop"
  | "me"
  | "me-metrics"
  | "me-serial"
  | "notes-list"
  | "notes-create"
  | "peer-me"
  | "peer-list"
  | "peer-create"
  | "decay"
  | "fixed-hello"
  | "fixed-me"
  | "soak";

/** The in-run baselines the closed-loop scenarios are divided by (a column each). */
export type BaselineName = "pgbench" | "pgbench-insert" | "hello" | "one-hop";

interface Common {
  name: ScenarioName;
  /** The row's label in the tables. */
  title: string;
  description: string;
  /** Whose RSS and CPU the row reports. */
  processes: ProcessRole[];
}

/** One HTTP request, as wrk sends it over and over. */
interface WrkRequest {
  target: ServerName;
  method: "GET" | "POST";
  path: string;
  /** Sends a seeded user's session cookie (rotating over all of them). */
  signedIn: boolean;
  body?: string;
  expectedStatus: number;
  /**
   * Run wrk with bench/wrk/requests.lua, which counts every status outside 2xx by code (3xx
   * included). Its per-response hook costs wrk CPU: off for the hello-world ceilings, whose
   * status is checked by the request before the load and by wrk's own count of 4xx/5xx.
   */
  countStatuses: boolean;
}

/** Closed loop: wrk with a fixed number of connections, as fast as the stack answers. */
export interface WrkScenario extends Common, WrkRequest {
  kind: "wrk";
  /** wrk's -t/-c when not the suite's (-t2 -c64): one connection for the unloaded latency. */
  connections?: { threads: number; connections: number };
  /**
   * "short": the suite's short runs (3 × 5 s), for numbers that settle fast (the hello-world
   * pair at tens of thousands of req/s, the one-connection latency); else 3 × 10 s.
   */
  runLength?: "short";
  /**
   * Scenarios run in turns with this one (run 1 of each, then run 2 of each...), for ratios
   * that are goals: on these VMs the machine's speed drifts within minutes, and two scenarios
   * measured one after the other mostly measured the drift. Every one of them that the run
   * includes joins the group, and so do theirs (`inTurnsGroup`).
   */
  inTurnsWith?: ScenarioName | readonly ScenarioName[];
}

/** The closed loop held for the whole decay run, as back-to-back windows (wrk runs). */
export interface DecayScenario extends Common, WrkRequest {
  kind: "decay";
}

export interface PgbenchScenario extends Common {
  kind: "pgbench";
  /** pgbench's built-in select-only script, or bench/pgbench/insert-note.sql. */
  script: "select-only" | "insert-note";
}

/** One request of the open-loop generator's rotation, on the gateway. */
export interface GatewayRequest {
  method: "GET" | "POST";
  path: string;
  body?: string;
  expectedStatus: number;
}

/** Open loop: requests at a fixed rate from bench/fixed-rate.ts in its own process. */
export interface FixedRateScenario extends Common {
  kind: "fixed-rate";
  path: string;
  signedIn: boolean;
  /** The fixed-rate scenario whose latencies this one is divided by. */
  baseline?: ScenarioName;
}

/**
 * The fixed rate held for minutes over a rotation of signed-in requests, on fresh processes,
 * sampling their RSS: the memory goal.
 */
export interface SoakScenario extends Common {
  kind: "soak";
  requests: GatewayRequest[];
}

export type Scenario =
  | WrkScenario
  | DecayScenario
  | PgbenchScenario
  | FixedRateScenario
  | SoakScenario;

/** Whether the scenario needs identity, notes and the gateway (started and seeded). */
export function needsStack(scenario: Scenario): boolean {
  switch (scenario.kind) {
    case "pgbench":
      return false;
    case "wrk":
      // The NestJS peer reads and writes the databases the stack migrated and the bench seeded.
      return (
        scenario.target === "gateway" ||
        scenario.target === "gateway-metrics" ||
        scenario.target === "baseline" ||
        scenario.target === "peer"
      );
    default:
      return true;
  }
}

/** Open loop (bench/fixed-rate.ts at a fixed rate) rather than closed (wrk, pgbench). */
export function isOpenLoop(kind: Scenario["kind"]): boolean {
  return kind === "fixed-rate" || kind === "soak";
}

/**
 * The selected closed-loop scenarios run in turns with `scenario`: every one joined to it through
 * `inTurnsWith`, either way and through each other (a route, its baseline and its peer), in the
 * order of the selection; null when it runs alone. The run measures the whole group when it
 * reaches the first of them.
 */
export function inTurnsGroup(scenario: Scenario, selected: Scenario[]): WrkScenario[] | null {
  const wrk = selected.filter((candidate): candidate is WrkScenario => candidate.kind === "wrk");
  if (!wrk.includes(scenario as WrkScenario)) {
    return null;
  }
  const partners = (one: WrkScenario): ScenarioName[] =>
    ([] as ScenarioName[]).concat(one.inTurnsWith ?? []);
  const group = new Set<WrkScenario>([scenario as WrkScenario]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const candidate of wrk) {
      const joined = [...group].some(
        (member) =>
          partners(member).includes(candidate.name) || partners(candidate).includes(member.name),
      );
      if (joined && !group.has(candidate)) {
        group.add(candidate);
        grew = true;
      }
    }
  }
  return group.size === 1 ? null : wrk.filter((candidate) => group.has(candidate));
}
