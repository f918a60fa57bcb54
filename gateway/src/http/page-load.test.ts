import { expect, test } from "bun:test";
import { isPageLoad } from "./page-load.ts";

const HTML = "text/html,application/xhtml+xml,*/*;q=0.8";

test.each([
  { name: "a browser's GET of a page", method: "GET", accept: HTML, want: true },
  { name: "a HEAD of that page", method: "HEAD", accept: HTML, want: true },
  { name: "a form POST", method: "POST", accept: HTML, want: false },
  { name: "an API client's GET", method: "GET", accept: "application/json", want: false },
  { name: "a GET with no Accept", method: "GET", accept: null, want: false },
])("$name: $want", ({ method, accept, want }) => {
  const headers = new Headers();
  if (accept !== null) {
    headers.set("accept", accept);
  }
  const request = new Request("http://localhost:3000/signin", { method, headers });
  expect(isPageLoad(request)).toBe(want);
});
