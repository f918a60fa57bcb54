import { expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import type { RawClient } from "../rest/raw-clients.ts";
import { callGate } from "../testing/call-gate.ts";
import { fakeNotes, grpcError, rawNotes } from "../testing/fake-clients.ts";
import { NOTES_SERVICE, signedIn, testApp } from "../testing/test-app.ts";

// UPSTREAM_MAX_IN_FLIGHT in-process: calls held open by a fake service fill the bound, and the
// next request is answered 503 + Retry-After without a call.

/** The fake notes service, each call held until `release()`; `failing` makes them fail. */
function heldNotes(options: { failing?: boolean } = {}) {
  const inner = rawNotes(fakeNotes());
  const gate = callGate();
  const client: RawClient = {
    call: (method, request, settings) =>
      gate.hold(async () => {
        if (options.failing) {
          throw grpcError(status.UNAVAILABLE, "down");
        }
        return inner.call(method, request, settings);
      })(request),
    close() {},
  };
  return { client, calls: gate.calls, reached: gate.reached, release: gate.release };
}

function appWithin(max: number, held: ReturnType<typeof heldNotes>) {
  const base = testApp();
  return testApp({
    config: { ...base.deps.config, upstreamMaxInFlight: max },
    restClients: new Map([[NOTES_SERVICE, held.client]]),
  });
}

const list = { headers: signedIn() };

test("past the bound a request is 503 with Retry-After at once, and the service is not called", async () => {
  const held = heldNotes();
  const { request } = appWithin(2, held);
  const admitted = [request("/api/notes", list), request("/api/notes", list)];
  await held.reached(2);

  const shed = await request("/api/notes", list);

  expect({
    status: shed.status,
    retryAfter: shed.headers.get("retry-after"),
    body: ((await shed.json()) as { error: { code: string } }).error.code,
    calls: held.calls(),
  }).toEqual({ status: 503, retryAfter: "1", body: "UNAVAILABLE", calls: 2 });
  held.release();
  expect((await Promise.all(admitted)).map((response) => response.status)).toEqual([200, 200]);
});

test.each([
  { name: "answered", failing: false, first: 200 },
  { name: "failed", failing: true, first: 503 },
])("a slot comes back once its call has $name", async ({ failing, first }) => {
  const held = heldNotes({ failing });
  const { request } = appWithin(1, held);
  const admitted = request("/api/notes", list);
  await held.reached(1);
  expect((await request("/api/notes", list)).status).toBe(503);

  held.release();
  expect((await admitted).status).toBe(first);
  const next = await request("/api/notes", list);

  expect({ status: next.status, calls: held.calls() }).toEqual({ status: first, calls: 2 });
});

test("requests the gateway refuses itself take no slot", async () => {
  const held = heldNotes();
  const { request } = appWithin(1, held);
  const refused = await Promise.all([
    request("/api/notes?colour=red", list),
    request("/api/notes"),
    request("/api/notes?colour=red", list),
  ]);
  held.release();

  const served = await request("/api/notes", list);

  expect(refused.map((response) => response.status)).toEqual([400, 401, 400]);
  expect({ status: served.status, calls: held.calls() }).toEqual({ status: 200, calls: 1 });
});
