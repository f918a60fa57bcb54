import { expect, test } from "bun:test";
import { testApp } from "../testing/test-app.ts";
import { docsContentSecurityPolicy } from "./docs.ts";

// /docs runs only what the gateway itself serves: no script from another origin, none inline.

const page = async () => {
  const response = await testApp().request("/docs");
  return { response, html: await response.text() };
};

test("the /docs page has a CSP allowing scripts, styles and requests from this origin only", async () => {
  const { response } = await page();
  const csp = response.headers.get("content-security-policy") ?? "";

  expect(response.status).toBe(200);
  expect(csp).toBe(docsContentSecurityPolicy);
  const directives = Object.fromEntries(
    csp.split(";").map((part) => {
      const [name = "", ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
  expect(directives).toMatchObject({
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
  });
  expect(csp).not.toContain("unsafe-inline");
  expect(csp).not.toContain("unsafe-eval");
  expect(csp).not.toMatch(/https?:/);
});

test("every script and stylesheet of /docs is a same-origin path, and no script is inline", async () => {
  const { html } = await page();
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  const sources = scripts.map(([, attributes = ""]) => /src="([^"]*)"/.exec(attributes)?.[1]);
  const links = [...html.matchAll(/<link\b[^>]*href="([^"]*)"/g)].map(([, href]) => href);

  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.map(([, , body]) => body?.trim())).toEqual(scripts.map(() => ""));
  for (const url of [...sources, ...links]) {
    expect(url).toMatch(/^\/(?!\/)/);
  }
});

test.each([
  {
    path: "/docs/swagger-ui-bundle.js",
    type: "text/javascript; charset=utf-8",
    holds: "SwaggerUIBundle",
  },
  { path: "/docs/swagger-ui.css", type: "text/css; charset=utf-8", holds: ".swagger-ui" },
  { path: "/docs/init.js", type: "text/javascript; charset=utf-8", holds: "/openapi.json" },
])("$path is served from this origin as $type", async ({ path, type, holds }) => {
  const response = await testApp().request(path);

  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe(type);
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(await response.text()).toContain(holds);
});

test.each(["/docs/constructor", "/docs/package.json", "/docs/..%2fapp.ts"])(
  "%s is not a file of /docs",
  async (path) => {
    expect((await testApp().request(path)).status).toBe(404);
  },
);

test("the OpenAPI document is still served, without the docs' own routes", async () => {
  const response = await testApp().request("/openapi.json");
  const document = (await response.json()) as { paths: Record<string, unknown> };

  expect(response.status).toBe(200);
  expect(Object.keys(document.paths)).toContain("/api/notes");
  expect(Object.keys(document.paths).filter((path) => path.startsWith("/docs"))).toEqual([]);
});
