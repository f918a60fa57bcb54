// What the bench measures, in the order it runs them: the baselines first, then the gateway's
// routes, the decay run, the fixed-rate pair and the soak. Every process stays up for the whole
// run (the soak alone gets fresh ones), so the order is part of the method: a process that slows
// down as it ages shows up in the later scenarios.

import type { BaselineName, GatewayRequest, Scenario, ScenarioName } from "./scenario-kinds.ts";

/** The in-run baselines the closed-loop scenarios are divided by (a column each). */
export const baselineNames: readonly BaselineName[] = [
  "pgbench",
  "pgbench-insert",
  "hello",
  "one-hop",
];

const NOTE_BODY = JSON.stringify({ title: "bench note", body: "written by bench/run.ts" });

const ME: GatewayRequest = { method: "GET", path: "/api/me", expectedStatus: 200 };

/**
 * The soak's rotation: eight GET /api/me (the fixed-rate goal's route), one page of notes and
 * one new note in ten, so that notes works too. At 1,000 req/s that is 100 list and 100 create
 * a second: well under what the stack saturates at (an even mix at 1,000 req/s is close to the
 * gateway's one core on 2 cores, and a saturated soak says nothing about memory at a rate).
 */
const SOAK_ROTATION: GatewayRequest[] = [
  ME,
  ME,
  ME,
  ME,
  { method: "GET", path: "/api/notes?page_size=20", expectedStatus: 200 },
  ME,
  ME,
  ME,
  ME,
  { method: "POST", path: "/api/notes", body: NOTE_BODY, expectedStatus: 201 },
];

export const scenarios: readonly Scenario[] = [
  {
    name: "pgbench",
    kind: "pgbench",
    script: "select-only",
    title: "pgbench -S (baseline)",
    description:
      "pgbench's select-only script (one primary-key read per transaction) against a scratch " +
      "database of the same Postgres, 16 clients, 2 threads: what the database alone serves.",
    processes: [],
  },
  {
    name: "pgbench-insert",
    kind: "pgbench",
    script: "insert-note",
    title: "pgbench insert (baseline)",
    description:
      "bench/pgbench/insert-note.sql: one single-row INSERT (and its commit) per transaction " +
      "into a table shaped like notes' (same columns, constraints and indexes), 16 clients, " +
      "2 threads: what the database alone writes.",
    processes: [],
  },
  {
    name: "bun-hello",
    kind: "wrk",
    runLength: "short",
    title: "Bun.serve hello (baseline)",
    description:
      "bench/hello-server.ts with HELLO_SERVER=bun: a bare Bun.serve answering a constant JSON " +
      "body, the ceiling of any HTTP server on this runtime and machine.",
    processes: ["bun-hello"],
    target: "bun-hello",
    inTurnsWith: "elysia-hello",
    method: "GET",
    path: "/healthz",
    signedIn: false,
    expectedStatus: 200,
    countStatuses: false,
  },
  {
    name: "elysia-hello",
    kind: "wrk",
    runLength: "short",
    title: "Elysia hello (baseline)",
    description:
      "bench/hello-server.ts with HELLO_SERVER=elysia: a bare Elysia app (no plugin, no hook) " +
      "answering the same constant JSON: what the framework costs over Bun.serve.",
    processes: ["elysia-hello"],
    target: "elysia-hello",
    method: "GET",
    path: "/healthz",
    signedIn: false,
    expectedStatus: 200,
    countStatuses: false,
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
    // Its ratios to these are goals: all of them in turns, so a drift falls on every side.
    inTurnsWith: ["hello", "me-metrics", "peer-me"],
    method: "GET",
    path: "/api/me",
    signedIn: true,
    expectedStatus: 200,
    countStatuses: true,
  },
  {
    name: "me-metrics",
    kind: "wrk",
    title: "GET /api/me, metrics on",
    description:
      "GET /api/me on a second gateway, the same but for OpenTelemetry metrics, which it " +
      "exports every 10 s to a sink on loopback (traces stay off): in turns with GET /api/me, " +
      "whose ratio to it is what metrics cost.",
    processes: ["gateway-metrics", "identity"],
    target: "gateway-metrics",
    method: "GET",
    path: "/api/me",
    signedIn: true,
    expectedStatus: 200,
    countStatuses: true,
  },
  {
    name: "me-serial",
    kind: "wrk",
    runLength: "short",
    connections: { threads: 1, connections: 1 },
    title: "GET /api/me, 1 connection",
    description:
      "GET /api/me from one connection (wrk -t1 -c1), each request sent when the last one " +
      "answered: the latency of an unloaded stack.",
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
    // In turns with its baseline and its peer: both ratios are goals.
    inTurnsWith: ["one-hop", "peer-list"],
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
    inTurnsWith: "peer-create",
    method: "POST",
    path: "/api/notes",
    signedIn: true,
    body: NOTE_BODY,
    expectedStatus: 201,
    countStatuses: true,
  },
  {
    name: "peer-me",
    kind: "wrk",
    title: "NestJS peer GET /api/me",
    description:
      "bench/peers/nestjs: the same route on NestJS (Fastify adapter) on Node, its session " +
      "checked on every request by its identity microservice over gRPC (no cache), one " +
      "session-join-user read through node-postgres.",
    processes: ["peer-api", "peer-identity"],
    target: "peer",
    method: "GET",
    path: "/api/me",
    signedIn: true,
    expectedStatus: 200,
    countStatuses: true,
  },
  {
    name: "peer-list",
    kind: "wrk",
    title: "NestJS peer GET /api/notes (20)",
    description:
      "The peer's page of 20 notes: ValidateSession, then its notes microservice's ListNotes " +
      "(the same index range read), 20 notes of JSON.",
    processes: ["peer-api", "peer-identity", "peer-notes"],
    target: "peer",
    method: "GET",
    path: "/api/notes?page_size=20",
    signedIn: true,
    expectedStatus: 200,
    countStatuses: true,
  },
  {
    name: "peer-create",
    kind: "wrk",
    title: "NestJS peer POST /api/notes",
    description:
      "The peer's create: origin and content-type guard, ValidationPipe (class-validator), " +
      "ValidateSession, then CreateNote (one INSERT, a commit per request).",
    processes: ["peer-api", "peer-identity", "peer-notes"],
    target: "peer",
    method: "POST",
    path: "/api/notes",
    signedIn: true,
    body: NOTE_BODY,
    expectedStatus: 201,
    countStatuses: true,
  },
  {
    name: "decay",
    kind: "decay",
    title: "decay: GET /api/notes (20)",
    description:
      "GET /api/notes?page_size=20 saturated (wrk -t2 -c64) for a minute as back-to-back " +
      "10 s windows after the warm-up: the route with the most work per request (two hops, a " +
      "read, 20 notes of JSON), whose last window should deliver at least 90% of its first.",
    processes: ["gateway", "identity", "notes"],
    target: "gateway",
    method: "GET",
    path: "/api/notes?page_size=20",
    signedIn: true,
    expectedStatus: 200,
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
  {
    name: "soak",
    kind: "soak",
    title: "soak: me ×8 / list / create",
    description:
      "GET /api/me, with GET /api/notes?page_size=20 and POST /api/notes once in ten requests " +
      "each, at the fixed rate for minutes, on freshly started processes, with every process's " +
      "RSS sampled at a fixed interval: their memory after a long unsaturated run, and whether " +
      "it still grows.",
    processes: ["gateway", "identity", "notes"],
    requests: SOAK_ROTATION,
  },
];

export const scenarioNames: readonly ScenarioName[] = scenarios.map((scenario) => scenario.name);

/**
 * Whether a baseline's column means anything for the scenario: the insert baseline only for
 * the routes that write (and itself); the others for every closed-loop scenario.
 */
export function comparesTo(name: ScenarioName, baseline: BaselineName): boolean {
  if (baseline !== "pgbench-insert" || name === "pgbench-insert") {
    return true;
  }
  const scenario = scenarios.find((entry) => entry.name === name);
  return scenario !== undefined && "method" in scenario && scenario.method === "POST";
}
