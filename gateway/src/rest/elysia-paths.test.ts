import { expect, test } from "bun:test";
import { elysiaPathsOf } from "./elysia-paths.ts";
import type { RestRoute } from "./rest-api.ts";
import { parseTemplate } from "./template.ts";

const route = (verb: string, text: string): RestRoute => {
  const parsed = parseTemplate(text);
  if (!parsed.ok) {
    throw new Error(parsed.error.message);
  }
  return { verb, template: parsed.template } as RestRoute;
};

test.each([
  { templates: ["/api/greetings"], want: ["GET /api/greetings"] },
  { templates: ["/api/greetings/{id}"], want: ["GET /api/greetings/*"] },
  { templates: ["/api/g/{id}", "/api/g/{id}/x"], want: ["GET /api/g/*"] },
  { templates: ["/api/g:batch"], want: ["GET /api/*"] },
  { templates: ["/api/g/{id}:archive"], want: ["GET /api/g/*"] },
  { templates: ["/api/files/{path=**}"], want: ["GET /api/files/*", "GET /api/files"] },
  { templates: ["/api/{name=shelves/*}"], want: ["GET /api/*"] },
])("$templates mount at $want", ({ templates, want }) => {
  const paths = elysiaPathsOf(templates.map((text) => route("GET", text)));
  expect(paths.map(({ verb, path }) => `${verb} ${path}`)).toEqual([...want]);
});
