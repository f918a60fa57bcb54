import { expect, setDefaultTimeout, test } from "bun:test";
import { runOverload } from "./scenarios/overload.ts";

// test/chaos/scenarios/overload.ts with short steps, from source, at the gateway's default
// UPSTREAM_MAX_IN_FLIGHT. Counts only: the p99s are in the row's detail, not asserted.

setDefaultTimeout(60_000);

test("at 3x capacity the excess is shed with 503 + Retry-After, the rest served, and all served after", async () => {
  const outcome = await runOverload({ from: "source", stepMs: 800, overloadMs: 2_000 });
  const { overload, after } = outcome;

  expect({
    shed: overload.answers["503"] > 0,
    everyShedSaysWhen: overload.retryAfter === overload.answers["503"],
    admitted: overload.answers["2xx"] > 0,
    other: overload.requests - overload.answers["2xx"] - overload.answers["503"],
    afterFailed: after.requests - after.answers["2xx"],
    connectionsLeft: outcome.left.proxyConnections <= outcome.before.proxyConnections,
    rssBounded: outcome.left.gatewayRssMiB <= outcome.before.gatewayRssMiB * 1.5 + 32,
  }).toEqual({
    shed: true,
    everyShedSaysWhen: true,
    admitted: true,
    other: 0,
    afterFailed: 0,
    connectionsLeft: true,
    rssBounded: true,
  });
});
