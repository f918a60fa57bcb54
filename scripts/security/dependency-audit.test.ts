import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { type AuditOutcome, auditProductionDependencies, readAudit } from "./dependency-audit.ts";

// The real `bun audit` against a scratch project, with the registry's advisory endpoint played
// by a loopback server that answers, as npm's does, only for the packages it is asked about.

type Planted = Record<string, { severity: string; title: string }[]>;
let planted: Planted = {};
let refuse = false;
const asked: Record<string, string[]>[] = [];

const registry = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(request) {
    if (refuse || new URL(request.url).pathname !== "/-/npm/v1/security/advisories/bulk") {
      return new Response(null, { status: 405 });
    }
    const query = JSON.parse(gunzipSync(await request.bytes()).toString());
    asked.push(query);
    const answer = Object.entries(planted)
      .filter(([name]) => name in query)
      .map(([name, found]) => [name, found.map((advisory, id) => advisoryFor(advisory, id))]);
    return Response.json(Object.fromEntries(answer));
  },
});
const temp = await mkdtemp(join(tmpdir(), "security-audit-"));
afterAll(async () => {
  registry.stop(true);
  await rm(temp, { recursive: true, force: true });
});

function advisoryFor(advisory: { severity: string; title: string }, id: number) {
  const url = `https://github.com/advisories/GHSA-test-${id}`;
  return { id, url, ...advisory, vulnerable_versions: "<9.0.0", cwe: [], cvss: { score: 0 } };
}

// left-pad ships (a dependency); is-number is only a devDependency.
const manifest = {
  name: "scratch",
  private: true,
  dependencies: { "left-pad": "1.3.0" },
  devDependencies: { "is-number": "7.0.0" },
};
const lockfile = `{
  "lockfileVersion": 2,
  "configVersion": 1,
  "workspaces": {
    "": {
      "name": "scratch",
      "dependencies": { "left-pad": "1.3.0" },
      "devDependencies": { "is-number": "7.0.0" },
    },
  },
  "packages": {
    "is-number": ["is-number@7.0.0", "", {}, "sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng=="],
    "left-pad": ["left-pad@1.3.0", "", {}, "sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQGinBN9yTQT3bFlCBy/aVx2HrNcqQGsdot8ghrjyrvMCoEA=="],
  }
}
`;
const project = await mkdtemp(join(temp, "project-"));
await writeFile(join(project, "package.json"), JSON.stringify(manifest));
await writeFile(join(project, "bun.lock"), lockfile);

function audit(registryUrl = registry.url.href): Promise<AuditOutcome> {
  const registryEnv = { NPM_CONFIG_REGISTRY: registryUrl, BUN_CONFIG_REGISTRY: registryUrl };
  return auditProductionDependencies({ cwd: project, env: { ...process.env, ...registryEnv } });
}

const high = { severity: "high", title: "planted high" };
const cases: { name: string; planted: Planted; want: AuditOutcome["kind"] }[] = [
  { name: "no advisory", planted: {}, want: "clean" },
  {
    name: "a high advisory on a production dependency",
    planted: { "left-pad": [high] },
    want: "advisories",
  },
  {
    name: "a critical advisory on a production dependency",
    planted: { "left-pad": [{ severity: "critical", title: "planted critical" }] },
    want: "advisories",
  },
  {
    name: "a moderate advisory (below the bar)",
    planted: { "left-pad": [{ severity: "moderate", title: "planted moderate" }] },
    want: "clean",
  },
  {
    name: "a critical advisory on a dev-only dependency (never shipped)",
    planted: { "is-number": [{ severity: "critical", title: "planted dev" }] },
    want: "clean",
  },
];

test.each(cases)("bun audit with $name: $want", async ({ planted: advisories, want }) => {
  planted = advisories;
  refuse = false;

  const outcome = await audit();

  expect(outcome.kind).toBe(want);
  expect(asked.at(-1)).toEqual({ "left-pad": ["1.3.0"] });
});

test("a failing audit names the package, the severity and the advisory", async () => {
  planted = { "left-pad": [high, { severity: "low", title: "planted low" }] };
  refuse = false;

  expect(await audit()).toEqual({
    kind: "advisories",
    advisories: [
      {
        name: "left-pad",
        severity: "high",
        title: "planted high",
        url: "https://github.com/advisories/GHSA-test-0",
        vulnerableVersions: "<9.0.0",
      },
    ],
  });
});

test.each([
  { name: "refuses the advisory request (405)", url: () => registry.url.href },
  { name: "is not there (connection refused)", url: () => "http://127.0.0.1:9/" },
])("an audit whose registry $name could not run, and says why", async ({ url }) => {
  refuse = true;

  const outcome = await audit(url());

  expect(outcome.kind).toBe("unavailable");
  expect(outcome.kind === "unavailable" ? outcome.reason : "").toContain("advisories/bulk");
});

test("credentials in a registry URL never reach the reason", () => {
  const stderr =
    "error: POST https://ci:s3cret@registry.example/-/npm/v1/security/advisories/bulk - 401\n";

  expect(readAudit({ code: 1, stdout: "", stderr })).toEqual({
    kind: "unavailable",
    reason: "error: POST https://registry.example/-/npm/v1/security/advisories/bulk - 401",
  });
});
