import { generateCallerKeys, silentLogger } from "@trellis/service-kit";
import { type AppDeps, createApp } from "../app.ts";
import type { OAuthProvider } from "../auth/oauth-provider.ts";
import type { ProviderName } from "../auth/provider-names.ts";
import { loadConfig } from "../config.ts";
import { createMemoryRateLimiter } from "../http/rate-limit-memory.ts";
import { loadRestApi } from "../rest/rest-api.ts";
import { fakeIdentity, fakeNotes, GOOD_TOKEN, type NotesClient, rawNotes } from "./fake-clients.ts";

export const APP_ORIGIN = "https://app.example.com";
/** A CALLER_SIGNING_KEY for in-process tests: their clients are fakes, so any key will do. */
export const TEST_SIGNING_KEY: string = generateCallerKeys("in-process").signingKey;
/** The service the in-process app serves over REST, as any stack names it in REST_SERVICES. */
export const NOTES_SERVICE = "trellis.notes.v1.NotesService";
/** Its REST_SERVICES address; the fake behind it answers, nothing listens there. */
export const NOTES_ADDRESS = "127.0.0.1:50051";

const testConfig = () =>
  loadConfig({
    CALLER_SIGNING_KEY: TEST_SIGNING_KEY,
    APP_ORIGIN,
    LOG_LEVEL: "silent",
    REST_SERVICES: `${NOTES_SERVICE}=${NOTES_ADDRESS}`,
  });
// The notes routes from the contracts, as the gateway serves them with that entry; read once.
const notesRest = loadRestApi(testConfig());

/** What a test may replace: any dependency, and the fake behind the notes routes. */
export type TestDeps = Partial<AppDeps> & { notes?: NotesClient };

/**
 * The gateway with fake clients, on https (so cookies are `__Host-` and Secure). `notes` (by
 * default fakeNotes()) answers the notes REST routes through rawNotes.
 */
export function testApp(overrides: TestDeps = {}) {
  const { notes = fakeNotes(), ...rest } = overrides;
  const deps: AppDeps = {
    config: testConfig(),
    identity: fakeIdentity(),
    providers: {},
    limiter: createMemoryRateLimiter({ name: "auth", limit: 1_000, windowSeconds: 60 }),
    sessionLimiter: createMemoryRateLimiter({ name: "session", limit: 1_000, windowSeconds: 60 }),
    publicLimiter: createMemoryRateLimiter({ name: "public", limit: 1_000, windowSeconds: 60 }),
    probe: async () => "SERVING",
    log: silentLogger(),
    rest: notesRest,
    restClients: new Map([[NOTES_SERVICE, rawNotes(notes)]]),
    ...rest,
  };
  const app = createApp(deps);
  return {
    deps,
    /** Sends a request to the app in-process; `init.headers` come on top of a same-origin POST. */
    request(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
      const headers = new Headers(init.headers);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set("content-type", "application/json");
        body = JSON.stringify(init.json);
      }
      return app.handle(new Request(`${APP_ORIGIN}${path}`, { ...init, headers, body }));
    },
  };
}

/** Headers of a signed-in browser request from the app itself. */
export function signedIn(extra: Record<string, string> = {}): Record<string, string> {
  return { cookie: `__Host-session=${GOOD_TOKEN}`, "sec-fetch-site": "same-origin", ...extra };
}

/** A provider that redirects to `authorizeUrl` and signs in `providerUserId` on any callback. */
export function fakeProvider(name: ProviderName): OAuthProvider & {
  finished: URL[];
} {
  const finished: URL[] = [];
  return {
    name,
    finished,
    async start() {
      return {
        url: new URL(`https://provider.example.com/authorize?state=s-${name}`),
        attempt: { state: `s-${name}`, verifier: "v", nonce: null },
      };
    },
    async finish(callbackUrl, attempt) {
      finished.push(callbackUrl);
      if (callbackUrl.searchParams.get("state") !== attempt.state) {
        const { LoginError } = await import("../auth/login-error.ts");
        throw new LoginError("state", "the sign-in link is invalid or expired; start again");
      }
      return { providerUserId: "42", name: "Ada", email: "ada@example.com", avatarUrl: "" };
    },
  };
}
