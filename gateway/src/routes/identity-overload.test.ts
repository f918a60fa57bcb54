import { afterEach, expect, test } from "bun:test";
import { encodePendingLogin } from "../auth/login-cookie.ts";
import { GOOD_TOKEN, OTHER_DEVICE_TOKEN } from "../testing/fake-clients.ts";
import { heldIdentity } from "../testing/held-identity.ts";
import { recordingLog } from "../testing/provider-test-app.ts";
import { fakeProvider, testApp } from "../testing/test-app.ts";

// UPSTREAM_MAX_IN_FLIGHT bounds the gateway's calls to identity as it does a REST service's:
// a slow identity over real gRPC holds its calls, and past the bound every kind of identity call
// (a session check, a sign-in, a sign-out) is answered 503 + Retry-After without calling it.

const IDENTITY = "trellis.identity.v1.IdentityService";
const PAGE_LOAD = "text/html,application/xhtml+xml,*/*;q=0.8";

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.map((stop) => stop()));
  stops = [];
});

/** The gateway in-process, calling `held` identity over gRPC with a bound of `max` calls. */
async function appWithin(max: number) {
  const base = testApp();
  const config = { ...base.deps.config, upstreamMaxInFlight: max };
  const held = await heldIdentity(config);
  stops.push(held.stop);
  const { log, logs } = recordingLog();
  const { request } = testApp({
    config,
    identity: held.identity,
    providers: { github: fakeProvider("github") },
    log,
  });
  return { held, logs, request };
}

const asUser = (token: string, extra: Record<string, string> = {}) => ({
  headers: { cookie: `__Host-session=${token}`, "sec-fetch-site": "same-origin", ...extra },
});

const loginCookie = `__Host-login=${encodePendingLogin({
  provider: "github",
  state: "s-github",
  verifier: "v",
  nonce: null,
  returnTo: "/notes",
})}`;

/** What a shed request answered, in the parts a client relies on. */
async function outcomeOf(response: Response) {
  const body = response.headers.get("content-type")?.includes("json")
    ? ((await response.json()) as { error?: { code: string } })
    : null;
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    code: body?.error?.code ?? null,
    location: response.headers.get("location"),
    sessionCookieSet: response.headers.getSetCookie().some((c) => c.startsWith("__Host-session=")),
  };
}

type Outcome = Awaited<ReturnType<typeof outcomeOf>>;

const busy: Outcome = {
  status: 503,
  retryAfter: "1",
  code: "UNAVAILABLE",
  location: null,
  sessionCookieSet: false,
};

const shedCases: { name: string; path: string; init: RequestInit; want: Outcome }[] = [
  {
    name: "a session check (GET /api/me)",
    path: "/api/me",
    init: asUser(OTHER_DEVICE_TOKEN),
    want: busy,
  },
  {
    name: "GET /api/session, which must not say signed out",
    path: "/api/session",
    init: asUser(OTHER_DEVICE_TOKEN),
    want: busy,
  },
  {
    name: "a REST route's session check",
    path: "/api/notes",
    init: asUser(OTHER_DEVICE_TOKEN),
    want: busy,
  },
  {
    name: "a logout, which keeps the cookie",
    path: "/auth/logout",
    init: { method: "POST", ...asUser(OTHER_DEVICE_TOKEN) },
    want: busy,
  },
  {
    name: "a logout everywhere, which keeps the cookie",
    path: "/auth/logout-everywhere",
    init: { method: "POST", ...asUser(OTHER_DEVICE_TOKEN) },
    want: busy,
  },
  {
    name: "an API client's sign-in callback",
    path: "/auth/github/callback?code=c&state=s-github",
    init: { headers: { cookie: loginCookie } },
    want: busy,
  },
  {
    name: "a browser's sign-in callback, sent to the sign-in page to try again",
    path: "/auth/github/callback?code=c&state=s-github",
    init: { headers: { cookie: loginCookie, accept: PAGE_LOAD } },
    want: {
      status: 302,
      retryAfter: null,
      code: null,
      location: "/signin?error=unavailable",
      sessionCookieSet: false,
    },
  },
];

test.each(shedCases)(
  "past the bound, $name is refused at once without calling identity",
  async ({ path, init, want }) => {
    const { held, request } = await appWithin(1);
    const admitted = request("/api/me", asUser(GOOD_TOKEN));
    await held.reached(1);

    const shed = await request(path, init);

    expect({ ...(await outcomeOf(shed)), calls: held.calls() }).toEqual({ ...want, calls: 1 });
    held.release();
    expect((await admitted).status).toBe(200);
  },
);

test("a shed session check is not remembered: once identity has room, the same cookie is served", async () => {
  const { held, request } = await appWithin(1);
  const admitted = request("/api/me", asUser(GOOD_TOKEN));
  await held.reached(1);
  const shed = await request("/api/me", asUser(OTHER_DEVICE_TOKEN));
  held.release();
  await admitted;

  const again = await request("/api/me", asUser(OTHER_DEVICE_TOKEN));

  expect([shed.status, again.status, held.asked()]).toEqual([
    503,
    200,
    ["validateSession", "validateSession"],
  ]);
});

test("concurrent requests with one cookie share one check, and so one slot", async () => {
  const { held, request } = await appWithin(1);
  const requests = [1, 2, 3].map(() => request("/api/me", asUser(GOOD_TOKEN)));
  await held.reached(1);
  await Bun.sleep(20);
  held.release();

  const statuses = (await Promise.all(requests)).map((response) => response.status);

  expect({ statuses, calls: held.calls() }).toEqual({ statuses: [200, 200, 200], calls: 1 });
});

test("a slot comes back when identity answers, and shedding is logged naming identity", async () => {
  const { held, logs, request } = await appWithin(1);
  const admitted = request("/api/me", asUser(GOOD_TOKEN));
  await held.reached(1);
  await request("/api/me", asUser(OTHER_DEVICE_TOKEN));
  held.release();
  await admitted;

  const next = await request("/api/me", asUser(OTHER_DEVICE_TOKEN));

  expect(next.status).toBe(200);
  expect(
    logs
      .filter((line) => line.message.startsWith("shedding calls"))
      .map(({ level, service, shed, max_in_flight }) => ({ level, service, shed, max_in_flight })),
  ).toEqual([{ level: "warn", service: IDENTITY, shed: 1, max_in_flight: 1 }]);
});
