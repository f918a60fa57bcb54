// What the bench measures, in the order it runs them: the baselines first, then the gateway's
// routes, then the fixed-rate pair. Every process stays up for the whole run, so the order is
// part of the method (a process that slows down as it ages shows up in the later scenarios).

/** Processes whose memory and CPU the bench follows. */
export type ProcessRole = "gateway" | "identity" | "notes" | "baseline";

export type ScenarioName =
  | "pgbench"
  | "hello"
  | "one-hop"
  | "me"
  | "notes-list"
  | "notes-create"
  | "fixed-hello"
  | "fixed-me";

/** The three in-run baselines the closed-loop scenarios are divided by. */
export type BaselineName = "pgbench" | "hello" | "one-hop";
export const baselineNames: readonly BaselineName[] = ["pgbench", "hello", "one-hop"];

interface Common {
  name: ScenarioName;
  /** The row's label in the tables. */
  title: string;
  description: string;
  /** Whose RSS and CPU the row reports. */
  processes: ProcessRole[];
}

/** Closed loop: wrk with a fixed number of connections, as fast as the stack answers. */
export interface WrkScenario extends Common {
  kind: "wrk";
  target: "gateway" | "baseline";
  method: "GET" | "POST";
  path: string;
  /** Sends a seeded user's session cookie (rotating over all of them). */
  signedIn: boolean;
  body?: string;
  expectedStatus: number;
  /**
   * Run wrk with bench/wrk/requests.lua, which counts every status outside 2xx by code (3xx
   * included). Its per-response hook costs wrk CPU: off for the hello-world ceiling, whose
   * status is checked by the request before the load and by wrk's own count of 4xx/5xx.
   */
  countStatuses: boolean;
}

export interface PgbenchScenario extends Common {
  kind: "pgbench";
}

/** Open loop: requests at a fixed rate from bench/fixed-rate.ts in its own process. */
export interface FixedRateScenario extends Common {
  kind: "fixed-rate";
  path: string;
  signedIn: boolean;
  /** The fixed-rate scenario whose latencies this one is divided by. */
  baseline?: ScenarioName;
}

export type Scenario = WrkScenario | PgbenchScenario | FixedRateScenario;

export const scenarios: readonly Scenario[] = [
  {
    name: "pgbench",
    kind: "pgbench",
    title: "pgbench -S (baseline)",
    description:
      "pgbench's select-only script (one primary-key read per transaction) against a scratch " +
      "database of the same Postgres, 16 clients, 2 threads: what the database alone serves.",
    processes: [],
  },
  {
    name: "hello",
    kind: "wrk",
    title: "GET /healthz (baseline)",
    description:
      "The gateway's hello-world route: its whole middleware chain (request id, log, guards) " +
      "and a constant JSON body, no gRPC call.",
    processes: ["gateway"],
    target: "gateway",
    method: "GET",
    path: "/healthz",
    signedIn: false,
    expectedStatus: 200,
    countStatuses: false,
  },
  {
    name: "one-hop",
    kind: "wrk",
    title: "one hop (baseline)",
    description:
      "bench/baseline-server.ts: a bare Elysia route making one gRPC call (notes.GetNote, a " +
      "primary-key read) through the kit's client, no session check or middleware.",
    processes: ["baseline", "notes"],
    target: "baseline",
    method: "GET",
    path: "/one-hop",
    signedIn: false,
    expectedStatus: 200,
    countStatuses: true,
  },
  {
    name: "me",
    kind: "wrk",
    title: "GET /api/me",
    description:
      "The signed-in user: one gRPC hop (identity.ValidateSession returns the user; one " +
      "session-join-user read), cookies rotating over every seeded user.",
    processes: ["gateway", "identity"],
    target: "gateway",
    method: "GET",
    path: "/api/me",
    signedIn: true,
    expectedStatus: 200,
    countStatuses: true,
  },
  {
    name: "notes-list",
    kind: "wrk",
    title: "GET /api/notes (20)",
    description:
      "A page of 20 notes: two hops (ValidateSession, then notes.ListNotes, an index range " +
      "read) and 20 notes of JSON.",
    processes: ["gateway", "identity", "notes"],
    target: "gateway",
    method: "GET",
    path: "/api/notes?page_size=20",
    signedIn: true,
    expectedStatus: 200,
    countStatuses: true,
  },
  {
    name: "notes-create",
    kind: "wrk",
    title: "POST /api/notes",
    description:
      "Create a note: CSRF and content-type checks, JSON body validation, two hops " +
      "(ValidateSession, notes.CreateNote: one INSERT, a commit per request).",
    processes: ["gateway", "identity", "notes"],
    target: "gateway",
    method: "POST",
    path: "/api/notes",
    signedIn: true,
    body: JSON.stringify({ title: "bench note", body: "written by bench/run.ts" }),
    expectedStatus: 201,
    countStatuses: true,
  },
  {
    name: "fixed-hello",
    kind: "fixed-rate",
    title: "fixed rate GET /healthz (baseline)",
    description:
      "The fixed rate against the hello-world route: the latency floor of the generator " +
      "(its timer wakes about every millisecond), HTTP and the gateway's middleware.",
    processes: ["gateway"],
    path: "/healthz",
    signedIn: false,
  },
  {
    name: "fixed-me",
    kind: "fixed-rate",
    title: "fixed rate GET /api/me",
    description:
      "GET /api/me at a rate well below saturation: the latency a user sees when the stack " +
      "is not overloaded.",
    processes: ["gateway", "identity"],
    path: "/api/me",
    signedIn: true,
    baseline: "fixed-hello",
  },
];

export const scenarioNames: readonly ScenarioName[] = scenarios.map((scenario) => scenario.name);
