// deploy/traefik/dynamic.yaml, the public entry's routes: what they name exists, they are HTTPS
// only, send the security headers, and rate-limit /auth. Each rule also fails a broken sample.
import { describe, expect, test } from "bun:test";
import { parse } from "yaml";
import { readText } from "./repo.ts";
import {
  accessLogDropsQueryStrings,
  pathIsRateLimited,
  routersNameWhatExists,
  routersSendSecurityHeaders,
  routersServeHttpsWith,
  type TraefikDynamic,
  type TraefikRule,
  type TraefikService,
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

describe("the access log (deploy/compose.yaml's Traefik command)", () => {
  test("keeps no query string: the OAuth code and state of /auth callbacks stay out", async () => {
    const compose = parse(await readText("deploy/compose.yaml")) as {
      services: { traefik: TraefikService };
    };
    expect(accessLogDropsQueryStrings(compose.services.traefik)).toEqual([]);
  });

  const image = `traefik:v3.7.5@sha256:${"a".repeat(64)}`;
  const samples: { name: string; service: TraefikService; problems: number }[] = [
    {
      name: "the access log on, dropping query strings",
      service: {
        image,
        command: ["--accesslog=true", "--accesslog.fields.queryParameters.defaultMode=drop"],
      },
      problems: 0,
    },
    { name: "no access log at all", service: { image, command: ["--ping=true"] }, problems: 0 },
    {
      name: "the access log turned off",
      service: { image, command: ["--accesslog=false"] },
      problems: 0,
    },
    {
      name: "the access log with its defaults",
      service: { image, command: ["--accesslog"] },
      problems: 1,
    },
    {
      name: "query strings kept explicitly",
      service: {
        image,
        command: ["--accesslog=true", "--accesslog.fields.queryparameters.defaultmode=keep"],
      },
      problems: 1,
    },
    {
      name: "query strings 'redacted', which Traefik accepts and keeps them",
      service: {
        image,
        command: ["--accesslog=true", "--accesslog.fields.queryparameters.defaultmode=redact"],
      },
      problems: 1,
    },
    {
      name: "only a file path for the log",
      service: { image, command: "--accesslog.filepath=/var/log/access.log" },
      problems: 1,
    },
    {
      name: "a Traefik release before 3.7.3",
      service: {
        image: "traefik:v3.7.2",
        command: ["--accesslog=true", "--accesslog.fields.queryparameters.defaultmode=drop"],
      },
      problems: 1,
    },
  ];

  test.each(samples)("$name: $problems problem(s)", ({ service, problems }) => {
    expect(accessLogDropsQueryStrings(service)).toHaveLength(problems);
  });
});
