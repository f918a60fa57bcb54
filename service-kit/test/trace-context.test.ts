import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Metadata, status } from "@grpc/grpc-js";
import {
  context,
  createTraceState,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { recordSpans, type SpanRecorder, testCallerKeys } from "@trellis/testing";
import { parseSigningKey } from "../src/caller/caller-keys.ts";
import { createClient, type PromiseClient } from "../src/client/client.ts";
import { invalidArgument, notFound } from "../src/errors.ts";
import type { GrpcServer } from "../src/server/grpc-server.ts";
import { extractTraceContext, injectTraceContext } from "../src/telemetry/trace-context.ts";
import { type EchoServiceDefinition, echoService, startEchoHost } from "./support/echo-service.ts";

// W3C trace context through gRPC metadata, and the spans createClient and bindService make of
// one call: the server's span is the child of the client's, which is the child of the caller's.

const USER_ID = "0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69";
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID = "00f067aa0ba902b7";

let recorder: SpanRecorder;
let host: GrpcServer;
let client: PromiseClient<EchoServiceDefinition>;
beforeAll(async () => {
  recorder = await recordSpans();
  host = await startEchoHost({
    async handler(request, caller) {
      switch (request.text) {
        case "missing":
          throw notFound("note 7 not found");
        case "invalid":
          throw invalidArgument("text: bad");
        case "crash":
          throw new Error("the disk is on fire");
        default:
          return { text: request.text, userId: caller.userId };
      }
    },
  });
  host.markServing();
  client = createClient(echoService, `127.0.0.1:${host.port}`, {
    timeoutMs: 2_000,
    callerKey: parseSigningKey(testCallerKeys.signingKey),
  });
});
afterAll(async () => {
  client?.close();
  await host?.shutdown();
  await recorder?.stop();
});

/** Runs `run` inside a fresh span called `name`, which ends after it. */
async function inSpan<T>(
  name: string,
  run: () => Promise<T>,
): Promise<{ span: Span; result: T | unknown }> {
  const span = trace.getTracer("test").startSpan(name);
  const result = await context
    .with(trace.setSpan(context.active(), span), run)
    .catch((e: unknown) => e);
  span.end();
  return { span, result };
}

describe("trace context in gRPC metadata", () => {
  test("what the client side injects the server side extracts: the same trace, the span as parent", () => {
    const sent = trace.wrapSpanContext({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: TraceFlags.SAMPLED,
      traceState: createTraceState("vendor=opaque"),
    });
    const metadata = new Metadata();

    injectTraceContext(trace.setSpan(context.active(), sent), metadata);
    const received = trace.getSpanContext(extractTraceContext(metadata));

    expect(metadata.get("traceparent")).toEqual([`00-${TRACE_ID}-${SPAN_ID}-01`]);
    expect(metadata.get("tracestate")).toEqual(["vendor=opaque"]);
    expect(received).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(received?.traceState?.serialize()).toBe("vendor=opaque");
  });

  test.each([
    { name: "no traceparent", traceparent: undefined },
    { name: "a malformed traceparent", traceparent: "00-not-a-trace-01" },
    { name: "an all-zero trace id", traceparent: `00-${"0".repeat(32)}-${SPAN_ID}-01` },
  ])("$name gives no parent", ({ traceparent }) => {
    const metadata = new Metadata();
    if (traceparent !== undefined) {
      metadata.set("traceparent", traceparent);
    }

    expect(trace.getSpanContext(extractTraceContext(metadata))).toBeUndefined();
  });

  test("nothing is injected outside a span", () => {
    const metadata = new Metadata();

    injectTraceContext(context.active(), metadata);

    expect(metadata.get("traceparent")).toEqual([]);
  });
});

interface Case {
  name: string;
  text: string;
  code: status;
  serverFailed: boolean;
}

const cases: Case[] = [
  { name: "OK", text: "hello", code: status.OK, serverFailed: false },
  { name: "NOT_FOUND", text: "missing", code: status.NOT_FOUND, serverFailed: false },
  { name: "INVALID_ARGUMENT", text: "invalid", code: status.INVALID_ARGUMENT, serverFailed: false },
  { name: "INTERNAL", text: "crash", code: status.INTERNAL, serverFailed: true },
];

function spansOf(spans: ReadableSpan[], traceId: string): ReadableSpan[] {
  return spans.filter((span) => span.spanContext().traceId === traceId);
}

describe("one call through createClient and bindService", () => {
  test.each(cases)("$name: caller -> CLIENT -> SERVER, with the status code", async (c) => {
    recorder.reset();

    const { span: caller } = await inSpan("caller", () =>
      client.echo({ text: c.text }, { userId: USER_ID }),
    );

    const spans = spansOf(await recorder.spans(), caller.spanContext().traceId);
    const clientSpan = spans.find((span) => span.kind === SpanKind.CLIENT);
    const serverSpan = spans.find((span) => span.kind === SpanKind.SERVER);
    expect(spans).toHaveLength(3);
    expect(clientSpan?.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(serverSpan?.parentSpanContext?.spanId).toBe(clientSpan?.spanContext().spanId ?? "none");
    expect(serverSpan?.parentSpanContext?.isRemote).toBe(true);
    const rpc = {
      "rpc.system": "grpc",
      "rpc.system.name": "grpc",
      "rpc.service": "test.v1.EchoService",
      "rpc.method": "Echo",
      "rpc.grpc.status_code": c.code,
      "rpc.status_code": status[c.code],
    };
    expect(clientSpan).toMatchObject({
      name: "test.v1.EchoService/Echo",
      attributes: { ...rpc, "server.address": "127.0.0.1", "server.port": host.port },
      // A client counts every code but OK as an error.
      status: { code: c.code === status.OK ? SpanStatusCode.UNSET : SpanStatusCode.ERROR },
    });
    expect(serverSpan).toMatchObject({
      name: "test.v1.EchoService/Echo",
      attributes: rpc,
      // A server only the codes that say it failed (semantic conventions for gRPC).
      status: { code: c.serverFailed ? SpanStatusCode.ERROR : SpanStatusCode.UNSET },
    });
  });

  test("an INTERNAL error's cause is recorded on the server span, never sent to the client", async () => {
    recorder.reset();

    const { span: caller, result } = await inSpan("caller", () =>
      client.echo({ text: "crash" }, { userId: USER_ID }),
    );

    const spans = spansOf(await recorder.spans(), caller.spanContext().traceId);
    const serverSpan = spans.find((span) => span.kind === SpanKind.SERVER);
    const clientSpan = spans.find((span) => span.kind === SpanKind.CLIENT);
    expect(serverSpan?.attributes["error.type"]).toBe("INTERNAL");
    expect(serverSpan?.events.map((event) => event.attributes?.["exception.message"])).toEqual([
      "the disk is on fire",
    ]);
    expect((result as { details?: string }).details).toBe("internal error");
    const seenByClient = JSON.stringify([
      clientSpan?.attributes,
      clientSpan?.events,
      clientSpan?.status,
    ]);
    expect(seenByClient).not.toContain("the disk is on fire");
  });

  test("a call made outside any span starts its own trace", async () => {
    recorder.reset();

    await client.echo({ text: "alone" }, { userId: USER_ID });

    const spans = await recorder.spans();
    const clientSpan = spans.find((span) => span.kind === SpanKind.CLIENT);
    const serverSpan = spans.find((span) => span.kind === SpanKind.SERVER);
    expect(clientSpan?.parentSpanContext).toBeUndefined();
    expect(serverSpan?.spanContext().traceId).toBe(clientSpan?.spanContext().traceId ?? "none");
  });
});
