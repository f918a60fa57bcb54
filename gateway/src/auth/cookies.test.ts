import { expect, test } from "bun:test";
import fc from "fast-check";
import { clearCookie, cookieValue, type SetCookieHeaders, setCookie } from "./cookies.ts";

const TOKEN = "abcdefghijklmnopqrstuvwx.abcdefghijklmnopqrstuvwx";

test.each([
  { name: "the one cookie", header: `session=${TOKEN}`, want: TOKEN },
  { name: "one among others", header: `a=1; session=${TOKEN}; b=2`, want: TOKEN },
  { name: "no Cookie header", header: null, want: null },
  { name: "another cookie only", header: "a=1", want: null },
  { name: "a name that ends with ours", header: `__Host-session=${TOKEN}`, want: null },
  { name: "an empty value", header: "session=", want: null },
  { name: "the first of duplicates", header: "session=first; session=second", want: "first" },
  // Elysia's jar parsed these as JSON; a token is a string, whatever it looks like.
  { name: "a JSON-looking value, as text", header: 'session={"a":1}', want: '{"a":1}' },
  { name: "a percent-encoded value, decoded", header: "session=a%20b", want: "a b" },
  { name: "bad percent-encoding, as sent", header: "session=%E0%A4%A", want: "%E0%A4%A" },
  { name: "spaces around the pair", header: `  session = ${TOKEN} ;`, want: TOKEN },
  { name: "a pair with no '='", header: `session; session=${TOKEN}`, want: TOKEN },
])("reads $name", ({ header, want }) => {
  expect(cookieValue(header, "session")).toBe(want);
});

// What a browser, a proxy or an attacker may send: the characters that structure a Cookie header
// (and break percent-decoding), our names, and any other text.
const headerText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'=; ,\t"%', "session", "login", "%zz", "%E0", "\u00e9") }),
  fc.string({ unit: "binary" }),
  fc.string({ unit: "binary", minLength: 8_000, maxLength: 20_000 }),
);

test("any Cookie header reads as null or a non-empty string, never a throw", () => {
  fc.assert(
    fc.property(headerText, fc.constantFrom("session", "__Host-session", "login"), (h, name) => {
      const value = cookieValue(h, name);
      expect(value === null || (typeof value === "string" && value !== "")).toBe(true);
    }),
  );
});

/** A cookie name as RFC 6265 allows it (a token), as the `cookie` package writes it. */
const cookieName = fc.stringMatching(/^[A-Za-z0-9!#$&'*+.^_`|~-]{1,20}$/);

test("a value written as a Set-Cookie line reads back the same from the Cookie header", () => {
  const others = fc.array(fc.tuple(cookieName, fc.string({ unit: "grapheme" })), {
    maxLength: 4,
  });
  fc.assert(
    fc.property(cookieName, fc.string({ unit: "grapheme", minLength: 1 }), others, (n, v, rest) => {
      const headers: SetCookieHeaders = {};
      setCookie(headers, n, v, { expires: new Date(0), secure: true });
      const [line = ""] = [headers["set-cookie"] ?? []].flat();
      // The browser sends back the pair, the part before the attributes, among its others.
      const pair = line.slice(0, line.indexOf(";"));
      const sent = [pair, ...rest.map(([name, value]) => `${name}=${encodeURIComponent(value)}`)];
      expect(cookieValue(sent.join("; "), n)).toBe(v);
    }),
  );
});

const EXPIRES = new Date("2026-12-30T00:00:00.000Z");

test.each([
  {
    name: "on https",
    secure: true,
    want: `__Host-session=${TOKEN}; Path=/; Expires=Wed, 30 Dec 2026 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax`,
  },
  {
    name: "on http, without Secure",
    secure: false,
    want: `session=${TOKEN}; Path=/; Expires=Wed, 30 Dec 2026 00:00:00 GMT; HttpOnly; SameSite=Lax`,
  },
])("sets a cookie $name with the attributes the jar wrote", ({ secure, want }) => {
  const headers: SetCookieHeaders = {};
  setCookie(headers, secure ? "__Host-session" : "session", TOKEN, { expires: EXPIRES, secure });
  expect(headers["set-cookie"]).toEqual([want]);
});

test("clears a cookie with the same attributes, expired at the epoch", () => {
  const headers: SetCookieHeaders = {};
  clearCookie(headers, "__Host-login", true);
  expect(headers["set-cookie"]).toEqual([
    "__Host-login=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax",
  ]);
});

test("each cookie is its own line, and setting a name again replaces its line", () => {
  const headers: SetCookieHeaders = { "set-cookie": "other=1; Path=/" };
  clearCookie(headers, "login", false);
  setCookie(headers, "session", "old", { expires: EXPIRES, secure: false });
  setCookie(headers, "session", "new", { expires: EXPIRES, secure: false });

  const names = [headers["set-cookie"] ?? []]
    .flat()
    .map((line) => line.slice(0, line.indexOf(";")));
  expect(names).toEqual(["other=1", "login=", "session=new"]);
});
