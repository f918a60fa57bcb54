// The Compose files, checked without a Docker engine: the Compose specification's schema,
// dclint, and our rules for the stack from source (compose.yaml) and the deployment
// (deploy/compose.yaml). Every rule is also run once on a broken sample.
import { describe, expect, test } from "bun:test";
import { parse } from "yaml";
import {
  type ComposeFile,
  type ComposeRule,
  dependsOnWaitsForHealthy,
  everyImageIsPinnedByDigest,
  everyServiceHasAHealthcheck,
  everyServiceHasLimits,
  everyServiceRestarts,
  noSecretInPlainEnvironment,
  nothingBuildsOnTheHost,
  onlyThesePublishPorts,
  portsBindLoopbackExcept,
  secretsAreDeclaredFiles,
} from "./compose-rules.ts";
import { composeSchemaErrors } from "./compose-schema.ts";
import { dclint, LINTER_TIMEOUT_MS, lintText } from "./linters.ts";
import { COMPOSE_FILES, contextOf, DOCKERFILES, readText } from "./repo.ts";

const FILES = [...COMPOSE_FILES, "deploy/compose.jaeger-ui.yaml"];

async function compose(path: string): Promise<ComposeFile> {
  return parse(await readText(path)) as ComposeFile;
}

describe("the Compose files", () => {
  test.each(FILES)("%s matches the Compose specification's schema", async (path) => {
    expect(composeSchemaErrors(await readText(path))).toEqual([]);
  });

  test.each(FILES)(
    "%s passes dclint with no warning",
    (path) => {
      const result = dclint(path);
      expect(result.ok, result.output).toBe(true);
    },
    LINTER_TIMEOUT_MS,
  );
});

const rules: { file: string; rule: string; check: ComposeRule }[] = [
  {
    file: "compose.yaml",
    rule: "every service has a healthcheck",
    check: everyServiceHasAHealthcheck,
  },
  { file: "compose.yaml", rule: "depends_on waits for healthy", check: dependsOnWaitsForHealthy },
  {
    file: "compose.yaml",
    rule: "only the gateway, Jaeger and the collector publish ports",
    check: onlyThesePublishPorts(["gateway", "jaeger", "otel-collector"]),
  },
  { file: "compose.yaml", rule: "ports bind loopback", check: portsBindLoopbackExcept([]) },
  {
    file: "deploy/compose.yaml",
    rule: "every service has a healthcheck",
    check: everyServiceHasAHealthcheck,
  },
  {
    file: "deploy/compose.yaml",
    rule: "depends_on waits for healthy",
    check: dependsOnWaitsForHealthy,
  },
  {
    file: "deploy/compose.yaml",
    rule: "only Traefik publishes ports",
    check: onlyThesePublishPorts(["traefik"]),
  },
  {
    file: "deploy/compose.yaml",
    rule: "every image is pinned by digest",
    check: everyImageIsPinnedByDigest,
  },
  {
    file: "deploy/compose.yaml",
    rule: "nothing builds on the host",
    check: nothingBuildsOnTheHost,
  },
  { file: "deploy/compose.yaml", rule: "every service restarts", check: everyServiceRestarts },
  { file: "deploy/compose.yaml", rule: "every service has limits", check: everyServiceHasLimits },
  {
    file: "deploy/compose.yaml",
    rule: "no secret in plain environment",
    check: noSecretInPlainEnvironment,
  },
  {
    file: "deploy/compose.yaml",
    rule: "secrets are declared files in secrets/",
    check: secretsAreDeclaredFiles,
  },
];

test.each(rules)("$file: $rule", async ({ file, check }) => {
  expect(check(await compose(file))).toEqual([]);
});

const PLACEHOLDER = `sha256:${"0".repeat(64)}`;

test("deploy/compose.yaml uses the placeholder digest only for our own, unreleased images", async () => {
  const { services = {} } = await compose("deploy/compose.yaml");
  const placeholders = Object.values(services)
    .map((service) => service.image ?? "")
    .filter((image) => image.endsWith(PLACEHOLDER));
  expect(placeholders.every((image) => /^ghcr\.io\/[^/]+\/trellis-[a-z]+:/.test(image))).toBe(true);
});

test("the stack from source runs the Postgres, Jaeger and collector that production runs", async () => {
  const local = (await compose("compose.yaml")).services ?? {};
  const deployed = (await compose("deploy/compose.yaml")).services ?? {};
  for (const name of ["postgres", "jaeger", "otel-collector"]) {
    expect(local[name]?.image).toBe(deployed[name]?.image ?? "missing");
  }
});

test("the stack from source builds each image from its own folder, @trellis/* from .packed", async () => {
  const services = (await compose("compose.yaml")).services ?? {};
  const builds = Object.values(services).flatMap((service) =>
    service.build === undefined ? [] : [service.build as Record<string, unknown>],
  );
  expect(builds.map((build) => build.context).sort()).toEqual(DOCKERFILES.map(contextOf).sort());
  for (const build of builds) {
    // The folder's own Dockerfile, which Compose finds there by default.
    expect(build.dockerfile ?? "Dockerfile").toBe("Dockerfile");
    expect(build.additional_contexts).toEqual({ "local-packages": ".packed" });
  }
});

test("CI tests on the Postgres that production runs", async () => {
  const deployed = (await compose("deploy/compose.yaml")).services?.postgres?.image ?? "missing";
  expect(await readText(".github/workflows/ci.yml")).toContain(`image: ${deployed}`);
});

const digest = `sha256:${"a".repeat(64)}`;
const brokenSamples: { rule: string; check: ComposeRule; sample: ComposeFile }[] = [
  {
    rule: "every service has a healthcheck",
    check: everyServiceHasAHealthcheck,
    sample: { services: { api: { image: `api:1@${digest}` } } },
  },
  {
    rule: "a disabled healthcheck is none",
    check: everyServiceHasAHealthcheck,
    sample: { services: { api: { healthcheck: { test: ["CMD", "true"], disable: true } } } },
  },
  {
    rule: "depends_on waits for healthy (short form)",
    check: dependsOnWaitsForHealthy,
    sample: { services: { api: { depends_on: ["db"] } } },
  },
  {
    rule: "depends_on waits for healthy (started only)",
    check: dependsOnWaitsForHealthy,
    sample: { services: { api: { depends_on: { db: { condition: "service_started" } } } } },
  },
  {
    rule: "only Traefik publishes ports",
    check: onlyThesePublishPorts(["traefik"]),
    sample: { services: { db: { ports: ["127.0.0.1:5432:5432"] } } },
  },
  {
    rule: "ports bind loopback (short syntax)",
    check: portsBindLoopbackExcept([]),
    sample: { services: { api: { ports: ["3000:3000"] } } },
  },
  {
    rule: "ports bind loopback (long syntax)",
    check: portsBindLoopbackExcept([]),
    sample: { services: { api: { ports: [{ target: 3000, published: "3000" }] } } },
  },
  {
    rule: "every image is pinned by digest (tag only)",
    check: everyImageIsPinnedByDigest,
    sample: { services: { api: { image: "traefik:v3.7.5" } } },
  },
  {
    rule: "every image is pinned by digest (digest only)",
    check: everyImageIsPinnedByDigest,
    sample: { services: { api: { image: `traefik@${digest}` } } },
  },
  {
    rule: "every service restarts",
    check: everyServiceRestarts,
    sample: { services: { api: { restart: "no" } } },
  },
  {
    rule: "every service has limits",
    check: everyServiceHasLimits,
    sample: { services: { api: { deploy: { resources: { limits: { cpus: "1" } } } } } },
  },
  {
    rule: "nothing builds on the host",
    check: nothingBuildsOnTheHost,
    sample: { services: { api: { build: "." } } },
  },
  ...[
    { POSTGRES_PASSWORD: "pw" },
    { GITHUB_CLIENT_SECRET: "" },
    { CALLER_SIGNING_KEY: "k1:abc" },
    { DATABASE_URL: "postgres://notes:pw@postgres:5432/notes" },
    // Compose's own ${...} in the password's place: a secret still.
    { DATABASE_URL: `postgres://notes:\${NOTES_DB_PASSWORD:?set it in .env}@postgres:5432/notes` },
  ].map((environment) => ({
    rule: `no secret in plain environment (${Object.keys(environment).join()})`,
    check: noSecretInPlainEnvironment,
    sample: { services: { api: { environment } } },
  })),
  {
    rule: "secrets are declared files (undeclared)",
    check: secretsAreDeclaredFiles,
    sample: { services: { api: { secrets: ["api-key"] } } },
  },
  {
    rule: "secrets are declared files (outside secrets/)",
    check: secretsAreDeclaredFiles,
    sample: {
      services: { api: { secrets: [{ source: "api-key" }] } },
      secrets: { "api-key": { file: "./api-key.txt" } },
    },
  },
  {
    rule: "secrets are declared files (unused)",
    check: secretsAreDeclaredFiles,
    sample: { secrets: { "api-key": { file: "./secrets/api-key" } } },
  },
  {
    rule: "no secret in plain environment (list syntax)",
    check: noSecretInPlainEnvironment,
    sample: { services: { api: { environment: ["PGPASSWORD=x"] } } },
  },
];

test.each([
  { MODE: "production", OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-collector:4318" },
  { DATABASE_URL_FILE: "/run/secrets/notes-database-url", PGPASSWORD_FILE: "/run/secrets/pg" },
  { DATABASE_URL: "postgres://notes@postgres:5432/notes" },
])("no secret in plain environment passes settings and secret files: %o", (environment) => {
  expect(noSecretInPlainEnvironment({ services: { api: { environment } } })).toEqual([]);
});

describe("the Compose rules can fail", () => {
  test.each(brokenSamples)("a broken sample fails: $rule", ({ check, sample }) => {
    expect(check(sample).length).toBeGreaterThan(0);
  });

  test("the schema refuses an unknown key and a wrong type", () => {
    const errors = composeSchemaErrors("services:\n  api:\n    image: 1\n    colour: red\n");
    expect(errors.length).toBeGreaterThan(0);
  });

  test(
    "dclint fails an image with no tag",
    () => {
      const result = lintText(
        dclint,
        "compose.yaml",
        "name: x\nservices:\n  api:\n    image: nginx\n",
      );
      expect(result.ok).toBe(false);
      expect(result.output).toContain("service-image-require-explicit-tag");
    },
    LINTER_TIMEOUT_MS,
  );
});
