// The functions `bun run new-service` calls to list a new service (scripts/services/entries/):
// adding a fictional service to each file gives a file that the repository's own checks accept,
// the Compose rules and linters as much as the discovery-based check, with it in the list.
import { describe, expect, test } from "bun:test";
import { parse } from "yaml";
import { discoverServices } from "../../scripts/services/discover.ts";
import { type EntryTexts, serviceEntryProblems } from "../../scripts/services/entries/check.ts";
import type { EntryService } from "../../scripts/services/entries/names.ts";
import { ENTRY_FILES } from "../../scripts/services/entries/write.ts";
import {
  type ComposeFile,
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
import { ROOT, readText } from "./repo.ts";

// A dashed name: the scaffolder never makes one, so no fork lists it already.
const added: EntryService = {
  name: "probe-added",
  dir: "services/probe-added",
  port: 65010,
  rest: ["trellis.probeadded.v1.ProbeAddedService"],
};
const services = await discoverServices(ROOT);
const before = Object.fromEntries(
  await Promise.all(ENTRY_FILES.map(async ({ path }) => [path, await readText(path)])),
) as EntryTexts;
const after = Object.fromEntries(
  ENTRY_FILES.map(({ path, add }) => [path, add(before[path as keyof EntryTexts], added)]),
) as EntryTexts;

test("with a service added to every file, the files list exactly the services and it", () => {
  expect(serviceEntryProblems(after, [...services, added])).toEqual([]);
  expect(serviceEntryProblems(after, services).length).toBeGreaterThan(0);
});

test.each(ENTRY_FILES)("$path: adding a service it already lists throws", ({ path, add }) => {
  expect(() => add(after[path as keyof EntryTexts], added)).toThrow(
    "already lists the service probe-added",
  );
});

test.each(ENTRY_FILES)("$path: only lines are added, none changed or lost", ({ path }) => {
  const kept = before[path as keyof EntryTexts].split("\n");
  const now = after[path as keyof EntryTexts].split("\n");
  const changed = kept.filter((line) => !now.includes(line));
  // The gateway's REST_SERVICES line (compose's setting, k8s's literal) is the one line that
  // grows rather than being added to.
  expect(changed.every((line) => /REST_SERVICES[:=]/.test(line))).toBe(true);
});

const composeChecks = [
  { file: "compose.yaml", rule: "a healthcheck", check: everyServiceHasAHealthcheck },
  { file: "compose.yaml", rule: "waits for healthy", check: dependsOnWaitsForHealthy },
  {
    file: "compose.yaml",
    rule: "publishes no port",
    check: onlyThesePublishPorts(["gateway", "jaeger", "otel-collector"]),
  },
  { file: "compose.yaml", rule: "binds loopback", check: portsBindLoopbackExcept([]) },
  { file: "deploy/compose.yaml", rule: "a healthcheck", check: everyServiceHasAHealthcheck },
  { file: "deploy/compose.yaml", rule: "waits for healthy", check: dependsOnWaitsForHealthy },
  {
    file: "deploy/compose.yaml",
    rule: "publishes no port",
    check: onlyThesePublishPorts(["traefik"]),
  },
  { file: "deploy/compose.yaml", rule: "a pinned image", check: everyImageIsPinnedByDigest },
  { file: "deploy/compose.yaml", rule: "builds nothing", check: nothingBuildsOnTheHost },
  { file: "deploy/compose.yaml", rule: "restarts", check: everyServiceRestarts },
  { file: "deploy/compose.yaml", rule: "limits", check: everyServiceHasLimits },
  { file: "deploy/compose.yaml", rule: "no plain secret", check: noSecretInPlainEnvironment },
  { file: "deploy/compose.yaml", rule: "declared secrets", check: secretsAreDeclaredFiles },
] as const;

describe("the Compose files with a service added", () => {
  test.each(composeChecks)("$file: the added service has $rule", ({ file, check }) => {
    const compose = parse(after[file]) as ComposeFile;
    expect(compose.services?.[added.name]).toBeDefined();
    expect(check(compose)).toEqual([]);
  });

  test.each(["compose.yaml", "deploy/compose.yaml"] as const)("%s matches the schema", (file) => {
    expect(composeSchemaErrors(after[file])).toEqual([]);
  });

  test.each(["compose.yaml", "deploy/compose.yaml"] as const)(
    "%s passes dclint with no warning",
    (file) => {
      const result = lintText(dclint, file, after[file]);
      expect(result.ok, result.output).toBe(true);
    },
    LINTER_TIMEOUT_MS,
  );

  test("compose.yaml builds the service from its own folder; deploy/ pins its unreleased image", () => {
    const local = parse(after["compose.yaml"]) as {
      services: Record<string, { build?: { context?: string } }>;
    };
    const deployed = parse(after["deploy/compose.yaml"]) as ComposeFile;
    expect(local.services[added.name]?.build?.context).toBe(added.dir);
    expect(deployed.services?.[added.name]?.image).toBe(
      `ghcr.io/trellis-dev/trellis-probe-added:0.1.0@sha256:${"0".repeat(64)}`,
    );
  });

  test("deploy/compose.yaml gives the service a role of its own, with its own secret files", () => {
    const deployed = parse(after["deploy/compose.yaml"]) as {
      services: Record<string, { environment: Record<string, string>; secrets: string[] }>;
      secrets: Record<string, { file: string }>;
    };
    expect(deployed.services[added.name]?.environment.DATABASE_URL_FILE).toBe(
      "/run/secrets/probe-added-database-url",
    );
    expect(deployed.services[added.name]?.secrets).toEqual(["probe-added-database-url"]);
    expect(deployed.services.postgres?.secrets).toContain("probe-added-db-password");
    expect(deployed.secrets["probe-added-database-url"]?.file).toBe(
      "./secrets/probe-added-database-url",
    );
    expect(deployed.secrets["probe-added-db-password"]?.file).toBe(
      "./secrets/probe-added-db-password",
    );
  });
});
