import { expect, test } from "bun:test";
import fc from "fast-check";
import { maxReturnToLength, safeReturnTo } from "./return-to.ts";

const APP_ORIGIN = "https://app.example.com";
// A browser resolves `Location` against the URL it was answered on: the provider's callback.
const CALLBACK_URL = `${APP_ORIGIN}/auth/github/callback?code=c&state=s`;

const kept = [
  { name: "a path", input: "/notes", want: "/notes" },
  { name: "a path with a query", input: "/notes?page=2", want: "/notes?page=2" },
  { name: "a path with a fragment", input: "/notes#n-1", want: "/notes#n-1" },
  { name: "the root", input: "/", want: "/" },
  { name: "dot segments, normalised", input: "/a/../notes", want: "/notes" },
  { name: "an encoded backslash inside a path", input: "/a/%5cb", want: "/a/%5cb" },
  { name: "non-ASCII, percent-encoded", input: "/notes/é", want: "/notes/%C3%A9" },
  { name: "a space in the query, encoded", input: "/?q=a b", want: "/?q=a%20b" },
];

test.each(kept)("safeReturnTo keeps $name", ({ input, want }) => {
  expect(safeReturnTo(input, APP_ORIGIN)).toBe(want);
});

// Each of these was answered, after the callback, with a Location a browser reads as another
// host (the first seven were already refused; the rest came out as "//evil.example...").
const bypasses = [
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "/\\/evil.example",
  "https://evil.example/x",
  "http:/evil.example",
  "javascript:alert(1)",
  "/.//evil.example/x",
  "/./\\evil.example",
  "/a/..//evil.example",
  "/a/../\\evil.example",
  "/%2e//evil.example",
  "/%2E//evil.example",
  "/%2e%2e//evil.example",
  "/a/%2e%2e//evil.example",
  "/%2e./\\evil.example",
  "/./%2e//evil.example",
  "/.\\/evil.example",
  "/.//\\evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r/evil.example",
  "/\t\\evil.example",
  "/./\t/evil.example",
  "/.\t//evil.example",
  "/\t.//evil.example",
  "/.\n//evil.example",
  "/.//%5cevil.example",
  "/.//evil.example%5c@app.example.com",
  "/.//evil.example:443/x",
  "/.//evil%E3%80%82example",
  "/.//evil\u3002example",
];

test.each(bypasses)("safeReturnTo refuses %p", (input) => {
  expect(safeReturnTo(input, APP_ORIGIN)).toBe("/");
});

// Encoded separators and whitespace are not decoded by URL parsing: these stay paths here.
const neutral = [
  { input: "/.%09//evil.example", want: "/.%09//evil.example" },
  { input: "/.%0a//evil.example", want: "/.%0a//evil.example" },
  { input: "/%2e%0d//evil.example", want: "/%2e%0d//evil.example" },
  { input: "/./%5c/evil.example", want: "/%5c/evil.example" },
  { input: "/.%5c/evil.example", want: "/.%5c/evil.example" },
  { input: "/.%2f/evil.example", want: "/.%2f/evil.example" },
  { input: "/. //evil.example", want: "/.%20//evil.example" },
];

test.each(neutral)("safeReturnTo keeps $input on this origin", ({ input, want }) => {
  const got = safeReturnTo(input, APP_ORIGIN);
  expect(got).toBe(want);
  expect(new URL(got, CALLBACK_URL).origin).toBe(APP_ORIGIN);
});

const refused = [
  { name: "absent", input: undefined },
  { name: "null", input: null },
  { name: "a relative path", input: "notes" },
  { name: "a URL naming this origin (a path is asked for)", input: `${APP_ORIGIN}/notes` },
  { name: "leading whitespace", input: " /notes" },
  { name: "a huge value", input: `/${"a".repeat(5000)}` },
  { name: "a value that encodes past the limit", input: `/${"é".repeat(maxReturnToLength / 2)}` },
];

test.each(refused)("safeReturnTo answers / for $name", ({ input }) => {
  expect(safeReturnTo(input, APP_ORIGIN)).toBe("/");
});

// What an attacker builds returnTo from: separators, dot segments in every spelling, encoded
// and raw whitespace, userinfo and port markers, look-alike dots and slashes, and plain text.
const piece = fc.constantFrom(
  "/",
  "\\",
  ".",
  "..",
  "%2e",
  "%2E",
  "%2f",
  "%5c",
  "%5C",
  "%09",
  "%0a",
  "%0d",
  "%00",
  "%",
  "%25",
  "\t",
  "\n",
  "\r",
  " ",
  "\u00a0",
  "\u3002",
  "\uff0e",
  "\uff0f",
  "\u2215",
  "@",
  ":",
  "?",
  "#",
  "evil.example",
  "app.example.com",
  "https:",
  "javascript:",
  "a",
  "é",
);
const attack = fc.oneof(
  fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join("")),
  fc.array(piece, { maxLength: 12 }).map((pieces) => `/${pieces.join("")}`),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }).map((text) => `/${text}`),
);

test("every accepted value resolves, as a browser resolves Location, to APP_ORIGIN", () => {
  fc.assert(
    fc.property(attack, (input) => {
      const got = safeReturnTo(input, APP_ORIGIN);
      expect(new URL(got, APP_ORIGIN).origin).toBe(APP_ORIGIN);
      expect(new URL(got, CALLBACK_URL).origin).toBe(APP_ORIGIN);
      expect(got.startsWith("/") && !got.startsWith("//") && !got.startsWith("/\\")).toBe(true);
      // A header value: no whitespace a browser strips, nothing beyond ASCII.
      expect(got).toMatch(/^[\x21-\x7e]+$/);
      expect(got.length).toBeLessThanOrEqual(maxReturnToLength);
    }),
    { numRuns: 5_000 },
  );
});

test("what login keeps, the callback's second check keeps unchanged", () => {
  fc.assert(
    fc.property(attack, (input) => {
      const once = safeReturnTo(input, APP_ORIGIN);
      expect(safeReturnTo(once, APP_ORIGIN)).toBe(once);
    }),
    { numRuns: 2_000 },
  );
});

test("a plain path of this app is kept as it is", () => {
  const segment = fc.string({ unit: fc.constantFrom(..."abcxyz019-_~"), minLength: 1 });
  fc.assert(
    fc.property(fc.array(segment, { maxLength: 6 }), (segments) => {
      const path = `/${segments.join("/")}`;
      expect(safeReturnTo(path, APP_ORIGIN)).toBe(path);
    }),
  );
});
