import { expect, test } from "bun:test";
import { appReturnTo, loginHref, signInErrorMessage, signInPath } from "./sign-in.ts";

const ORIGIN = "https://app.example.com";

const returnTos = [
  { name: "keeps an app path with its query", input: "/?q=1", want: "/?q=1" },
  { name: "defaults to / when absent", input: null, want: "/" },
  { name: "refuses another origin", input: "https://evil.example/", want: "/" },
  { name: "refuses a protocol-relative URL", input: "//evil.example", want: "/" },
  { name: "refuses a backslash host", input: "/\\evil.example", want: "/" },
  { name: "refuses the sign-in page itself (no loop)", input: "/signin?error=x", want: "/" },
  { name: "refuses a relative path", input: "notes", want: "/" },
  { name: "refuses a path that normalises to another host", input: "/.//evil.example", want: "/" },
  { name: "refuses an encoded dot before //", input: "/%2e//evil.example", want: "/" },
  { name: "refuses the sign-in page behind a dot segment", input: "/./signin", want: "/" },
];

// The rule itself is the gateway's (gateway/src/auth/return-to.test.ts); these are the app's.
test.each(returnTos)("appReturnTo $name", ({ input, want }) => {
  expect(appReturnTo(input, ORIGIN)).toBe(want);
});

test.each([
  { code: null, want: null },
  { code: "", want: null },
  {
    code: "denied",
    want: "Sign-in was cancelled at the provider. Choose a way to sign in to continue.",
  },
  { code: "rate_limited", want: "Too many sign-in attempts. Please wait a minute and try again." },
  {
    code: "rejected",
    want: "The provider's answer failed our checks, so you weren't signed in. Please try again.",
  },
  {
    code: "misconfigured",
    want: "This sign-in method isn't set up correctly on the server. Please tell the site's operator.",
  },
  { code: "toString", want: "Sign-in didn't work. Please try again." },
  { code: "<script>", want: "Sign-in didn't work. Please try again." },
])("signInErrorMessage($code)", ({ code, want }) => {
  expect(signInErrorMessage(code)).toBe(want);
});

test("login links carry returnTo only when it is not /", () => {
  expect(loginHref("dev", "/")).toBe("/auth/dev/login");
  expect(loginHref("github", "/?page=2")).toBe("/auth/github/login?returnTo=%2F%3Fpage%3D2");
});

test("the sign-in path remembers a safe place to return to", () => {
  expect(signInPath("/", ORIGIN)).toBe("/signin");
  expect(signInPath("/?q=1", ORIGIN)).toBe("/signin?returnTo=%2F%3Fq%3D1");
  expect(signInPath("//evil.example", ORIGIN)).toBe("/signin");
  expect(signInPath("/.//evil.example", ORIGIN)).toBe("/signin");
});
