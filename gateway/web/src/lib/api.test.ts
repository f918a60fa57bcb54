import { expect, test } from "bun:test";
import { createApi } from "./api.ts";
import { ApiError, GENERIC_MESSAGE, OFFLINE_MESSAGE, SIGNED_OUT_MESSAGE } from "./api-error.ts";

const ORIGIN = "https://app.example.com";

interface Sent {
  url: string;
  method: string;
  body: unknown;
  contentType: string | null;
}

/** An API over a fetch that answers `answer` (or throws it) and records what was sent. */
function apiAnswering(answer: Response | Error) {
  const sent: Sent[] = [];
  let unauthorized = 0;
  const api = createApi({
    origin: ORIGIN,
    onUnauthorized: () => {
      unauthorized++;
    },
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      sent.push({
        url: String(input),
        method: init?.method ?? "GET",
        body: typeof init?.body === "string" ? JSON.parse(init.body) : null,
        // Only a body's type matters (Eden also labels bodyless GETs as JSON).
        contentType: typeof init?.body === "string" ? headers.get("content-type") : null,
      });
      if (answer instanceof Error) {
        throw answer;
      }
      return answer;
    },
  });
  return { api, sent, unauthorized: () => unauthorized };
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const gatewayError = (status: number, code: string, message: string): Response =>
  json(status, { error: { code, message, requestId: "r-1" } });

const failures = [
  {
    name: "shows the server's message for a 400",
    answer: gatewayError(400, "INVALID_ARGUMENT", "title: must not be empty"),
    want: { status: 400, message: "Title: must not be empty." },
  },
  {
    name: "shows the server's message for a 404",
    answer: gatewayError(404, "NOT_FOUND", "note 0190 not found"),
    want: { status: 404, message: "Note 0190 not found." },
  },
  {
    name: "keeps a message that already ends a sentence",
    answer: gatewayError(403, "PERMISSION_DENIED", "Not yours!"),
    want: { status: 403, message: "Not yours!" },
  },
  {
    name: "is generic for a 4xx without the gateway's error shape",
    answer: json(409, { nope: true }),
    want: { status: 409, message: GENERIC_MESSAGE },
  },
  {
    name: "is generic for a 500, whatever it says",
    answer: gatewayError(500, "INTERNAL", "internal error"),
    want: { status: 500, message: GENERIC_MESSAGE },
  },
  {
    name: "is generic for a 503",
    answer: gatewayError(503, "UNAVAILABLE", "a service is unavailable; try again shortly"),
    want: { status: 503, message: GENERIC_MESSAGE },
  },
  {
    name: "is generic for a proxy's plain-text 502",
    answer: new Response("Bad Gateway", { status: 502, headers: { "content-type": "text/plain" } }),
    want: { status: 502, message: GENERIC_MESSAGE },
  },
  {
    name: "says the network is down when fetch throws",
    answer: new TypeError("Failed to fetch"),
    want: { status: 0, message: OFFLINE_MESSAGE },
  },
  {
    name: "says the session ended on a 401",
    answer: gatewayError(401, "UNAUTHENTICATED", "sign in first"),
    want: { status: 401, message: SIGNED_OUT_MESSAGE },
  },
];

test.each(failures)("a failed call $name", async ({ answer, want }) => {
  const { api } = apiAnswering(answer);

  const error = await api.listNotes({ pageSize: 20, pageToken: "" }).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(ApiError);
  expect({ status: (error as ApiError).status, message: (error as ApiError).message }).toEqual(
    want,
  );
});

test("a 401 asks the app to send the user to sign in, once per call", async () => {
  const { api, unauthorized } = apiAnswering(gatewayError(401, "UNAUTHENTICATED", "sign in"));

  await api.me().catch(() => undefined);

  expect(unauthorized()).toBe(1);
});

test.each([
  { name: "signed out", user: null },
  {
    name: "signed in",
    user: {
      id: "u1",
      name: "Ada",
      email: "a@example.com",
      avatarUrl: "",
      createTime: "2026-01-02T03:04:05.000Z",
    },
  },
])("the session check answers $name without asking to sign in", async ({ user }) => {
  const { api, sent, unauthorized } = apiAnswering(Response.json({ user }));

  expect(await api.session()).toEqual({ user });
  expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual([`GET ${ORIGIN}/api/session`]);
  expect(unauthorized()).toBe(0);
});

test("no other failure signs the user out", async () => {
  for (const status of [400, 403, 404, 500, 503]) {
    const { api, unauthorized } = apiAnswering(gatewayError(status, "X", "x"));
    await api.me().catch(() => undefined);
    expect(unauthorized()).toBe(0);
  }
});

const NOTE = {
  id: "0190a1b2-0000-7000-8000-0000000000b1",
  title: "Groceries",
  body: "eggs",
  createTime: "2026-01-02T03:04:05.000Z",
  updateTime: "2026-01-02T03:04:05.000Z",
};

type Api = ReturnType<typeof createApi>;

const requests: {
  name: string;
  call: (api: Api) => Promise<unknown>;
  answer: Response;
  sent: Sent;
  want: unknown;
}[] = [
  {
    name: "lists the first page with its size",
    call: (api: Api) => api.listNotes({ pageSize: 20, pageToken: "" }),
    answer: json(200, { notes: [NOTE], nextPageToken: "t2" }),
    sent: { url: `${ORIGIN}/api/notes?page_size=20`, method: "GET", body: null, contentType: null },
    want: { notes: [NOTE], nextPageToken: "t2" },
  },
  {
    name: "lists a further page by its token",
    call: (api: Api) => api.listNotes({ pageSize: 5, pageToken: "t/2" }),
    answer: json(200, { notes: [], nextPageToken: "" }),
    sent: {
      url: `${ORIGIN}/api/notes?page_size=5&page_token=t%2F2`,
      method: "GET",
      body: null,
      contentType: null,
    },
    want: { notes: [], nextPageToken: "" },
  },
  {
    name: "creates a note as JSON",
    call: (api: Api) => api.createNote({ title: "Groceries", body: "eggs" }),
    answer: json(201, NOTE),
    sent: {
      url: `${ORIGIN}/api/notes`,
      method: "POST",
      body: { title: "Groceries", body: "eggs" },
      contentType: "application/json",
    },
    want: NOTE,
  },
  {
    name: "patches a note by id",
    call: (api: Api) => api.updateNote(NOTE.id, { title: "Shopping" }),
    answer: json(200, { ...NOTE, title: "Shopping" }),
    sent: {
      url: `${ORIGIN}/api/notes/${NOTE.id}`,
      method: "PATCH",
      body: { title: "Shopping" },
      contentType: "application/json",
    },
    want: { ...NOTE, title: "Shopping" },
  },
  {
    name: "deletes a note by id",
    call: (api: Api) => api.deleteNote(NOTE.id),
    answer: new Response(null, { status: 204 }),
    sent: {
      url: `${ORIGIN}/api/notes/${NOTE.id}`,
      method: "DELETE",
      body: null,
      contentType: null,
    },
    want: undefined,
  },
  {
    name: "signs out with a bodyless POST",
    call: (api: Api) => api.signOut(),
    answer: new Response(null, { status: 204 }),
    sent: { url: `${ORIGIN}/auth/logout`, method: "POST", body: null, contentType: null },
    want: undefined,
  },
  {
    name: "signs out everywhere with a bodyless POST",
    call: (api: Api) => api.signOutEverywhere(),
    answer: new Response(null, { status: 204 }),
    sent: {
      url: `${ORIGIN}/auth/logout-everywhere`,
      method: "POST",
      body: null,
      contentType: null,
    },
    want: undefined,
  },
  {
    name: "reads the sign-in providers",
    call: (api: Api) => api.providers(),
    answer: json(200, { providers: ["github", "dev"] }),
    sent: { url: `${ORIGIN}/auth/providers`, method: "GET", body: null, contentType: null },
    want: { providers: ["github", "dev"] },
  },
];

test.each(requests)("$name", async ({ call, answer, sent, want }) => {
  const fake = apiAnswering(answer);

  const got = await call(fake.api);

  expect(fake.sent).toEqual([sent]);
  expect(got).toEqual(want);
});
