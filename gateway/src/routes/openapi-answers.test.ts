import { expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import { Validator } from "@seriousme/openapi-schema-validator";
import { encodePendingLogin } from "../auth/login-cookie.ts";
import { LoginError } from "../auth/login-error.ts";
import type { IdentityClient } from "../clients.ts";
import { createMemoryRateLimiter } from "../http/rate-limit-memory.ts";
import {
  fakeIdentity,
  fakeNotes,
  grpcError,
  type NotesClient,
  note,
} from "../testing/fake-clients.ts";
import { fakeProvider, signedIn, type TestDeps, testApp } from "../testing/test-app.ts";

// /openapi.json against what real requests answer: each answer a client may meet (a reused
// Idempotency-Key, a rate limit, a busy identity or service) has its status declared on the
// operation, with the Retry-After header where the answer sends one.

type Document = {
  paths: Record<
    string,
    Record<string, { parameters?: { name: string; in: string }[] } & Operation>
  >;
  components?: { responses?: Record<string, DeclaredResponse> };
};
type Operation = { responses: Record<string, DeclaredResponse | { $ref: string }> };
type DeclaredResponse = { description: string; headers?: Record<string, unknown> };

async function documentOf(app: ReturnType<typeof testApp>): Promise<Document> {
  return (await (await app.request("/openapi.json")).json()) as Document;
}

/** The response `document` declares for `status` of an operation, its $ref followed; or null. */
function declared(document: Document, path: string, verb: string, status: number) {
  const response = document.paths[path]?.[verb]?.responses[String(status)];
  if (response !== undefined && "$ref" in response) {
    return document.components?.responses?.[response.$ref.split("/").pop() ?? ""] ?? null;
  }
  return response ?? null;
}

/** Notes that keep each key's request, as the kit's idempotency does, refusing it for another. */
function keyedNotes(): NotesClient {
  const notes = fakeNotes();
  const seen = new Map<string, string>();
  return {
    ...notes,
    async createNote(request, settings) {
      const key = settings?.idempotencyKey;
      const sent = JSON.stringify(request);
      if (key !== undefined && (seen.get(key) ?? sent) !== sent) {
        const message = "Idempotency-Key: already used for a different request";
        throw Object.assign(grpcError(status.FAILED_PRECONDITION, message), {
          errorCode: "IDEMPOTENCY_KEY_REUSED",
        });
      }
      if (key !== undefined) {
        seen.set(key, sent);
      }
      return { note: note({ title: request.title, body: request.body }) };
    },
  };
}

const never = () => new Promise<never>(() => undefined);
/** A notes service whose calls never end: with a bound of 1, the next call is shed. */
const stalledNotes: NotesClient = { ...fakeNotes(), listNotes: never, createNote: never };
/** An identity whose session checks never end. */
const stalledIdentity: IdentityClient = { ...fakeIdentity(), validateSession: never };

/** `second` as answered after `first` was sent (and, when held, left in flight). */
async function afterOne(
  deps: TestDeps,
  first: [string, RequestInit],
  second: [string, RequestInit],
) {
  const { request } = testApp(deps);
  void request(...first);
  await Bun.sleep(5);
  return request(...second);
}

/** UPSTREAM_MAX_IN_FLIGHT of 1. */
const withinOne = { ...testApp().deps.config, upstreamMaxInFlight: 1 };
const create = (key: string, title: string): [string, RequestInit] => [
  "/api/notes",
  {
    method: "POST",
    headers: { ...signedIn({ "idempotency-key": key }), "content-type": "application/json" },
    body: JSON.stringify({ title }),
  },
];
const get = (path: string): [string, RequestInit] => [path, { headers: signedIn() }];
const quotaOfOne = () => createMemoryRateLimiter({ name: "session", limit: 1, windowSeconds: 60 });

const cases: {
  name: string;
  operation: [path: string, verb: string];
  answer: () => Promise<Response>;
  want: { status: number; retryAfter: boolean };
}[] = [
  {
    name: "a key reused with another body",
    operation: ["/api/notes", "post"],
    answer: () => afterOne({ notes: keyedNotes() }, create("k-1", "first"), create("k-1", "other")),
    want: { status: 422, retryAfter: false },
  },
  {
    name: "a malformed key",
    operation: ["/api/notes", "post"],
    answer: () => testApp().request(...create("two words", "t")),
    want: { status: 400, retryAfter: false },
  },
  {
    name: "a create over the session's rate limit",
    operation: ["/api/notes", "post"],
    answer: () => afterOne({ sessionLimiter: quotaOfOne() }, create("a", "t"), create("b", "t")),
    want: { status: 429, retryAfter: true },
  },
  {
    name: "a create shed past UPSTREAM_MAX_IN_FLIGHT",
    operation: ["/api/notes", "post"],
    answer: () =>
      afterOne({ config: withinOne, notes: stalledNotes }, create("a", "t"), create("b", "t")),
    want: { status: 503, retryAfter: true },
  },
  {
    name: "a list shed past UPSTREAM_MAX_IN_FLIGHT",
    operation: ["/api/notes", "get"],
    answer: () =>
      afterOne({ config: withinOne, notes: stalledNotes }, get("/api/notes"), get("/api/notes")),
    want: { status: 503, retryAfter: true },
  },
  ...(["/api/me", "/api/session", "/api/notes"] as const).map((path) => ({
    name: `GET ${path} while identity has UPSTREAM_MAX_IN_FLIGHT session checks`,
    operation: [path, "get"] as [string, string],
    answer: () =>
      afterOne(
        { config: withinOne, identity: stalledIdentity },
        [path, { headers: { cookie: "__Host-session=held.token" } }],
        get(path),
      ),
    want: { status: 503, retryAfter: true },
  })),
  ...(["/api/me", "/api/session"] as const).map((path) => ({
    name: `GET ${path} over the session's rate limit`,
    operation: [path, "get"] as [string, string],
    answer: () => afterOne({ sessionLimiter: quotaOfOne() }, get(path), get(path)),
    want: { status: 429, retryAfter: true },
  })),
  ...authCases(),
];

/** The sign-in and sign-out routes, as an API client (not a page load) meets them. */
function authCases(): typeof cases {
  const github = fakeProvider("github");
  const withGithub = { providers: { github } };
  const started = encodePendingLogin({
    provider: "github",
    state: "s-github",
    verifier: "v",
    nonce: null,
    returnTo: "/",
  });
  const callback: [string, RequestInit] = [
    "/auth/github/callback?code=c&state=s-github",
    { headers: { cookie: `__Host-login=${started}` } },
  ];
  const failingStart = { ...github, start: () => Promise.reject(new LoginError("exchange", "x")) };
  const stalledSignIn: IdentityClient = { ...fakeIdentity(), completeOAuthLogin: never };
  const logout = (path: string, site: string): [string, RequestInit] => [
    path,
    { method: "POST", headers: { ...signedIn(), "sec-fetch-site": site } },
  ];
  const signInLimit = createMemoryRateLimiter({ name: "auth", limit: 1, windowSeconds: 60 });
  const login = "/auth/{provider}/login";
  const back = "/auth/{provider}/callback";
  const answers: [string, [string, string], () => Promise<Response>, number, boolean][] = [
    [
      "a sign-in started",
      [login, "get"],
      () => testApp(withGithub).request("/auth/github/login"),
      302,
      false,
    ],
    [
      "an unknown provider",
      [login, "get"],
      () => testApp(withGithub).request("/auth/google/login"),
      404,
      false,
    ],
    [
      "a sign-in over the limit",
      [login, "get"],
      () =>
        afterOne(
          { ...withGithub, limiter: signInLimit },
          ["/auth/github/login", {}],
          ["/auth/github/login", {}],
        ),
      429,
      true,
    ],
    [
      "a provider that cannot start",
      [login, "get"],
      () => testApp({ providers: { github: failingStart } }).request("/auth/github/login"),
      502,
      false,
    ],
    [
      "a callback with no login cookie",
      [back, "get"],
      () => testApp(withGithub).request("/auth/github/callback?code=c&state=s-github"),
      400,
      false,
    ],
    [
      "a callback that signs in",
      [back, "get"],
      () => testApp(withGithub).request(...callback),
      302,
      false,
    ],
    [
      "a callback shed past UPSTREAM_MAX_IN_FLIGHT",
      [back, "get"],
      () =>
        afterOne({ ...withGithub, config: withinOne, identity: stalledSignIn }, callback, callback),
      503,
      true,
    ],
    [
      "a cross-site sign-out",
      ["/auth/logout", "post"],
      () => testApp().request(...logout("/auth/logout", "cross-site")),
      403,
      false,
    ],
    [
      "a sign-out",
      ["/auth/logout", "post"],
      () => testApp().request(...logout("/auth/logout", "same-origin")),
      204,
      false,
    ],
    [
      "a sign-out everywhere with no session",
      ["/auth/logout-everywhere", "post"],
      () =>
        testApp().request("/auth/logout-everywhere", {
          method: "POST",
          headers: { "sec-fetch-site": "same-origin" },
        }),
      401,
      false,
    ],
  ];
  return answers.map(([name, operation, answer, status, retryAfter]) => ({
    name,
    operation,
    answer,
    want: { status, retryAfter },
  }));
}

test.each(cases)(
  "$name: answered as the document declares",
  async ({ operation, answer, want }) => {
    const response = await answer();
    const document = await documentOf(testApp());
    const [path, verb] = operation;
    const declaredAnswer = declared(document, path, verb, response.status);

    expect({ status: response.status, retryAfter: response.headers.has("retry-after") }).toEqual(
      want,
    );
    expect({
      declared: declaredAnswer !== null,
      retryAfterDeclared: declaredAnswer?.headers?.["Retry-After"] !== undefined,
    }).toEqual({ declared: true, retryAfterDeclared: want.retryAfter });
  },
);

test("only the operations whose method takes an Idempotency-Key declare it and its 422", async () => {
  const document = await documentOf(testApp());
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, operation]) => "x-trellis-rpc" in operation)
      .map(([verb, operation]) => ({
        operation: `${verb} ${path}`,
        header: (operation.parameters ?? []).some(
          (p) => p.in === "header" && p.name === "Idempotency-Key",
        ),
        reused: "422" in operation.responses,
      })),
  );
  expect(operations.filter(({ header, reused }) => header || reused)).toEqual([
    { operation: "post /api/notes", header: true, reused: true },
  ]);
  // A method the header is not declared for ignores it: a malformed one changes nothing.
  const ignored = await testApp().request(`/api/notes/${note().id}`, {
    method: "DELETE",
    headers: signedIn({ "idempotency-key": "two words" }),
  });
  expect(ignored.status).toBe(204);
});

test("the served document passes the OpenAPI 3.1 schema validator", async () => {
  const validator = new Validator();
  const served = await documentOf(testApp());
  const result = await validator.validate(served as Parameters<Validator["validate"]>[0]);
  expect({ version: validator.version, ...result }).toEqual({ version: "3.1", valid: true });
});
