import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  checkHealth,
  createPool,
  readMigrations,
  type Sql,
  silentLogger,
} from "@trellis/service-kit";
import {
  createTestDatabase,
  type DatabaseSource,
  freePort,
  type TestDatabase,
  testCallerKeys,
} from "@trellis/testing";
import { type Binaries, compiledBinaries } from "./binaries.ts";
import { type ChildProcess, createChildProcess, waitUntil } from "./child-process.ts";
import { gatewayDir, identityDir, notesDir } from "./paths.ts";
import { defaultEnv, gatewayEnv } from "./stack-env.ts";

// The real stack as separate processes on loopback: the fake OAuth provider, identity, notes
// (the service template) and the gateway in development mode on plain http. Identity, notes and
// the gateway run from source, or from the binaries `bun run build` compiles (what the images
// hold); the fake provider always runs from source.

export interface Stack {
  /** `http://127.0.0.1:<port>`: also the APP_ORIGIN, so cookies are `session` and `login`. */
  gatewayUrl: string;
  fakeProviderUrl: string;
  /** `127.0.0.1:<port>` of the notes gRPC service. */
  notesAddress: string;
  identityAddress: string;
  databaseSource: DatabaseSource;
  /** Notes' own database: what a check reads beside the API. */
  notesDatabaseUrl: string;
  processes: {
    fake: ChildProcess;
    identity: ChildProcess;
    notes: ChildProcess;
    gateway: ChildProcess;
    /** The gateways beyond the first (`gatewayReplicas`), sharing identity and notes. */
    replicas: ChildProcess[];
  };
  /** Every gateway's URL, the first being `gatewayUrl`; each is its own APP_ORIGIN. */
  gatewayUrls: string[];
  /**
   * Runs `run` on identity's database over a connection of its own. The embedded Postgres serves
   * one connection at a time, identity's: there identity is stopped meanwhile, then restarted
   * and awaited until the gateway reaches it again.
   */
  withIdentityDatabase<T>(run: (sql: Sql) => Promise<T>): Promise<T>;
  /**
   * Starts another notes process on `port`, on the same database and settings (a second replica:
   * the chaos suite's rolling restart); stopped with the stack.
   */
  addNotesReplica(port: number): Promise<ChildProcess>;
  /** Everything every process wrote, as lines. */
  logLines(): string[];
  /** Stops every process, then drops the databases; later calls wait for the first. */
  stop(): Promise<void>;
}

export interface StackOptions {
  /**
   * "binaries": the compiled executables (built once per test process), started outside their
   * package folders on empty databases, so each finds its migrations and web files beside itself
   * and migrates on its own, as in an image. Default "source": `bun src/main.ts`.
   */
  from?: "source" | "binaries";
  /**
   * Executables compiled elsewhere (a folder copied out of the workspace): started as "binaries"
   * are, instead of building the workspace's own.
   */
  binaries?: Binaries;
  /** Where the fake provider runs from (`fake-provider/main.ts` under it); default gateway/. */
  fakeProviderDir?: string;
  /** Added to (and overriding) the gateway's environment. */
  gatewayEnv?: Record<string, string>;
  /** REST_SERVICES entries (`<proto service>=<host:port>`) the gateway serves beside notes'. */
  restServices?: string[];
  /** Added to (and overriding) every process's environment, e.g. OTEL_* settings. */
  env?: Record<string, string>;
  /**
   * The address the gateway reaches notes at, given notes' own: a fault proxy's, or a balancer's
   * in front of replicas (test/chaos). Default: notes' own.
   */
  notesVia?: (notesAddress: string) => string;
  /** How many gateway processes in front of the one identity and notes (default 1). */
  gatewayReplicas?: number;
  /** A Postgres server to create the services' databases on, instead of the harness's choice. */
  databaseServerUrl?: string;
  /** The notes process's port, instead of a free one. */
  notesPort?: number;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const baseEnv = (): Record<string, string> => ({ ...defaultEnv(), ...options.env });
  const databases: TestDatabase[] = [];
  const started: ChildProcess[] = [];
  try {
    const launch = await launcher(options);
    const [identityDb, notesDb] = await Promise.all([
      serviceDatabase(identityDir, launch.migratedByHarness, options.databaseServerUrl),
      serviceDatabase(notesDir, launch.migratedByHarness, options.databaseServerUrl),
    ]);
    databases.push(identityDb, notesDb);
    const taken = new Set<number>(options.notesPort === undefined ? [] : [options.notesPort]);
    const ports = {
      ...freePorts(["fake", "identity", "notes", "gateway"], taken),
      ...(options.notesPort === undefined ? {} : { notes: options.notesPort }),
    };
    const replicaPorts = Array.from({ length: (options.gatewayReplicas ?? 1) - 1 }, () =>
      distinctFreePort(taken),
    );
    const fakeProviderUrl = `http://127.0.0.1:${ports.fake}`;
    const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
    const identityAddress = `127.0.0.1:${ports.identity}`;
    const notesAddress = `127.0.0.1:${ports.notes}`;

    const fake = createChildProcess({
      name: "fake-provider",
      cwd: options.fakeProviderDir ?? gatewayDir,
      command: [process.execPath, "fake-provider/main.ts"],
      env: { ...baseEnv(), PORT: String(ports.fake) },
      ready: async (output) => listeningUrl(output()) === fakeProviderUrl,
    });
    const identity = serviceProcess(launch.identity, identityDb, ports.identity, baseEnv());
    const notes = serviceProcess(launch.notes, notesDb, ports.notes, baseEnv());
    const gatewayAt = (port: number, name: string) =>
      createChildProcess({
        ...launch.gateway,
        name,
        env: {
          ...baseEnv(),
          ...gatewayEnv({
            port,
            fakeProviderUrl,
            identityAddress,
            restServices: [
              `trellis.notes.v1.NotesService=${options.notesVia?.(notesAddress) ?? notesAddress}`,
              ...(options.restServices ?? []),
            ],
          }),
          ...options.gatewayEnv,
        },
        ready: async () => {
          const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
          return response?.status === 200;
        },
      });
    const gateway = gatewayAt(ports.gateway, launch.gateway.name);
    const replicas = replicaPorts.map((port, index) => gatewayAt(port, `gateway-${index + 2}`));
    const processes = { fake, identity, notes, gateway, replicas };
    started.push(fake, identity, notes, gateway, ...replicas);
    await Promise.all(started.map((child) => child.start()));
    let stopping: Promise<void> | undefined;

    return {
      gatewayUrl,
      gatewayUrls: [gatewayUrl, ...replicaPorts.map((port) => `http://127.0.0.1:${port}`)],
      fakeProviderUrl,
      notesAddress,
      identityAddress,
      databaseSource: identityDb.source,
      notesDatabaseUrl: notesDb.url,
      processes,
      async withIdentityDatabase(run) {
        if (identityDb.source !== "embedded") {
          return withDatabase(identityDb.url, run);
        }
        await identity.stop();
        try {
          return await withDatabase(identityDb.url, run);
        } finally {
          await identity.start();
          await gatewayReaches(gatewayUrl, "identity");
        }
      },
      async addNotesReplica(port) {
        const replica = serviceProcess(launch.notes, notesDb, port, baseEnv());
        started.push(replica);
        await replica.start();
        return replica;
      },
      logLines: () =>
        started.flatMap((child) => child.output().split("\n")).filter((line) => line !== ""),
      stop: () => {
        stopping ??= stopAll(started, databases);
        return stopping;
      },
    };
  } catch (error) {
    await stopAll(started, databases);
    throw error;
  }
}

/** A distinct free port for each name: `freePort()` may hand out the same port twice in a row. */
function freePorts<Name extends string>(
  names: readonly Name[],
  taken: Set<number>,
): Record<Name, number> {
  const entries = names.map((name): [Name, number] => [name, distinctFreePort(taken)]);
  return Object.fromEntries(entries) as Record<Name, number>;
}

/** A free port not in `taken`, which it joins. */
function distinctFreePort(taken: Set<number>): number {
  let port = freePort();
  while (taken.has(port)) {
    port = freePort();
  }
  taken.add(port);
  return port;
}

/** Stops every process first (the databases are dropped WITH FORCE after), then the databases. */
async function stopAll(children: ChildProcess[], databases: TestDatabase[]): Promise<void> {
  await Promise.all(children.map((child) => child.stop()));
  await Promise.all(databases.map((db) => db.close()));
}

/** How each process of the stack is started: a working directory and a command line. */
interface Launch {
  identity: Command;
  notes: Command;
  gateway: Command;
  /** Whether the harness migrates the databases first, or leaves that to the services. */
  migratedByHarness: boolean;
}

interface Command {
  name: string;
  cwd: string;
  command: string[];
}

const source: Launch = {
  identity: { name: "identity", cwd: identityDir, command: [process.execPath, "src/main.ts"] },
  notes: { name: "notes", cwd: notesDir, command: [process.execPath, "src/main.ts"] },
  gateway: { name: "gateway", cwd: gatewayDir, command: [process.execPath, "src/main.ts"] },
  migratedByHarness: true,
};

async function launcher(options: StackOptions): Promise<Launch> {
  if (options.binaries !== undefined) {
    return fromBinaries(options.binaries);
  }
  return options.from === "binaries" ? fromBinaries(await compiledBinaries()) : source;
}

/** Run from a folder of their own: nothing may be found relative to the working directory. */
function fromBinaries(binaries: Binaries): Launch {
  const cwd = tmpdir();
  return {
    identity: { name: "identity", cwd, command: [binaries.identity] },
    notes: { name: "notes", cwd, command: [binaries.notes] },
    gateway: { name: "gateway", cwd, command: [binaries.gateway] },
    migratedByHarness: false,
  };
}

/**
 * A database for the service in `dir`, migrated unless the service is to do it; the test's own
 * pool is closed for the child.
 */
async function serviceDatabase(
  dir: string,
  migrated: boolean,
  serverUrl: string | undefined,
): Promise<TestDatabase> {
  const db = await createTestDatabase({
    migrations: migrated ? await readMigrations(join(dir, "migrations")) : [],
    serverUrl,
  });
  await db.sql.end();
  return db;
}

function serviceProcess(
  launch: Command,
  db: TestDatabase,
  port: number,
  env: Record<string, string>,
): ChildProcess {
  const address = `127.0.0.1:${port}`;
  return createChildProcess({
    ...launch,
    env: {
      ...env,
      HOST: "127.0.0.1",
      PORT: String(port),
      MODE: "development",
      CALLER_PUBLIC_KEYS: testCallerKeys.publicKeys,
      DATABASE_URL: db.url,
      ...(db.source === "embedded" ? { DATABASE_POOL_MAX: "1" } : {}),
      SHUTDOWN_GRACE_MS: "2000",
    },
    ready: async () =>
      (await checkHealth(address, { timeoutMs: 500 }).catch(() => "UNREACHABLE")) === "SERVING",
  });
}

/** The URL in the fake provider's "fake-oauth-provider listening on <url>" line. */
function listeningUrl(output: string): string | null {
  return /fake-oauth-provider listening on (http:\/\/\S+)/.exec(output)?.[1] ?? null;
}

/** A one-connection pool on `url` for the duration of `run`. */
export async function withDatabase<T>(url: string, run: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = createPool(
    { url, poolMax: 1, connectTimeoutSeconds: 2, statementTimeoutMs: 5_000, idleTimeoutSeconds: 0 },
    { name: "gateway-test", log: silentLogger() },
  );
  try {
    return await run(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/**
 * Waits until the gateway's own channel to identity works again (its reconnect backs off):
 * a token that names no session answers 401 from identity, 503 while it is unreachable.
 */
function gatewayReaches(gatewayUrl: string, service: "identity"): Promise<void> {
  const unknownToken = `${"a".repeat(24)}.${"a".repeat(24)}`;
  return waitUntil(
    async () => {
      const response = await fetch(`${gatewayUrl}/api/me`, {
        headers: { cookie: `session=${unknownToken}` },
      });
      return response.status === 401;
    },
    { withinMs: 15_000, everyMs: 100, describe: () => `the gateway did not reach ${service}` },
  );
}
