import { expect, test } from "bun:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import { contractsRegistry } from "@trellis/contracts/descriptors";
import type { HttpRule } from "@trellis/contracts/http-rules";
import { createMemoryRateLimiter } from "../http/rate-limit-memory.ts";
import { compileTemplate } from "../rest/compile-template.ts";
import type { RawClient } from "../rest/raw-clients.ts";
import type { RestApi, RestRoute } from "../rest/rest-api.ts";
import { parseTemplate } from "../rest/template.ts";
import { notesRule } from "../rest/transcode/testing/notes-rules.ts";
import { USER } from "../testing/fake-clients.ts";
import { signedIn, testApp } from "../testing/test-app.ts";

// The REST_SERVICES routes in-process: the notes contracts' rules moved under /api/v9 (the real
// /api/notes is the gateway's own), served through a fake raw client.

const NOTE_ID = "0190a1b2-0000-7000-8000-0000000000b1";
const registry = contractsRegistry();

function movedRoute(rpc: string): RestRoute {
  const rule: HttpRule = notesRule(rpc);
  const pathTemplate = rule.pathTemplate.replace("/api/notes", "/api/v9/notes");
  const parsed = parseTemplate(pathTemplate);
  if (!parsed.ok) {
    throw new Error(parsed.error.message);
  }
  return {
    service: rule.service,
    method: rpc,
    verb: rule.verb,
    template: parsed.template,
    rule: { ...rule, pathTemplate },
    address: "127.0.0.1:1",
    bound: compileTemplate(parsed.template).captures.map((capture) => capture.field),
  };
}

const routes = ["GetNote", "DeleteNote", "ListNotes"].map(movedRoute);
const rest: RestApi = {
  routes,
  registry,
  services: [{ name: "trellis.notes.v1.NotesService", address: "127.0.0.1:1" }],
};

const note = {
  id: NOTE_ID,
  title: "Groceries",
  body: "",
  createTime: { seconds: 1_800_000_000n, nanos: 0 },
  updateTime: { seconds: 1_800_000_000n, nanos: 0 },
};
const noteJson = {
  id: NOTE_ID,
  title: "Groceries",
  body: "",
  createTime: "2027-01-15T08:00:00.000Z",
  updateTime: "2027-01-15T08:00:00.000Z",
};

type Answer = Uint8Array | Error;
function fakeRaw(answer: Answer) {
  const calls: { method: string; request: Record<string, unknown>; userId?: string }[] = [];
  const client: RawClient = {
    async call(method, request, settings) {
      const rpc = routes.find((route) => route.rule.method === method);
      const decoded = rpc === undefined ? {} : fromBinary(rpc.rule.requestType, request);
      calls.push({ method, request: { ...decoded }, userId: settings.userId });
      if (answer instanceof Error) {
        throw answer;
      }
      return answer;
    },
    close() {},
  };
  return { client, calls };
}

const getNoteAnswer = (() => {
  const schema = notesRule("GetNote").responseType;
  return toBinary(schema, create(schema, { note }));
})();
const grpcError = (code: status, details: string) =>
  Object.assign(new Error(details), { code, details });

function app(answer: Answer) {
  const raw = fakeRaw(answer);
  const restClients = new Map([["trellis.notes.v1.NotesService", raw.client]]);
  return { ...testApp({ rest, restClients }), calls: raw.calls };
}

test("a signed-in GET calls the RPC for the user and answers its JSON", async () => {
  const { request, calls } = app(getNoteAnswer);
  const response = await request(`/api/v9/notes/${NOTE_ID}`, { headers: signedIn() });
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(await response.json()).toEqual(noteJson);
  expect(calls).toMatchObject([
    {
      method: "/trellis.notes.v1.NotesService/GetNote",
      request: { id: NOTE_ID },
      userId: USER.id,
    },
  ]);
});

test.each([
  {
    name: "refuses a request without a session, calling nothing",
    path: `/api/v9/notes/${NOTE_ID}`,
    init: {},
    answer: getNoteAnswer,
    want: { status: 401, code: "UNAUTHENTICATED", calls: 0 },
  },
  {
    name: "refuses a query parameter the RPC does not have, naming it",
    path: "/api/v9/notes?colour=red",
    init: { headers: signedIn() },
    answer: getNoteAnswer,
    want: { status: 400, code: "INVALID_ARGUMENT", calls: 0 },
  },
  {
    name: "passes the service's NOT_FOUND through the one gRPC table",
    path: `/api/v9/notes/${NOTE_ID}`,
    init: { headers: signedIn() },
    answer: grpcError(status.NOT_FOUND, "note not found"),
    want: { status: 404, code: "NOT_FOUND", message: "note not found", calls: 1 },
  },
  {
    name: "hides an answer that does not decode as a 500",
    path: `/api/v9/notes/${NOTE_ID}`,
    init: { headers: signedIn() },
    answer: new Uint8Array([0xff, 0xff, 0xff]),
    want: { status: 500, code: "INTERNAL", message: "internal error", calls: 1 },
  },
  {
    name: "answers no route for a path under a mounted prefix that no template matches",
    path: `/api/v9/notes/${NOTE_ID}/x`,
    init: { headers: signedIn() },
    answer: getNoteAnswer,
    want: { status: 404, code: "NOT_FOUND", calls: 0 },
  },
])("$name", async ({ path, init, answer, want }) => {
  const { request, calls } = app(answer);
  const response = await request(path, init);
  const body = (await response.json()) as { error: { code: string; message: string } };
  const { calls: wantCalls, status: wantStatus, ...error } = want;
  expect(response.status).toBe(wantStatus);
  expect(body.error).toMatchObject(error);
  expect(calls.length).toBe(wantCalls);
});

test("a DELETE answers 204 with no body", async () => {
  const { request } = app(new Uint8Array());
  const response = await request(`/api/v9/notes/${NOTE_ID}`, {
    method: "DELETE",
    headers: signedIn(),
  });
  expect(response.status).toBe(204);
  expect(await response.text()).toBe("");
});

test.each([
  ["PUT", `/api/v9/notes/${NOTE_ID}`, "DELETE, GET, HEAD"],
  ["POST", "/api/v9/notes", "GET, HEAD"],
  ["PATCH", "/api/v9/notes", "GET, HEAD"],
])(
  "%s %s, a path routed under other verbs only, is 405 with Allow: %s",
  async (method, path, allow) => {
    const { request, calls } = app(getNoteAnswer);
    const response = await request(path, { method, headers: signedIn(), json: {} });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe(allow);
    expect(await response.json()).toMatchObject({ error: { code: "METHOD_NOT_ALLOWED" } });
    expect(calls).toEqual([]);
  },
);

test("a path no verb routes stays 404", async () => {
  const { request } = app(getNoteAnswer);
  const response = await request("/api/v9/notes/a/b", { method: "PUT", headers: signedIn() });
  expect(response.status).toBe(404);
  expect(response.headers.get("allow")).toBeNull();
});

test("a HEAD is answered as its GET, with the same status and headers", async () => {
  const { request, calls } = app(getNoteAnswer);
  const response = await request(`/api/v9/notes/${NOTE_ID}`, {
    method: "HEAD",
    headers: signedIn(),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("application/json");
  expect(calls).toMatchObject([{ method: "/trellis.notes.v1.NotesService/GetNote" }]);
});

test("an unsafe method from another site is refused before the service is called", async () => {
  const { request, calls } = app(new Uint8Array());
  const response = await request(`/api/v9/notes/${NOTE_ID}`, {
    method: "DELETE",
    headers: signedIn({ "sec-fetch-site": "cross-site" }),
  });
  expect(response.status).toBe(403);
  expect(calls).toEqual([]);
});

test("a PUBLIC route spends the client address's quota: over it, 429 before the service is called", async () => {
  const [getNote] = routes;
  if (getNote === undefined) {
    throw new Error("no GetNote route");
  }
  const publicRoute = { ...getNote, rule: { ...getNote.rule, access: "public" as const } };
  const raw = fakeRaw(getNoteAnswer);
  const { request } = testApp({
    rest: { ...rest, routes: [publicRoute] },
    restClients: new Map([["trellis.notes.v1.NotesService", raw.client]]),
    publicLimiter: createMemoryRateLimiter({ name: "public", limit: 2, windowSeconds: 60 }),
  });

  const statuses: number[] = [];
  let last: Response | undefined;
  for (let i = 0; i < 3; i++) {
    last = await request(`/api/v9/notes/${NOTE_ID}`);
    statuses.push(last.status);
  }

  expect(statuses).toEqual([200, 200, 429]);
  expect(last?.headers.get("retry-after")).not.toBeNull();
  expect(raw.calls.map((call) => call.userId)).toEqual([undefined, undefined]);
});
