import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { IdentityServiceService } from "@trellis/contracts/identity/v1";
import { NotesServiceService } from "@trellis/contracts/notes/v1";
import { checkHealth, createClient, parseSigningKey } from "@trellis/service-kit";
import { testCallerKeys } from "@trellis/testing";
import fc from "fast-check";
import { createBrowser } from "./support/browser.ts";
import type { ChildProcess } from "./support/child-process.ts";
import { type Stack, startStack } from "./support/stack.ts";

// Fuzzing at the edges: generated HTTP requests against the running gateway never get a 500 or
// end a process; random bytes as the message of every RPC never end a service.

setDefaultTimeout(120_000);

let stack: Stack;
let sessionCookie = "";

beforeAll(async () => {
  stack = await startStack();
  const browser = createBrowser(stack.gatewayUrl);
  sessionCookie = `session=${await browser.signIn("github", { id: "303", login: "fuzz" })}`;
}, 60_000);
afterAll(() => stack?.stop());

/** The lines `child` logged at warn, error or fatal (pino levels 40, 50, 60). */
function failuresLogged(child: ChildProcess): string[] {
  return child
    .output()
    .split("\n")
    .filter((line) => /"level":(40|50|60)/.test(line));
}

/** Whether the process is still running: its exit code is not there within a moment. */
function running(child: ChildProcess): Promise<boolean> {
  return Promise.race([child.exitCode().then(() => false), Bun.sleep(100).then(() => true)]);
}

const knownPaths = [
  "/",
  "/api/me",
  "/api/notes",
  "/api/notes/0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69",
  "/api/sessions",
  "/auth/github/login",
  "/auth/google/callback",
  "/docs",
  "/openapi.json",
  "/healthz",
  "/readyz",
  "/assets/x.js",
];

const segment = fc.oneof(
  fc.constantFrom("..", ".", "%2e%2e", "%00", "%ff", "notes", "api", "~", ""),
  fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@%-]{0,12}$/),
);
const path = fc.oneof(
  { arbitrary: fc.constantFrom(...knownPaths), weight: 4 },
  fc
    .tuple(fc.constantFrom(...knownPaths), fc.array(segment, { maxLength: 3 }))
    .map(([base, extra]) => [base, ...extra].join("/")),
  fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join("/")}`),
);
const query = fc.oneof(
  fc.constant(""),
  fc.stringMatching(/^[A-Za-z0-9=&%._~+-]{0,40}$/).map((text) => `?${text}`),
  fc.constantFrom("?pageSize=-1", "?pageSize=99999999999", "?pageToken=%ff", "?returnTo=//evil"),
);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-16",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/grpc",
  "",
);
const jsonBody = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value));
const noteLike = fc
  .record(
    { title: fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue()), body: fc.jsonValue() },
    { requiredKeys: [] },
  )
  .map((value) => JSON.stringify(value));
const body = fc.oneof(
  { arbitrary: noteLike, weight: 3 },
  jsonBody,
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
  fc.constantFrom('{"title":', '{"title":"x","body":1}', "[]", "null", '{"__proto__":{"a":1}}'),
);
const request = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"),
  path,
  query,
  // Weighted towards requests that pass the edge's checks, so handlers and services see them.
  signedIn: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, fc.constant(false)),
  origin: fc.oneof(
    { arbitrary: fc.constant("same"), weight: 6 },
    { arbitrary: fc.constant("none"), weight: 1 },
    { arbitrary: headerValue, weight: 1 },
  ),
  contentType: fc.oneof({ arbitrary: fc.constant("application/json"), weight: 4 }, contentType),
  accept: fc.oneof(fc.constant("*/*"), headerValue),
  idempotencyKey: fc.option(headerValue, { nil: undefined }),
  body,
});

type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

async function send(input: FuzzRequest): Promise<number> {
  const headers = new Headers({ accept: input.accept });
  if (input.origin !== "none") {
    headers.set("origin", input.origin === "same" ? stack.gatewayUrl : input.origin);
  }
  if (input.contentType !== "") {
    headers.set("content-type", input.contentType);
  }
  if (input.signedIn) {
    headers.set("cookie", sessionCookie);
  }
  if (input.idempotencyKey !== undefined) {
    headers.set("idempotency-key", input.idempotencyKey);
  }
  const withBody = !["GET", "HEAD"].includes(input.method);
  const response = await fetch(`${stack.gatewayUrl}${input.path}${input.query}`, {
    method: input.method,
    headers,
    body: withBody ? input.body : undefined,
    redirect: "manual",
  });
  await response.arrayBuffer();
  return response.status;
}

test("generated HTTP requests never get a 5xx from the gateway, and it keeps serving", async () => {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(request, async (input) => {
      const status = await send(input);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500) {
        throw new Error(`${status} for ${JSON.stringify(input)}`);
      }
    }),
    { numRuns: 600 },
  );
  expect(await running(stack.processes.gateway)).toBe(true);
  expect((await fetch(`${stack.gatewayUrl}/readyz`)).status).toBe(200);
  expect(stack.logLines().filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  // Enough of the requests got past the edge to reach the handlers and the services.
  expect([...statuses.keys()].some((status) => status >= 200 && status < 300)).toBe(true);
});

/** A client for `definition` whose messages are bytes as they are: what a broken peer sends. */
function rawClient(definition: Record<string, { path: string }>, address: string) {
  const raw = Object.fromEntries(
    Object.entries(definition).map(([name, method]) => [
      name,
      {
        ...method,
        requestSerialize: (bytes: Uint8Array) => Buffer.from(bytes),
        responseDeserialize: (bytes: Buffer) => bytes,
      },
    ]),
  );
  return createClient(raw as never, address, {
    timeoutMs: 5_000,
    callerKey: parseSigningKey(testCallerKeys.signingKey),
  }) as unknown as Record<string, (bytes: Uint8Array, settings?: object) => Promise<Buffer>> & {
    close(): void;
  };
}

const USER_ID = "0b6a3f7e-3d1c-4f0e-9a57-8c2d1e4b5a69";

test.each([
  { service: "notes", definition: NotesServiceService, address: () => stack.notesAddress },
  { service: "identity", definition: IdentityServiceService, address: () => stack.identityAddress },
])(
  "random bytes as the message of every $service RPC: every call ends, the service lives on",
  async ({ service, definition, address }) => {
    const client = rawClient(definition as never, address());
    const methods = Object.keys(definition);
    const codes = new Map<string, number>();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...methods),
          fc.uint8Array({ maxLength: 512 }),
          fc.boolean(),
          async (method, bytes, asUser) => {
            const call = client[method];
            if (call === undefined) {
              throw new Error(method);
            }
            const code = await call(bytes, asUser ? { userId: USER_ID } : {}).then(
              () => "OK",
              (error: { code: number }) => String(error.code),
            );
            codes.set(code, (codes.get(code) ?? 0) + 1);
          },
        ),
        { numRuns: 300 },
      );
    } finally {
      client.close();
    }
    const child = service === "notes" ? stack.processes.notes : stack.processes.identity;
    expect(await running(child)).toBe(true);
    expect(await checkHealth(address(), { timeoutMs: 2_000 })).toBe("SERVING");
    // A handler that failed in a way nobody planned logs at warn or above ("internal error").
    expect(failuresLogged(child)).toEqual([]);
    // Each call was answered (a code per run), none by a deadline: nothing hung.
    expect([...codes.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(300);
    expect(codes.has("4")).toBe(false);
  },
);
