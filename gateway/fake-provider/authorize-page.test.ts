import { afterAll, expect, test } from "bun:test";
import { denySignIn } from "./sign-in.ts";
import {
  CLIENT_ID,
  endpoints,
  newAuthorization,
  PROVIDERS,
  REDIRECT_URI,
  startTestProvider,
} from "./testing.ts";

const provider = startTestProvider();
afterAll(() => provider.stop());

const titles = {
  github: "Fake GitHub sign-in",
  google: "Fake Google sign-in",
  dev: "Fake Dev sign-in",
};

test.each(PROVIDERS)("%s shows a sign-in form whose every field has a label", async (name) => {
  const { url } = await newAuthorization(provider.issuerBase, name);

  const response = await fetch(url);
  const page = readPage(await response.text());

  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(page.title).toBe(titles[name]);
  expect(page.buttons).toEqual(["Sign in", "Deny"]);
  expect(page.unlabelled).toEqual([]);
  expect(page.fields).toContain("id");
  expect(page.hidden).toMatchObject({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI });
});

type Refusal = { name: string; only?: "github" | "oidc"; params: Record<string, string | null> };

const refusals: Refusal[] = [
  { name: "a missing code_challenge", params: { code_challenge: null } },
  { name: "the plain PKCE method", params: { code_challenge_method: "plain" } },
  { name: "a missing code_challenge_method", params: { code_challenge_method: null } },
  { name: "an unknown client_id", params: { client_id: "someone-else" } },
  { name: "a missing client_id", params: { client_id: null } },
  { name: "a missing redirect_uri", params: { redirect_uri: null } },
  { name: "a relative redirect_uri", params: { redirect_uri: "/callback" } },
  { name: "a javascript: redirect_uri", params: { redirect_uri: "javascript:alert(1)" } },
  { name: "a response_type other than code", params: { response_type: "token" } },
  { name: "a missing response_type", only: "oidc", params: { response_type: null } },
  { name: "a scope without openid", only: "oidc", params: { scope: "email profile" } },
];

const refusalCases = PROVIDERS.flatMap((name) =>
  refusals
    .filter((row) => row.only === undefined || row.only === (name === "github" ? "github" : "oidc"))
    .map((row) => ({ ...row, provider: name })),
);

test.each(refusalCases)("$provider refuses $name without redirecting", async (row) => {
  const { url } = await newAuthorization(provider.issuerBase, row.provider, row.params);

  const response = await fetch(url, { redirect: "manual" });

  expect(response.status).toBe(400);
  expect(response.headers.get("location")).toBeNull();
  expect(await response.text()).toContain("Sign-in request refused");
});

test.each(PROVIDERS)("%s refuses a posted form whose client_id was changed", async (name) => {
  const { url } = await newAuthorization(provider.issuerBase, name);
  const form = new URLSearchParams(new URL(url).search);
  form.set("client_id", "someone-else");
  form.set("id", "1");
  form.set("login", "someone");
  form.set("decision", "approve");

  const response = await fetch(url.split("?")[0] ?? "", {
    method: "POST",
    body: form,
    redirect: "manual",
  });

  expect(response.status).toBe(400);
  expect(response.headers.get("location")).toBeNull();
});

test.each(PROVIDERS)("%s redirects 'Deny' with error=access_denied", async (name) => {
  const { url, state } = await newAuthorization(provider.issuerBase, name);

  const location = new URL(await denySignIn(url));

  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
  expect(location.searchParams.get("error")).toBe("access_denied");
  expect(location.searchParams.get("state")).toBe(state);
  expect(location.searchParams.get("code")).toBeNull();
  const issuer = name === "github" ? null : `${provider.issuerBase}/${name}`;
  expect(location.searchParams.get("iss")).toBe(issuer);
});

const hostile = `"><script>alert(1)</script>`;

test.each(PROVIDERS)("%s escapes every echoed value", async (name) => {
  const { url } = await newAuthorization(provider.issuerBase, name, {
    state: hostile,
    scope: name === "github" ? hostile : `openid ${hostile}`,
    redirect_uri: `${REDIRECT_URI}?next=${encodeURIComponent(hostile)}`,
    ...(name === "github" ? {} : { nonce: hostile }),
  });

  const html = await (await fetch(url)).text();
  const page = readPage(html);

  expect(html).not.toContain(hostile);
  expect(html).not.toContain("<script");
  expect(page.hidden.state).toBe(hostile);
  expect(page.hidden.redirect_uri).toBe(`${REDIRECT_URI}?next=${encodeURIComponent(hostile)}`);
});

test("github refuses a non-numeric user id", async () => {
  const { url } = await newAuthorization(provider.issuerBase, "github");
  const form = new URLSearchParams(new URL(url).search);
  form.set("id", "octocat");
  form.set("login", "octocat");
  form.set("decision", "approve");

  const response = await fetch(endpoints(provider.issuerBase, "github").authorize, {
    method: "POST",
    body: form,
    redirect: "manual",
  });

  expect(response.status).toBe(400);
  expect(response.headers.get("location")).toBeNull();
});

/** What a person (or a screen reader) finds on the page. */
function readPage(html: string) {
  let title = "";
  const labels = new Set<string>();
  const fields: string[] = [];
  const fieldIds: string[] = [];
  const hidden: Record<string, string> = {};
  const buttons: string[] = [];
  new HTMLRewriter()
    .on("h1", {
      text(chunk) {
        title += chunk.text;
      },
    })
    .on("label[for]", {
      element(el) {
        labels.add(el.getAttribute("for") ?? "");
      },
    })
    .on("button", {
      text(chunk) {
        if (chunk.text !== "") {
          buttons.push(chunk.text);
        }
      },
    })
    .on("input", {
      element(el) {
        const name = el.getAttribute("name") ?? "";
        const type = el.getAttribute("type");
        if (type === "hidden") {
          hidden[name] = decode(el.getAttribute("value") ?? "");
        } else if (type !== "checkbox") {
          fields.push(name);
          fieldIds.push(el.getAttribute("id") ?? "");
        }
      },
    })
    .transform(html);
  const unlabelled = fieldIds.filter((id) => !labels.has(id));
  return { title, fields, hidden, buttons, unlabelled };
}

function decode(value: string): string {
  return value
    .replaceAll("&quot;", '"')
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}
