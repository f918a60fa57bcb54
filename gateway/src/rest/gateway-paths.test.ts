import { expect, test } from "bun:test";
import { gatewayPathConflict } from "./gateway-paths.ts";
import { parseTemplate } from "./template.ts";

const route = (verb: string, text: string) => {
  const parsed = parseTemplate(text);
  if (!parsed.ok) {
    throw new Error(parsed.error.message);
  }
  return { service: "x.v1.X", method: "M", verb, template: parsed.template };
};

test.each([
  { template: "/auth/github/login", taken: "/auth/**" },
  { template: "/auth/{provider}/callback", taken: "/auth/**" },
  { template: "/api/me", taken: "/api/me" },
  { template: "/api/{x}", taken: "/api/me" },
  { template: "/api/notes/{id}/tags", taken: null },
  { template: "/{x=**}", taken: "/auth/**" },
  { template: "/openapi.json", taken: "/openapi.json" },
  { template: "/api/greetings", taken: null },
  { template: "/api/me/{x}", taken: null },
  { template: "/api/{x}/y", taken: null },
  { template: "/v1/{x}/y", taken: null },
  { template: "/healthz/{x}", taken: null },
])("$template against the gateway's paths: $taken", ({ template, taken }) => {
  const conflict = gatewayPathConflict(route("GET", template));
  expect(conflict).toBe(
    taken === null
      ? null
      : `GET ${template} (x.v1.X/M) and ${taken} (the gateway's own routes) match the same requests`,
  );
});
