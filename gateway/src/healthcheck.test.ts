import { afterAll, expect, test } from "bun:test";
import { freePort } from "@trellis/testing";
import { checkGatewayHealth } from "./healthcheck.ts";

// A stand-in for the gateway per case: /healthz answers as the case says, any other path 404.

const servers: { stop(closeActiveConnections: boolean): unknown }[] = [];
afterAll(() => {
  for (const server of servers) {
    server.stop(true);
  }
});

function gatewayAnswering(healthz: () => Promise<Response>): number {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request) =>
      new URL(request.url).pathname === "/healthz"
        ? healthz()
        : Promise.resolve(new Response(null, { status: 404 })),
  });
  servers.push(server);
  return server.port ?? 0;
}

// A gateway that answers gets a timeout no busy machine comes near, so only the case about the
// timeout can end in one; that case's gateway never answers, so no margin is needed there.
const ANSWERED_WITHIN_MS = 10_000;

const cases = [
  {
    name: "is healthy when /healthz answers 200",
    port: () => gatewayAnswering(async () => Response.json({ status: "ok" })),
    timeoutMs: ANSWERED_WITHIN_MS,
    want: { healthy: true, answer: "HTTP 200" },
  },
  {
    name: "is unhealthy when /healthz answers 503",
    port: () => gatewayAnswering(async () => new Response(null, { status: 503 })),
    timeoutMs: ANSWERED_WITHIN_MS,
    want: { healthy: false, answer: "HTTP 503" },
  },
  {
    name: "does not follow a redirect",
    port: () =>
      gatewayAnswering(async () => new Response(null, { status: 302, headers: { location: "/" } })),
    timeoutMs: ANSWERED_WITHIN_MS,
    want: { healthy: false, answer: "HTTP 302" },
  },
  {
    name: "is unhealthy when nothing listens",
    port: () => freePort(),
    timeoutMs: ANSWERED_WITHIN_MS,
    want: { healthy: false, answer: "no answer (ECONNREFUSED)" },
  },
  {
    name: "gives up on a gateway that does not answer",
    port: () => gatewayAnswering(() => new Promise<Response>(() => {})),
    timeoutMs: 200,
    want: { healthy: false, answer: "no answer (TimeoutError)" },
  },
];

test.each(cases)("$name", async ({ port, timeoutMs, want }) => {
  expect(await checkGatewayHealth(port(), { timeoutMs })).toEqual(want);
});
