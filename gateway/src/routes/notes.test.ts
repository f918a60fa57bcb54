import { expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import { EMPTY_MASK, fakeNotes, grpcError, USER } from "../testing/fake-clients.ts";
import { signedIn, testApp } from "../testing/test-app.ts";

const NOTE_ID = "0190a1b2-0000-7000-8000-0000000000b1";
const noteJson = {
  id: NOTE_ID,
  title: "Groceries",
  body: "eggs",
  createTime: "2026-01-02T03:04:05.000Z",
  updateTime: "2026-01-02T03:04:05.000Z",
};

const cases = [
  {
    name: "lists a page of the user's notes",
    method: "GET",
    path: "/api/notes?page_size=5&page_token=abc",
    want: { status: 200, body: { notes: [noteJson], nextPageToken: "next" } },
    call: { method: "listNotes", request: { pageSize: 5, pageToken: "abc" }, userId: USER.id },
  },
  {
    name: "creates a note",
    method: "POST",
    path: "/api/notes",
    json: { title: "New", body: "text" },
    want: { status: 201, body: { ...noteJson, title: "New", body: "text" } },
    call: { method: "createNote", request: { title: "New", body: "text" }, userId: USER.id },
  },
  {
    name: "creates a note with no body",
    method: "POST",
    path: "/api/notes",
    json: { title: "New" },
    want: { status: 201, body: { ...noteJson, title: "New", body: "" } },
    call: { method: "createNote", request: { title: "New", body: "" }, userId: USER.id },
  },
  {
    name: "reads one note",
    method: "GET",
    path: `/api/notes/${NOTE_ID}`,
    want: { status: 200, body: noteJson },
    call: { method: "getNote", request: { id: NOTE_ID }, userId: USER.id },
  },
  {
    name: "changes only the title, masking the body out",
    method: "PATCH",
    path: `/api/notes/${NOTE_ID}`,
    json: { title: "Renamed" },
    want: { status: 200, body: { ...noteJson, title: "Renamed", body: "" } },
    call: {
      method: "updateNote",
      request: { note: { id: NOTE_ID, title: "Renamed", body: "" }, updateMask: ["title"] },
      userId: USER.id,
    },
  },
  {
    name: "deletes a note",
    method: "DELETE",
    path: `/api/notes/${NOTE_ID}`,
    want: { status: 204, body: null },
    call: { method: "deleteNote", request: { id: NOTE_ID }, userId: USER.id },
  },
];

test.each(cases)("$name", async ({ method, path, json, want, call }) => {
  const notes = fakeNotes();
  const { request } = testApp({ notes });

  const response = await request(path, { method, headers: signedIn(), json });
  const body = response.status === 204 ? null : await response.json();

  expect({ status: response.status, body }).toEqual(want);
  // As Response.json sent it before the body was written from the binary (stream-json.ts).
  expect(response.headers.get("content-type")).toBe(
    want.status === 204 ? null : "application/json;charset=utf-8",
  );
  expect(notes.calls).toEqual([call]);
});

const refusals = [
  {
    name: "a title that is not a string",
    path: "/api/notes",
    method: "POST",
    json: { title: 5 },
    want: [400, "title: expected a string"],
  },
  {
    name: "a page_size that is not a number",
    path: "/api/notes?page_size=ten",
    method: "GET",
    json: undefined,
    want: [400, 'query parameter "page_size": expected a 32-bit integer'],
  },
];

test.each(refusals)("refuses $name without calling notes", async ({ path, method, json, want }) => {
  const notes = fakeNotes();
  const { request } = testApp({ notes });

  const response = await request(path, { method, headers: signedIn(), json });
  const body = (await response.json()) as { error: { message: string } };

  expect([response.status, body.error.message]).toEqual(want);
  expect(notes.calls).toEqual([]);
});

// The service, not the gateway, refuses a PATCH naming no field (as it does over gRPC).
test("passes on the service's refusal of a PATCH that changes nothing", async () => {
  const notes = fakeNotes();
  const { request } = testApp({ notes });

  const response = await request(`/api/notes/${NOTE_ID}`, {
    method: "PATCH",
    headers: signedIn(),
    json: {},
  });
  const body = (await response.json()) as { error: { message: string } };

  expect([response.status, body.error.message]).toEqual([400, EMPTY_MASK]);
  expect(notes.calls.map((call) => call.request)).toEqual([
    { note: { id: NOTE_ID, title: "", body: "" }, updateMask: [] },
  ]);
});

const failures = [
  {
    name: "a refused title",
    error: grpcError(status.INVALID_ARGUMENT, "title: must not be empty"),
    want: [400, "INVALID_ARGUMENT", "title: must not be empty"],
  },
  {
    name: "another user's note",
    error: grpcError(status.NOT_FOUND, `note ${NOTE_ID} not found`),
    want: [404, "NOT_FOUND", `note ${NOTE_ID} not found`],
  },
  {
    name: "a stopped notes service",
    error: grpcError(status.UNAVAILABLE, "connect ECONNREFUSED 127.0.0.1:50051"),
    want: [503, "UNAVAILABLE", "a service is unavailable; try again shortly"],
  },
  {
    name: "a slow notes service",
    error: grpcError(status.DEADLINE_EXCEEDED, "Deadline exceeded"),
    want: [504, "DEADLINE_EXCEEDED", "a service took too long to answer"],
  },
  {
    name: "an unexpected failure",
    error: new Error("TypeError: x is undefined at /app/src/y.ts"),
    want: [500, "INTERNAL", "internal error"],
  },
];

test.each(failures)(
  "answers $want.0 for $name, with nothing internal in the body",
  async ({ error, want }) => {
    const { request } = testApp({ notes: fakeNotes({ failure: error }) });

    const response = await request(`/api/notes/${NOTE_ID}`, { headers: signedIn() });
    const body = (await response.json()) as {
      error: { code: string; message: string; requestId: string };
    };

    expect([response.status, body.error.code, body.error.message]).toEqual(want);
    expect(body.error.requestId).toBe(response.headers.get("x-request-id") ?? "missing");
  },
);

test("every notes route needs a session", async () => {
  const notes = fakeNotes();
  const { request } = testApp({ notes });

  const responses = await Promise.all([
    request("/api/notes"),
    request("/api/notes", {
      method: "POST",
      headers: { "sec-fetch-site": "same-origin" },
      json: { title: "x" },
    }),
    request(`/api/notes/${NOTE_ID}`),
    request(`/api/notes/${NOTE_ID}`, {
      method: "DELETE",
      headers: { "sec-fetch-site": "same-origin" },
    }),
  ]);

  expect(responses.map((response) => response.status)).toEqual([401, 401, 401, 401]);
  expect(notes.calls).toEqual([]);
});

test("identity headers sent by a client are ignored: the user comes from the session", async () => {
  const notes = fakeNotes();
  const { request } = testApp({ notes });

  await request("/api/notes", {
    headers: signedIn({
      "x-user-id": "0190a1b2-0000-7000-8000-0000000000ff",
      "x-trellis-caller": "v1.x.1.y",
    }),
  });

  expect(notes.calls.map((call) => call.userId)).toEqual([USER.id]);
});
