import { existsSync, readdirSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@trellis/testing";

// A Postgres server the chaos suite owns, so it can stop, kill and restart it under load:
// Debian's PostgreSQL binaries (initdb, pg_ctl) on a free loopback port, its data in a temporary
// folder that `destroy()` removes. Postgres refuses to run as root: as root (CI containers, this
// machine) every command runs as the `postgres` user the Debian package creates.

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: trust auth, loopback only. */
  url: string;
  port: number;
  /** Starts it (again) on the same port and folder; resolves once it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`: sessions are ended (57P01), open transactions rolled back. */
  stopFast(): Promise<void>;
  /** Starts it unless this object left it running. */
  ensureRunning(): Promise<void>;
  /** SIGKILL to the postmaster: no shutdown at all; the next start runs crash recovery. */
  kill(): Promise<void>;
  /** Stops it however it is (immediate mode, then SIGKILL) and removes its folder. */
  destroy(): Promise<void>;
}

/** Where initdb and pg_ctl are: "" when on PATH, else Debian's /usr/lib/postgresql/<version>/bin. */
export function postgresBinDir(): string | null {
  if (Bun.which("pg_ctl") !== null && Bun.which("initdb") !== null) {
    return "";
  }
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) {
    return null;
  }
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  const found = versions
    .map((v) => join(root, v, "bin"))
    .find((dir) => existsSync(join(dir, "pg_ctl")));
  return found ?? null;
}

/** Whether this machine can run an owned Postgres (`.ci/run` installs it when not). */
export function postgresAvailable(): boolean {
  return postgresBinDir() !== null;
}

/** Every server made and not yet destroyed, for a last cleanup (a test that timed out). */
const live = new Set<PostgresServer>();

/** Destroys every server still alive; for afterAll and an interrupted `bun run chaos`. */
export async function destroyAllPostgres(): Promise<void> {
  await Promise.all([...live].map((server) => server.destroy()));
}

/** TLS for the server: its certificate and key (PEM), which it reads from its own folder. */
export interface ServerTls {
  cert: string;
  key: string;
}

export async function createPostgresServer(
  options: { tls?: ServerTls } = {},
): Promise<PostgresServer> {
  const server = await initPostgresServer(options.tls);
  live.add(server);
  const destroy = server.destroy;
  server.destroy = async () => {
    live.delete(server);
    await destroy();
  };
  return server;
}

async function initPostgresServer(tls?: ServerTls): Promise<PostgresServer> {
  const binDir = postgresBinDir();
  if (binDir === null) {
    throw new Error("initdb/pg_ctl not found (install Debian's postgresql package)");
  }
  const folder = await mkdtemp(join(tmpdir(), "trellis-chaos-pg-"));
  const data = join(folder, "data");
  const port = freePort();
  const bin = (name: string): string => (binDir === "" ? name : join(binDir, name));
  try {
    if (tls !== undefined) {
      // Postgres refuses a key that others may read.
      await Bun.write(join(folder, "server.crt"), tls.cert);
      await Bun.write(join(folder, "server.key"), tls.key);
      await chmod(join(folder, "server.key"), 0o600);
    }
    if (asRoot()) {
      await run(["chown", "-R", "postgres", folder], { asPostgres: false });
    }
    await run([bin("initdb"), "-D", data, "-U", "postgres", "--auth=trust", "--no-sync"]);
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  const pgCtl = (...args: string[]): Promise<string> => run([bin("pg_ctl"), "-D", data, ...args]);
  // With TLS it also listens on 127.0.0.2: an address the certificate may not name.
  const tlsOptions =
    tls === undefined
      ? ""
      : ` -c ssl=on -c ssl_cert_file=${join(folder, "server.crt")}` +
        ` -c ssl_key_file=${join(folder, "server.key")} -c listen_addresses=127.0.0.1,127.0.0.2`;
  return controls({ pgCtl, folder, data, port, extraOptions: tlsOptions });
}

/** What a scenario does to the server initialised in `folder`. */
function controls({
  pgCtl,
  folder,
  data,
  port,
  extraOptions,
}: {
  pgCtl: (...args: string[]) => Promise<string>;
  folder: string;
  data: string;
  port: number;
  extraOptions: string;
}): PostgresServer {
  // Sockets in our folder, not /var/run/postgresql (absent or root's); loopback TCP only.
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${folder}${extraOptions}`;
  const postmasterPid = async (): Promise<number | null> => {
    const text = await readFile(join(data, "postmaster.pid"), "utf8").catch(() => null);
    const pid = Number(text?.split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  };

  let running = false;
  const start = async (): Promise<void> => {
    await startPostgres(pgCtl, options, join(folder, "log"));
    running = true;
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    ensureRunning: async () => {
      if (!running) {
        await start();
      }
    },
    async stopFast() {
      running = false;
      await pgCtl("stop", "-m", "fast", "-w");
    },
    async kill() {
      const pid = await postmasterPid();
      if (pid === null) {
        throw new Error("postgres is not running (no postmaster.pid)");
      }
      running = false;
      // Not waited for: the postmaster is not our child, and the next start retries anyway.
      process.kill(pid, "SIGKILL");
    },
    async destroy() {
      await pgCtl("stop", "-m", "immediate", "-w").catch(async () => {
        killQuietly(await postmasterPid());
      });
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/**
 * `pg_ctl start -w`, tried again for a few seconds: right after a kill -9 the orphaned backends
 * still hold the old shared memory, and the new postmaster refuses to start until they exit.
 */
async function startPostgres(
  pgCtl: (...args: string[]) => Promise<string>,
  options: string,
  logFile: string,
): Promise<void> {
  const until = Date.now() + 15_000;
  for (;;) {
    try {
      await pgCtl("start", "-w", "-t", "10", "-l", logFile, "-o", options);
      return;
    } catch (error) {
      if (Date.now() >= until) {
        const log = await readFile(logFile, "utf8").catch(() => "");
        throw new Error(`${String(error)}\n${log.slice(-2_000)}`);
      }
      await Bun.sleep(200);
    }
  }
}

function asRoot(): boolean {
  return process.getuid?.() === 0;
}

async function run(command: string[], options = { asPostgres: true }): Promise<string> {
  const argv =
    options.asPostgres && asRoot() ? ["runuser", "-u", "postgres", "--", ...command] : command;
  const child = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  if (code !== 0) {
    throw new Error(`${command.join(" ")} failed (${code}): ${err || out}`);
  }
  return out;
}

function killQuietly(pid: number | null): void {
  if (pid === null) {
    return;
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
