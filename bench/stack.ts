import { accessSync, constants, statSync } from "node:fs";
import { join, relative } from "node:path";
import {
  checkHealth,
  createPool,
  generateCallerKeys,
  type Sql,
  silentLogger,
} from "@trellis/service-kit";
import { assertLoopback, freePort, waitFor } from "./loopback.ts";
import { type Child, childEnv, spawnChild } from "./processes.ts";

// The stack under load: identity and notes on fresh databases of the local Postgres, and the
// gateway in front of them, each its own process on a loopback port, logging at production's default level.

export const workspaceRoot = join(import.meta.dir, "..");

export type StackProcess = "gateway" | "identity" | "notes";

/** The session cookie's name: the gateway drops the `__Host-` prefix on a plain-http origin. */
export const SESSION_COOKIE = "session";

const services = {
  identity: { dir: "services/identity", database: "bench_identity" },
  notes: { dir: "service-template", database: "bench_notes" },
} as const;

/** Every database the bench creates; all are dropped at the end. */
export const benchDatabases = ["bench_identity", "bench_notes", "bench_pgbench"] as const;

export interface Stack {
  /** `http://127.0.0.1:<port>`, also the gateway's APP_ORIGIN (so the cookie is `session`). */
  gatewayUrl: string;
  identityAddress: string;
  notesAddress: string;
  /** A key pair of this run: CALLER_SIGNING_KEY (the gateway's), CALLER_PUBLIC_KEYS (services'). */
  callerKeys: { signingKey: string; publicKey: string };
  databaseUrls: Record<"identity" | "notes", string>;
  processes: Record<StackProcess, Child>;
  /** What each process was started from: a compiled binary or the source. */
  launchedFrom: Record<StackProcess, string>;
}

/** `env` goes to every process (the telemetry settings). */
export async function startStack(adminUrl: string, env: Record<string, string>): Promise<Stack> {
  await recreateServiceDatabases(adminUrl);
  const callerKeys = generateCallerKeys("bench");
  const port = portPicker();
  const databaseUrls = {
    identity: databaseUrl(adminUrl, services.identity.database),
    notes: databaseUrl(adminUrl, services.notes.database),
  };
  const started = await startServices(env, callerKeys.publicKey, databaseUrls, port);
  const { identity, notes, identityAddress, notesAddress } = started;
  const { gateway, gatewayUrl } = await startGateway(env, port(), callerKeys.signingKey, started);
  return {
    gatewayUrl,
    identityAddress,
    notesAddress,
    callerKeys,
    databaseUrls,
    processes: { gateway: gateway.child, identity: identity.child, notes: notes.child },
    launchedFrom: { gateway: gateway.from, identity: identity.from, notes: notes.from },
  };
}

async function recreateServiceDatabases(adminUrl: string): Promise<void> {
  const admin = adminPool(adminUrl);
  try {
    for (const { database } of Object.values(services)) {
      await recreateDatabase(admin, database);
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** Free loopback ports, none of them handed out twice. */
function portPicker(): () => number {
  const taken = new Set<number>();
  return () => {
    const free = freePort(taken);
    taken.add(free);
    return free;
  };
}

interface Launched {
  child: Child;
  from: string;
}

/** Identity and notes on their databases, each on a port of its own, once both are serving. */
async function startServices(
  env: Record<string, string>,
  callerPublicKey: string,
  databaseUrls: Record<"identity" | "notes", string>,
  port: () => number,
): Promise<{ identity: Launched; notes: Launched; identityAddress: string; notesAddress: string }> {
  const identityAddress = `127.0.0.1:${port()}`;
  const notesAddress = `127.0.0.1:${port()}`;
  const identity = launch("identity", services.identity.dir, {
    ...env,
    PORT: identityAddress.split(":")[1] ?? "",
    DATABASE_URL: databaseUrls.identity,
    CALLER_PUBLIC_KEYS: callerPublicKey,
  });
  const notes = launch("notes", services.notes.dir, {
    ...env,
    PORT: notesAddress.split(":")[1] ?? "",
    DATABASE_URL: databaseUrls.notes,
    CALLER_PUBLIC_KEYS: callerPublicKey,
  });
  // SERVING comes after the migrations, so seeding may start once both answer it.
  await Promise.all([
    untilReady(identity.child, () => serving(identityAddress)),
    untilReady(notes.child, () => serving(notesAddress)),
  ]);
  return { identity, notes, identityAddress, notesAddress };
}

/** The gateway in production mode in front of both services, once it is ready. */
/**
 * Another gateway in front of the same services, the same but for `env` (the metrics variant's
 * OTEL_* settings), on a port of its own; its child is named `role`.
 */
export async function startGatewayVariant(
  stack: Stack,
  env: Record<string, string>,
  role: string,
): Promise<{ url: string; child: Child; from: string }> {
  const taken = new Set([Number(new URL(stack.gatewayUrl).port)]);
  const { gateway, gatewayUrl } = await startGateway(
    env,
    freePort(taken),
    stack.callerKeys.signingKey,
    stack,
    role,
  );
  return { url: gatewayUrl, child: gateway.child, from: gateway.from };
}

async function startGateway(
  env: Record<string, string>,
  gatewayPort: number,
  callerSigningKey: string,
  { identityAddress, notesAddress }: { identityAddress: string; notesAddress: string },
  childName = "gateway",
): Promise<{ gateway: Launched; gatewayUrl: string }> {
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const gateway = launch(
    "gateway",
    "gateway",
    {
      ...env,
      ...benchGatewayEnv({
        port: gatewayPort,
        origin: gatewayUrl,
        callerSigningKey,
        identityAddress,
        notesAddress,
      }),
    },
    childName,
  );
  await untilReady(gateway.child, async () => (await fetch(`${gatewayUrl}/readyz`)).ok);
  return { gateway, gatewayUrl };
}

/**
 * The gateway's settings in the bench (and in the investigations' A/B runs, which start it the
 * same way): production mode on loopback, in front of identity and notes.
 */
export function benchGatewayEnv(options: {
  port: number | string;
  origin: string;
  callerSigningKey: string;
  identityAddress: string;
  notesAddress: string;
}): Record<string, string> {
  return {
    MODE: "production",
    PORT: String(options.port),
    APP_ORIGIN: options.origin,
    // Production on loopback's plain http, as `docker compose up` runs it.
    ALLOW_HTTP_ORIGIN: "true",
    CALLER_SIGNING_KEY: options.callerSigningKey,
    IDENTITY_ADDRESS: options.identityAddress,
    REST_SERVICES: `trellis.notes.v1.NotesService=${options.notesAddress}`,
    // Each seeded session sends ~80 requests a second, a person's a few a minute: the per-session
    // limit still runs on every request, but refuses none.
    API_RATE_LIMIT_PER_MINUTE: "1000000",
  };
}

/** Waits for `ready`, failing at once with the process's output if it exits meanwhile. */
export async function untilReady(child: Child, ready: () => Promise<boolean>): Promise<void> {
  await waitFor(
    `${child.name} was not ready`,
    async () => {
      if (!child.running()) {
        throw new Error(`${child.name} exited while starting:\n${child.output()}`);
      }
      return ready();
    },
    { withinMs: 30_000 },
  ).catch((error: unknown) => {
    throw child.running() ? error : new Error(`${child.name} exited:\n${child.output()}`);
  });
}

/** A pool on the server's maintenance database, for CREATE and DROP DATABASE. */
export function adminPool(adminUrl: string): Sql {
  return pool(adminUrl, 1);
}

export function pool(url: string, poolMax: number): Sql {
  return createPool(
    {
      url: assertLoopback(url),
      poolMax,
      connectTimeoutSeconds: 5,
      statementTimeoutMs: 120_000,
      idleTimeoutSeconds: 5,
    },
    { name: "trellis-bench", log: silentLogger() },
  );
}

/** The same server and credentials as `adminUrl`, another database. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function recreateDatabase(admin: Sql, database: string): Promise<void> {
  await dropDatabase(admin, database);
  await admin`CREATE DATABASE ${admin(database)}`;
}

export async function dropDatabase(admin: Sql, database: string): Promise<void> {
  await admin`DROP DATABASE IF EXISTS ${admin(database)} WITH (FORCE)`;
}

/**
 * The compiled binary `<name>` when there is one (in $BENCH_BIN_DIR, else `dist/` of the
 * workspace root, else `dist/` of the package, where `bun run build` puts it with its
 * migrations and web files beside it), else `bun src/main.ts`. Either finds its migrations on
 * its own, as in production.
 */
function launch(
  name: StackProcess,
  dir: string,
  env: Record<string, string>,
  childName: string = name,
): { child: Child; from: string } {
  const cwd = join(workspaceRoot, dir);
  const binDirs = [process.env.BENCH_BIN_DIR, join(workspaceRoot, "dist"), join(cwd, "dist")];
  const binary = binDirs
    .flatMap((binDir) => (binDir === undefined || binDir === "" ? [] : [join(binDir, name)]))
    .find(isExecutable);
  const command = binary === undefined ? [process.execPath, "src/main.ts"] : [binary];
  const from =
    binary === undefined
      ? `${dir}/src/main.ts (source)`
      : binary.startsWith(`${workspaceRoot}/`)
        ? relative(workspaceRoot, binary)
        : binary;
  const child = spawnChild({
    name: childName,
    command,
    cwd,
    // Production's default, info, which logs only failed requests and calls. BENCH_LOG_LEVEL=debug
    // shows every one (and costs throughput): for diagnosis.
    env: childEnv({ HOST: "127.0.0.1", LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info", ...env }),
  });
  return { child, from };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

async function serving(address: string): Promise<boolean> {
  return (await checkHealth(address, { timeoutMs: 500 })) === "SERVING";
}
