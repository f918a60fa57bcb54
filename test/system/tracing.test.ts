import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { approveSignIn } from "@trellis/gateway/fake-provider/sign-in";
import {
  describeSpans,
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
} from "@trellis/testing";
import { type Browser, createBrowser } from "./support/browser.ts";
import { decodeLoginCookie } from "./support/login-cookie.ts";
import { type Stack, startStack } from "./support/stack.ts";

// The real stack exporting over OTLP/HTTP to a receiver in this process: one browser request is
// one trace, from the gateway's SERVER span through its gRPC CLIENT spans to each service's
// SERVER span and its SQL, and no span holds a credential or a note's text.

setDefaultTimeout(30_000);

const IDENTITY = "trellis.identity.v1.IdentityService";
const NOTES = "trellis.notes.v1.NotesService";

let receiver: OtlpReceiver;
let stack: Stack;
let browser: Browser;
/** name -> value of every secret the tests saw go by. */
const secrets = new Map<string, string>();

function keep(name: string, value: string | null | undefined): void {
  if (value !== null && value !== undefined && value !== "") {
    secrets.set(name, value);
  }
}

beforeAll(async () => {
  receiver = startOtlpReceiver();
  stack = await startStack({
    env: {
      OTEL_SDK_DISABLED: "false",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json",
      OTEL_BSP_SCHEDULE_DELAY: "100",
      // Traces alone: in JSON, metrics would be kept by the receiver if they came.
      OTEL_METRICS_EXPORTER: "none",
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "http/json",
      OTEL_METRIC_EXPORT_INTERVAL: "100",
    },
  });
  browser = createBrowser(stack.gatewayUrl);
  // Signing in by hand, to keep every credential the flow shows.
  const { authorizeUrl } = await browser.startLogin("dev");
  const loginCookie = browser.jar.get("login") ?? "";
  const pending = decodeLoginCookie(loginCookie);
  keep("login cookie", loginCookie);
  keep("OAuth state", pending.state);
  keep("PKCE verifier", pending.verifier);
  keep("OIDC nonce", pending.nonce);
  const callbackUrl = await approveSignIn(authorizeUrl, { id: "tracer" });
  keep("OAuth code", new URL(callbackUrl).searchParams.get("code"));
  expect((await browser.api(callbackUrl, { origin: null })).status).toBe(302);
  const token = browser.jar.get("session") ?? "";
  keep("session token", token);
  keep("session secret", token.split(".")[1]);
  keep("cookie header", browser.jar.header());
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  receiver?.stop();
});

/** The one span matching `where`; fails listing what there is otherwise. */
function one(
  spans: ReceivedSpan[],
  what: string,
  where: (span: ReceivedSpan) => boolean,
): ReceivedSpan {
  const found = spans.filter(where);
  if (found.length !== 1) {
    throw new Error(`expected one ${what}, found ${found.length} among:\n${describeSpans(spans)}`);
  }
  return found[0] as ReceivedSpan;
}

const isRequest = (name: string) => (span: ReceivedSpan) =>
  span.service === "gateway" && span.kind === "SERVER" && span.name === name;

/** The JSON log lines `service` wrote, parsed. */
function logLinesOf(service: string): Record<string, unknown>[] {
  return stack
    .logLines()
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.service === service);
}

describe("POST /api/notes", () => {
  let spans: ReceivedSpan[];
  let requestId: string;
  const title = `traced title ${crypto.randomUUID()}`;
  const body = `traced body ${crypto.randomUUID()}`;

  beforeAll(async () => {
    keep("note title", title);
    keep("note body", body);
    const response = await browser.api("/api/notes", { method: "POST", json: { title, body } });
    expect(response.status).toBe(201);
    requestId = response.headers.get("x-request-id") ?? "";
    spans = await receiver.waitFor(
      (all) =>
        all.some(isRequest("POST /api/notes")) &&
        all.some(
          (span) => span.service === "notes" && span.attributes["db.operation.name"] === "INSERT",
        ),
    );
  });

  test("is one trace: gateway SERVER -> CLIENT -> identity SERVER, and CLIENT -> notes SERVER -> INSERT", () => {
    const root = one(spans, "POST /api/notes server span", isRequest("POST /api/notes"));
    const trace = spans.filter((span) => span.traceId === root.traceId);
    const childOf = (parent: ReceivedSpan, what: string, where: (span: ReceivedSpan) => boolean) =>
      one(trace, what, (span) => span.parentSpanId === parent.spanId && where(span));

    const toIdentity = childOf(
      root,
      "client span to identity",
      (span) =>
        span.service === "gateway" &&
        span.kind === "CLIENT" &&
        span.name === `${IDENTITY}/ValidateSession`,
    );
    const identity = childOf(
      toIdentity,
      "identity server span",
      (span) =>
        span.service === "identity" &&
        span.kind === "SERVER" &&
        span.name === `${IDENTITY}/ValidateSession`,
    );
    const toNotes = childOf(
      root,
      "client span to notes",
      (span) =>
        span.service === "gateway" && span.kind === "CLIENT" && span.name === `${NOTES}/CreateNote`,
    );
    const notes = childOf(
      toNotes,
      "notes server span",
      (span) =>
        span.service === "notes" && span.kind === "SERVER" && span.name === `${NOTES}/CreateNote`,
    );
    const insert = childOf(
      notes,
      "INSERT span",
      (span) =>
        span.service === "notes" &&
        span.kind === "CLIENT" &&
        span.attributes["db.operation.name"] === "INSERT",
    );

    expect(root.parentSpanId).toBe("");
    expect(new Set(trace.map((span) => span.service))).toEqual(
      new Set(["gateway", "identity", "notes"]),
    );
    // Nothing dangles: every span of the trace hangs from another one of it, up to the root.
    const ids = new Set(trace.map((span) => span.spanId));
    expect(trace.filter((span) => span !== root && !ids.has(span.parentSpanId))).toEqual([]);
    expect(root).toMatchObject({
      statusCode: 0,
      attributes: {
        "http.request.method": "POST",
        "http.route": "/api/notes",
        "http.response.status_code": 201,
        "url.path": "/api/notes",
        "url.scheme": "http",
        "server.address": "127.0.0.1",
      },
    });
    for (const [span, method] of [
      [toIdentity, "ValidateSession"],
      [identity, "ValidateSession"],
      [toNotes, "CreateNote"],
      [notes, "CreateNote"],
    ] as const) {
      expect(span).toMatchObject({
        statusCode: 0,
        attributes: { "rpc.system": "grpc", "rpc.method": method, "rpc.grpc.status_code": 0 },
      });
    }
    expect(insert).toMatchObject({
      name: "INSERT notes",
      attributes: { "db.system.name": "postgresql", "db.query.summary": "INSERT notes" },
    });
    expect(String(insert.attributes["db.query.text"])).toMatch(/^INSERT INTO notes .*\$1/s);
  });

  test("has exactly one trace id, which its log lines carry in every process", () => {
    const root = one(spans, "POST /api/notes server span", isRequest("POST /api/notes"));
    const notesServer = one(
      spans,
      "CreateNote server span",
      (span) => span.name === `${NOTES}/CreateNote` && span.kind === "SERVER",
    );

    const requestLine = logLinesOf("gateway").find(
      (line) => line.message === "request" && line.request_id === requestId,
    );
    const rpcLine = logLinesOf("notes").find(
      (line) => line.message === "rpc" && line.method === `/${NOTES}/CreateNote`,
    );

    expect(notesServer.traceId).toBe(root.traceId);
    expect(requestLine).toMatchObject({ trace_id: root.traceId, span_id: root.spanId });
    expect(rpcLine).toMatchObject({ trace_id: root.traceId, span_id: notesServer.spanId });
  });
});

test("a 404 is no error at the gateway or at notes, but is one for the gateway's client span", async () => {
  const response = await browser.api(`/api/notes/${crypto.randomUUID()}`);
  expect(response.status).toBe(404);

  const spans = await receiver.waitFor(
    (all) =>
      all.some(isRequest("GET /api/notes/:id")) &&
      all.some((span) => span.service === "notes" && span.name === `${NOTES}/GetNote`),
  );

  const root = one(spans, "GET /api/notes/:id server span", isRequest("GET /api/notes/:id"));
  const trace = spans.filter((span) => span.traceId === root.traceId);
  const client = one(
    trace,
    "GetNote client span",
    (span) => span.kind === "CLIENT" && span.name === `${NOTES}/GetNote`,
  );
  const server = one(
    trace,
    "GetNote server span",
    (span) => span.kind === "SERVER" && span.name === `${NOTES}/GetNote`,
  );
  expect([root.statusCode, root.attributes["http.response.status_code"]]).toEqual([0, 404]);
  expect([server.statusCode, server.attributes["rpc.grpc.status_code"]]).toEqual([0, 5]);
  expect([client.statusCode, client.attributes["error.type"]]).toEqual([2, "NOT_FOUND"]);
});

// Shapes of credentials the test cannot see (access and ID tokens, caller signatures).
const credentialShapes: [string, RegExp][] = [
  ["a session token", /[a-km-z2-9]{24}\.[a-km-z2-9]{24}/],
  ["a JWT (ID token)", /eyJ[\w-]+\.[\w-]+\./],
  ["a 256-bit base64url token", /(?<![\w-])[\w-]{43}(?![\w-])/],
  ["a signed caller identity", /v1\.[0-9a-f-]{36}\.\d+\./],
  ["a header", /http\.(request|response)\.header\./],
];

test("no span holds a cookie, token, OAuth secret, or a note's title or body", () => {
  const spans = receiver.spans();
  const findings: string[] = [];
  for (const span of spans) {
    const text = JSON.stringify([span.name, span.attributes, span.events]);
    for (const [name, value] of secrets) {
      if (text.includes(value)) {
        findings.push(`${name} in ${span.service} ${span.name}: ${text}`);
      }
    }
    for (const [name, shape] of credentialShapes) {
      if (shape.test(text)) {
        findings.push(`${name} in ${span.service} ${span.name}: ${text}`);
      }
    }
  }

  expect(secrets.size).toBeGreaterThanOrEqual(9);
  // The sign-in, the note and the 404, in all three processes.
  expect(new Set(spans.map((span) => span.service))).toEqual(
    new Set(["gateway", "identity", "notes"]),
  );
  expect(spans.some((span) => span.name === "GET /auth/:provider/callback")).toBe(true);
  expect(findings).toEqual([]);
});

test("OTEL_METRICS_EXPORTER=none: the same endpoint receives no metric from any process", () => {
  expect(receiver.spans().length).toBeGreaterThan(0);
  expect(receiver.points()).toEqual([]);
});
