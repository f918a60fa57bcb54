// Deploys without an outage (deploy/README.md, "Deploying without downtime"): two gateways behind
// Traefik with a health check and a retry middleware, rolling-deploy.sh replacing one container at
// a time with a rollback, and deploy.yml running it. Checked statically here; the request loop of
// zero-downtime-check.sh runs only where a Docker engine and a configured deploy/ exist.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT, readText } from "./repo.ts";

interface LoadBalancer {
  servers?: { url?: string }[];
  healthCheck?: { path?: string; interval?: string; timeout?: string };
}
interface Dynamic {
  http: {
    routers: Record<string, { service?: string; middlewares?: string[] }>;
    middlewares: Record<string, { retry?: { attempts?: number } }>;
    services: Record<string, { loadBalancer?: LoadBalancer }>;
  };
}
type Block = Record<string, unknown>;

const dynamic = parse(await readText("deploy/traefik/dynamic.yaml")) as Dynamic;
const compose = parse(await readText("deploy/compose.yaml")) as { services: Record<string, Block> };
const rolling = await readText("deploy/rolling-deploy.sh");
const deployYml = await readText("deploy/.github/workflows/deploy.yml");

const shellSyntax = (path: string) =>
  Bun.spawnSync(["sh", "-n", path], { cwd: ROOT, stderr: "pipe" });

describe("two gateways behind Traefik", () => {
  const gateway = dynamic.http.services.gateway?.loadBalancer;

  test("deploy/compose.yaml runs gateway-a and gateway-b, the same but for their names", () => {
    const { "gateway-a": a, "gateway-b": b } = compose.services;
    expect(a).toBeDefined();
    expect(b).toEqual(a as Block);
    expect(compose.services.gateway).toBeUndefined();
    expect(Object.keys(compose.services.traefik?.depends_on as Block)).toEqual([
      "gateway-a",
      "gateway-b",
    ]);
  });

  test("Traefik's gateway service lists both, with a health check", () => {
    expect(gateway?.servers?.map((server) => server.url)).toEqual([
      "http://gateway-a:3000",
      "http://gateway-b:3000",
    ]);
    expect(gateway?.healthCheck?.path).toBe("/healthz");
    expect(gateway?.healthCheck?.interval).toBeDefined();
    expect(gateway?.healthCheck?.timeout).toBeDefined();
  });

  test("every router to the gateways retries on another one (2-3 attempts)", () => {
    const routers = Object.values(dynamic.http.routers).filter((r) => r.service === "gateway");
    expect(routers.length).toBeGreaterThan(0);
    for (const router of routers) {
      const retry = (router.middlewares ?? [])
        .map((name) => dynamic.http.middlewares[name]?.retry)
        .find((found) => found !== undefined);
      expect(retry?.attempts).toBeGreaterThanOrEqual(2);
      expect(retry?.attempts).toBeLessThanOrEqual(3);
    }
  });

  test("the services' drain is configured: SHUTDOWN_DELAY_MS within stop_grace_period", () => {
    for (const name of ["identity", "notes"]) {
      const service = compose.services[name] as {
        environment: Record<string, string>;
        stop_grace_period: string;
      };
      const delayMs = Number(service.environment.SHUTDOWN_DELAY_MS);
      expect(delayMs).toBeGreaterThan(0);
      expect(delayMs).toBeLessThan(Number.parseInt(service.stop_grace_period, 10) * 1000);
    }
  });
});

describe("deploy/rolling-deploy.sh", () => {
  test.each(["deploy/rolling-deploy.sh", "deploy/zero-downtime-check.sh"])(
    "%s is valid POSIX sh with set -eu",
    async (path) => {
      const result = shellSyntax(path);
      expect(result.exitCode, result.stderr.toString()).toBe(0);
      expect(await readText(path)).toMatch(/^set -eu$/m);
    },
  );

  test("pulls, then replaces the services one at a time, new beside old before the old stops", () => {
    expect(rolling).toContain("compose pull");
    expect(rolling).toMatch(/for service in \$\(grpc_services\); do\n\s+roll_service "\$service"/);
    expect(rolling).toContain('--no-recreate --scale "$1=2" --wait "$1"');
    expect(rolling.indexOf("--scale")).toBeLessThan(rolling.indexOf("docker stop"));
  });

  test("replaces the gateways one at a time, waiting for Traefik to take each back", () => {
    expect(rolling).toMatch(/for gateway in \$\(gateways\); do\n\s+roll_gateway "\$gateway"/);
    expect(rolling).toContain('compose up -d --no-deps --wait "$1"\n  sleep "$settle"');
  });

  test("checks /readyz and rolls back to compose.previous.yaml on a failure, exiting 1", () => {
    expect(rolling).toContain("check_readyz");
    expect(rolling).toContain("previous=compose.previous.yaml");
    const rollback = rolling.slice(rolling.indexOf("rollback() {"));
    expect(rollback).toContain('attempt "$previous"');
    expect(rollback).toContain("exit 1");
    expect(rolling).toMatch(/if attempt "\$file"; then[\s\S]*?\n {2}rollback\n/);
  });

  test("deploy.yml keeps the previous compose file, copies the scripts and runs the script", () => {
    expect(deployYml).toContain("cp compose.yaml compose.previous.yaml");
    expect(deployYml).toContain(
      "tar -cf previous-files.tar compose.jaeger-ui.yaml traefik postgres",
    );
    expect(deployYml).toContain("rolling-deploy.sh zero-downtime-check.sh");
    expect(deployYml).toContain("sh rolling-deploy.sh");
    expect(deployYml).not.toContain("docker compose up");
  });
});

// A deploy with a request loop running: needs a Docker engine and a configured deploy/ (.env,
// secrets/), so it runs on a host like production's and is skipped, with the reason, elsewhere.
const dockerCompose = Bun.spawnSync(["docker", "compose", "version"], {
  stdout: "ignore",
  stderr: "ignore",
});
const configured = existsSync(join(ROOT, "deploy/.env"));
const skipReason =
  dockerCompose.exitCode !== 0
    ? "no Docker engine with the Compose plugin (`docker compose version` failed)"
    : configured
      ? ""
      : "deploy/.env is missing: no configured stack to deploy";
if (skipReason !== "") {
  // The reason shows in the test output (biome refuses console here; bundles.test.ts does this).
  process.stderr.write(`zero-downtime-check.sh skipped: ${skipReason}\n`);
}

test.skipIf(skipReason !== "")(
  "zero-downtime-check.sh: no request fails during a rolling deploy",
  () => {
    const result = Bun.spawnSync(["sh", "zero-downtime-check.sh"], {
      cwd: join(ROOT, "deploy"),
      stdout: "pipe",
      stderr: "pipe",
    });
    process.stdout.write(result.stdout);
    expect(result.exitCode, result.stderr.toString()).toBe(0);
  },
  900_000,
);

// rolling-deploy.sh run against a fake `docker` and `curl` that log their arguments: the order it
// replaces things in, and the rollback when a step fails.
describe("deploy/rolling-deploy.sh with a fake docker", () => {
  const FAKE_DOCKER = `#!/bin/sh
printf '%s\\n' "$*" >> "$LOG"
case "$*" in
  *"config --services"*) printf '%s\\n' backup gateway-a gateway-b identity jaeger notes postgres traefik ;;
  *"config --hash"*) printf '%s new\\n' "$5" ;;
  *" ps -q"*) echo "id-\${6:-all}" ;;
  inspect*) echo old ;;
esac
case "$*" in *"$FAIL_ON"*) [ -n "$FAIL_ON" ] && exit 1 ;; esac
exit 0
`;

  function run(failOn: string): { exitCode: number; calls: string[]; routes: string } {
    const dir = mkdtempSync(join(tmpdir(), "rolling-"));
    try {
      mkdirSync(join(dir, "bin"));
      writeFileSync(join(dir, "bin/docker"), FAKE_DOCKER, { mode: 0o755 });
      writeFileSync(join(dir, "bin/curl"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
      writeFileSync(join(dir, "compose.previous.yaml"), "");
      // What deploy.yml packs before copying the new files: Traefik's routes as deployed before.
      mkdirSync(join(dir, "traefik"));
      writeFileSync(join(dir, "traefik/dynamic.yaml"), "previous routes\n");
      Bun.spawnSync(["tar", "-cf", "previous-files.tar", "traefik"], { cwd: dir });
      writeFileSync(join(dir, "traefik/dynamic.yaml"), "new routes\n");
      const result = Bun.spawnSync(["sh", join(ROOT, "deploy/rolling-deploy.sh")], {
        cwd: dir,
        env: {
          PATH: `${join(dir, "bin")}:${process.env.PATH}`,
          LOG: join(dir, "log"),
          FAIL_ON: failOn,
          TRAEFIK_SETTLE: "0",
          READYZ_URL: "https://example.test/readyz",
        },
        stderr: "pipe",
      });
      const calls = readFileSync(join(dir, "log"), "utf8").split("\n").filter(Boolean);
      const routes = readFileSync(join(dir, "traefik/dynamic.yaml"), "utf8").trim();
      return { exitCode: result.exitCode, calls, routes };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const indexOf = (calls: string[], part: string) => calls.findIndex((c) => c.includes(part));

  test("one at a time: each service new beside old, then the gateways, then Traefik", () => {
    const { exitCode, calls, routes } = run("");
    expect(exitCode).toBe(0);
    const order = [
      "-f compose.yaml pull",
      "--scale identity=2 --wait identity",
      "stop id-identity",
      "--scale notes=2 --wait notes",
      "stop id-notes",
      "up -d --no-deps --wait gateway-a",
      "up -d --no-deps --wait gateway-b",
      "up -d --no-deps --wait traefik",
    ].map((part) => indexOf(calls, part));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(indexOf(calls, "compose.previous.yaml")).toBe(-1);
    expect(routes).toBe("new routes");
  });

  test("a failed step rolls back with compose.previous.yaml and the files it mounts, and exits 1", () => {
    const { exitCode, calls, routes } = run("-f compose.yaml up -d --no-deps --wait gateway-b");
    expect(exitCode).toBe(1);
    expect(routes).toBe("previous routes");
    const failed = indexOf(calls, "-f compose.yaml up -d --no-deps --wait gateway-b");
    expect(indexOf(calls, "-f compose.yaml up -d --no-deps --wait traefik")).toBe(-1);
    expect(indexOf(calls, "-f compose.previous.yaml pull")).toBeGreaterThan(failed);
    expect(
      indexOf(calls, "-f compose.previous.yaml up -d --no-deps --wait gateway-b"),
    ).toBeGreaterThan(failed);
  });
});
