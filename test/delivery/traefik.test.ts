// deploy/traefik/dynamic.yaml, the public entry's routes: what they name exists, they are HTTPS
// only, send the security headers, and rate-limit /auth. Each rule also fails a broken sample.
import { expect, test } from "bun:test";
import { parse } from "yaml";
import { readText } from "./repo.ts";
import {
  pathIsRateLimited,
  routersNameWhatExists,
  routersSendSecurityHeaders,
  routersServeHttpsWith,
  type TraefikDynamic,
  type TraefikRule,
} from "./traefik-rules.ts";

// The names compose.yaml gives Traefik's certificate resolver and HTTPS entrypoint.
const rules: { name: string; check: TraefikRule }[] = [
  { name: "routers name what exists", check: routersNameWhatExists },
  { name: "routers are HTTPS only", check: routersServeHttpsWith("letsencrypt", "websecure") },
  { name: "/auth is rate-limited", check: pathIsRateLimited("/auth") },
  { name: "routers send security headers", check: routersSendSecurityHeaders },
];

const dynamic = parse(await readText("deploy/traefik/dynamic.yaml")) as TraefikDynamic;

test.each(rules)("deploy/traefik/dynamic.yaml: $name", ({ check }) => {
  expect(check(dynamic)).toEqual([]);
});

test("compose.yaml names the resolver and entrypoint the routes use", async () => {
  const compose = await readText("deploy/compose.yaml");
  expect(compose).toContain("--certificatesresolvers.letsencrypt.acme.");
  expect(compose).toContain("--entrypoints.websecure.address=:443");
});

const headers = {
  headers: { stsSeconds: 1, contentTypeNosniff: true, frameDeny: true },
};
const router = {
  rule: "Host(`x`)",
  entryPoints: ["websecure"],
  middlewares: ["h"],
  service: "s",
  tls: { certResolver: "letsencrypt" },
};
const good: TraefikDynamic = {
  http: {
    routers: {
      app: router,
      auth: { ...router, rule: "PathPrefix(`/auth`)", middlewares: ["h", "r"] },
    },
    middlewares: { h: headers, r: { rateLimit: { average: 1 } } },
    services: { s: {} },
  },
};
const withRouter = (changes: Record<string, unknown>): TraefikDynamic => ({
  http: { ...good.http, routers: { ...good.http?.routers, app: { ...router, ...changes } } },
});

const brokenSamples = [
  { name: "routers name what exists", sample: withRouter({ service: "nope" }) },
  { name: "routers name what exists", sample: withRouter({ middlewares: ["nope"] }) },
  { name: "routers are HTTPS only", sample: withRouter({ tls: undefined }) },
  { name: "routers are HTTPS only", sample: withRouter({ entryPoints: ["web", "websecure"] }) },
  {
    name: "/auth is rate-limited",
    sample: { http: { ...good.http, routers: { app: router } } },
  },
  { name: "routers send security headers", sample: withRouter({ middlewares: [] }) },
];

test.each(rules)("the good sample passes: $name", ({ check }) => {
  expect(check(good)).toEqual([]);
});

test.each(brokenSamples)("a broken sample fails: $name", ({ name, sample }) => {
  const check = rules.find((rule) => rule.name === name)?.check;
  expect(check?.(sample).length).toBeGreaterThan(0);
});
