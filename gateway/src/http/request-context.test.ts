import { afterAll, beforeAll, expect, test } from "bun:test";
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { createLogger } from "@trellis/service-kit";
import { recordSpans, type SpanRecorder } from "@trellis/testing";
import { Elysia } from "elysia";
import { forbidden } from "../errors.ts";
import { requestContext } from "./request-context.ts";

// The SERVER span of each request, in-process: named after the route template, active through
// the handler's awaits (so calls made there are its children), 5xx failed and 4xx not, and no
// query string, header or body in it.

let recorder: SpanRecorder;
beforeAll(async () => {
  recorder = await recordSpans({ serviceName: "gateway" });
});
afterAll(() => recorder?.stop());

const logLines: Record<string, unknown>[] = [];
const log = createLogger({
  service: "gateway",
  // Successful requests log at debug (see the level test below, which sets info).
  level: "debug",
  destination: { write: (line: string) => void logLines.push(JSON.parse(line)) },
});

const app = new Elysia()
  .use(requestContext(log))
  .get("/api/items/:id", async ({ params }) => {
    await Bun.sleep(1);
    // What a gRPC client span does: start under the active context, after an await.
    trace.getTracer("test").startSpan("call from the handler").end();
    return { id: params.id };
  })
  .post("/api/items", ({ body, set }) => {
    set.status = 201;
    return body;
  })
  .get("/api/broken", () => {
    throw new Error("the handler broke");
  })
  .get("/api/refused", () => {
    throw forbidden("no");
  });

/**
 * Handles a request as Bun.serve would, in a context of its own, and waits for its span: Elysia
 * runs onAfterResponse, which ends it, in a setImmediate after the response.
 */
async function handle(path: string, init?: RequestInit): Promise<Response> {
  const before = (await serverSpans()).length;
  const response = await context.with(ROOT_CONTEXT, () =>
    app.handle(new Request(`http://gateway.test${path}`, init)),
  );
  const until = Date.now() + 2_000;
  while ((await serverSpans()).length === before && Date.now() < until) {
    await Bun.sleep(1);
  }
  return response;
}

async function serverSpans() {
  return (await recorder.spans()).filter((span) => span.kind === SpanKind.SERVER);
}

test("a request is a SERVER span named after its route, active in the handler after awaits", async () => {
  recorder.reset();

  const response = await handle("/api/items/42?code=secret-code&state=secret-state", {
    headers: { cookie: "session=secret-token", authorization: "Bearer secret" },
  });

  expect(response.status).toBe(200);
  const spans = await recorder.spans();
  const server = spans.find((span) => span.kind === SpanKind.SERVER);
  const child = spans.find((span) => span.name === "call from the handler");
  expect(server).toMatchObject({
    name: "GET /api/items/:id",
    status: { code: SpanStatusCode.UNSET },
    attributes: {
      "http.request.method": "GET",
      "http.route": "/api/items/:id",
      "http.response.status_code": 200,
      "url.path": "/api/items/42",
      "url.scheme": "http",
      "server.address": "gateway.test",
      "server.port": 80,
    },
  });
  expect(server?.parentSpanContext).toBeUndefined();
  expect(child?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId ?? "none");
  expect(JSON.stringify(spans.map((span) => [span.attributes, span.events]))).not.toMatch(/secret/);
});

test("the request's log line carries the span's trace_id and span_id", async () => {
  recorder.reset();
  logLines.length = 0;

  await handle("/api/items/7");

  const [server] = await serverSpans();
  const line = logLines.find((entry) => entry.message === "request");
  expect(line).toMatchObject({
    route: "/api/items/:id",
    trace_id: server?.spanContext().traceId,
    span_id: server?.spanContext().spanId,
  });
});

test("concurrent requests are separate traces, each handler under its own span", async () => {
  recorder.reset();

  await Promise.all([handle("/api/items/1"), handle("/api/items/2"), handle("/api/items/3")]);
  while ((await serverSpans()).length < 3) {
    await Bun.sleep(1);
  }

  const spans = await recorder.spans();
  const servers = spans.filter((span) => span.kind === SpanKind.SERVER);
  const children = spans.filter((span) => span.name === "call from the handler");
  expect(new Set(servers.map((span) => span.spanContext().traceId)).size).toBe(3);
  expect(new Set(children.map((span) => span.parentSpanContext?.spanId))).toEqual(
    new Set(servers.map((span) => span.spanContext().spanId)),
  );
});

test.each([
  { name: "a 201", path: "/api/items", method: "POST", status: 201, failed: false },
  {
    name: "a 403 (a refusal is no failure)",
    path: "/api/refused",
    method: "GET",
    status: 403,
    failed: false,
  },
  { name: "a 404 with no route", path: "/nowhere", method: "GET", status: 404, failed: false },
  { name: "a 500", path: "/api/broken", method: "GET", status: 500, failed: true },
])("$name: status code, and ERROR only for 5xx", async ({ path, method, status, failed }) => {
  recorder.reset();

  const response = await handle(path, {
    method,
    ...(method === "POST" ? { body: "{}", headers: { "content-type": "application/json" } } : {}),
  });

  expect(response.status).toBe(status);
  const [server] = await serverSpans();
  expect(server?.attributes["http.response.status_code"]).toBe(status);
  expect(server?.status.code).toBe(failed ? SpanStatusCode.ERROR : SpanStatusCode.UNSET);
});

test("a 500 records the exception the error log holds, and the route-less 404 is named by method", async () => {
  recorder.reset();

  await handle("/api/broken");
  await handle("/nowhere");

  const [broken, nowhere] = await serverSpans();
  expect(broken?.attributes["error.type"]).toBe("Error");
  expect(broken?.events.map((event) => event.attributes?.["exception.message"])).toEqual([
    "the handler broke",
  ]);
  expect(nowhere?.name).toBe("GET");
  expect(nowhere?.attributes["http.route"]).toBeUndefined();
});

test.each([
  { path: "/api/items/7", status: 200, logged: "nothing", level: null },
  { path: "/api/refused", status: 403, logged: "an info line", level: "info" },
  { path: "/nowhere", status: 404, logged: "an info line", level: "info" },
  { path: "/api/broken", status: 500, logged: "a warn line", level: "warn" },
])("at the default level (info), a $status logs $logged", async ({ path, status, level }) => {
  log.level = "info";
  logLines.length = 0;
  try {
    expect((await handle(path)).status).toBe(status);
  } finally {
    log.level = "debug";
  }

  const requestLines = logLines.filter((entry) => entry.message === "request");
  expect(requestLines).toEqual(level === null ? [] : [expect.objectContaining({ level, status })]);
});

test("an unknown method is _OTHER, with the original beside it", async () => {
  recorder.reset();

  await handle("/api/items/1", { method: "PROPFIND" });

  const [server] = await serverSpans();
  expect(server?.attributes).toMatchObject({
    "http.request.method": "_OTHER",
    "http.request.method_original": "PROPFIND",
  });
});
