import { expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import type { CallSettings } from "@trellis/service-kit";
import fc from "fast-check";
import { fakeNotes, grpcError } from "../testing/fake-clients.ts";
import { signedIn, testApp } from "../testing/test-app.ts";

const NOTE_ID = "0190a1b2-0000-7000-8000-0000000000b1";
const PROBLEM = "must be 1 to 255 visible ASCII characters (no spaces)";

/** Fake notes that record the settings of every call, so a test sees the forwarded key. */
function notesSeeingSettings(failure?: Error) {
  const notes = fakeNotes(failure === undefined ? {} : { failure });
  const settings: (CallSettings | undefined)[] = [];
  const seeing = {
    ...notes,
    createNote: (request: Parameters<typeof notes.createNote>[0], given?: CallSettings) => {
      settings.push(given);
      return notes.createNote(request, given);
    },
    deleteNote: (request: Parameters<typeof notes.deleteNote>[0], given?: CallSettings) => {
      settings.push(given);
      return notes.deleteNote(request, given);
    },
  };
  return { notes: seeing, calls: notes.calls, settings };
}

/** How a request ended: its status, the key the service got or the 400's words, the calls made. */
interface Outcome {
  status: number;
  forwarded?: string;
  message?: string;
  calls: number;
}

const cases: { name: string; method: string; path: string; key?: string; want: Outcome }[] = [
  {
    name: "forwards a POST's key to the service",
    method: "POST",
    path: "/api/notes",
    key: "order-42",
    want: { status: 201, forwarded: "order-42", calls: 1 },
  },
  {
    name: "forwards no key when the POST has none",
    method: "POST",
    path: "/api/notes",
    key: undefined,
    want: { status: 201, forwarded: undefined, calls: 1 },
  },
  {
    name: "ignores the header on a DELETE",
    method: "DELETE",
    path: `/api/notes/${NOTE_ID}`,
    key: "not checked here either",
    want: { status: 204, forwarded: undefined, calls: 1 },
  },
  {
    name: "refuses a key with a space, calling nothing",
    method: "POST",
    path: "/api/notes",
    key: "two words",
    want: { status: 400, message: `Idempotency-Key: ${PROBLEM}`, calls: 0 },
  },
  {
    name: "refuses a 256-character key, calling nothing",
    method: "POST",
    path: "/api/notes",
    key: "k".repeat(256),
    want: { status: 400, message: `Idempotency-Key: ${PROBLEM}`, calls: 0 },
  },
];

test.each(cases)("$name", async ({ method, path, key, want }) => {
  const { notes, calls, settings } = notesSeeingSettings();
  const { request } = testApp({ notes });
  const headers = signedIn(key === undefined ? {} : { "idempotency-key": key });
  const json = method === "POST" ? { title: "t" } : undefined;
  const response = await request(path, { method, headers, json });
  const message =
    response.status >= 400
      ? ((await response.json()) as { error: { message: string } }).error.message
      : undefined;
  // Whole outcomes compared; toEqual takes an absent field and undefined as the same.
  const got: Outcome = {
    status: response.status,
    forwarded: settings[0]?.idempotencyKey,
    message,
    calls: calls.length,
  };
  expect(got).toEqual(want);
});

test("a key reused with another request is 422 IDEMPOTENCY_KEY_REUSED with the service's words", async () => {
  const message = "Idempotency-Key: already used for a different request in the last 24 hours";
  const reused = Object.assign(grpcError(status.FAILED_PRECONDITION, message), {
    errorCode: "IDEMPOTENCY_KEY_REUSED",
  });
  const { notes } = notesSeeingSettings(reused);
  const { request } = testApp({ notes });
  const response = await request("/api/notes", {
    method: "POST",
    headers: signedIn({ "idempotency-key": "k" }),
    json: { title: "t" },
  });
  expect(response.status).toBe(422);
  expect(await response.json()).toMatchObject({
    error: { code: "IDEMPOTENCY_KEY_REUSED", message },
  });
});

test("forwards every well-formed key as sent, and refuses others with 400", async () => {
  const visible = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
  const header = fc.oneof(
    fc.string({ unit: visible, minLength: 1, maxLength: 255 }),
    fc.string({ unit: fc.constantFrom(..."ab -\t~é"), maxLength: 300 }),
  );
  // One app for every run: building one per run costs more than the test's time limit.
  const { notes, settings } = notesSeeingSettings();
  const { request } = testApp({ notes });
  await fc.assert(
    fc.asyncProperty(header, async (key) => {
      settings.length = 0;
      const response = await request("/api/notes", {
        method: "POST",
        headers: signedIn({ "idempotency-key": key }),
        json: { title: "t" },
      });
      // HTTP drops a value's outer spaces and tabs: the gateway judges what is left.
      const sent = key.replace(/^[ \t]+|[ \t]+$/g, "");
      const wellFormed = /^[\x21-\x7e]{1,255}$/.test(sent);
      expect([response.status, settings[0]?.idempotencyKey]).toEqual(
        wellFormed ? [201, sent] : [400, undefined],
      );
    }),
    { numRuns: 200 },
  );
});
