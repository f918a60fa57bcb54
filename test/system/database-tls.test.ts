import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool, type Sql, silentLogger } from "@trellis/service-kit";
import {
  createPostgresServer,
  type PostgresServer,
  postgresAvailable,
} from "../chaos/lib/postgres-server.ts";

// DATABASE_URL's TLS settings, as an operator writes them for a managed Postgres: the kit's pool
// connects over TLS to a server whose certificate its sslrootcert vouches for, and refuses a
// certificate from another CA or for another name rather than fall back to something weaker.
// A Postgres of its own with a certificate made here (openssl), for 127.0.0.1 only; the server
// also listens on 127.0.0.2, a name the certificate does not hold.

setDefaultTimeout(60_000);

// Debian's Postgres server binaries and openssl (`.ci/run` installs the first; the second is in the
// base system).
const canRun = postgresAvailable() && Bun.which("openssl") !== null;

let dir = "";
let server: PostgresServer | undefined;
const pools: Sql[] = [];

async function openssl(...args: string[]): Promise<void> {
  const child = Bun.spawn(["openssl", ...args], { cwd: dir, stdout: "ignore", stderr: "pipe" });
  if ((await child.exited) !== 0) {
    throw new Error(`openssl ${args[0]}: ${await new Response(child.stderr).text()}`);
  }
}

/** A CA, and a server certificate it signed for IP 127.0.0.1; another CA that signed nothing. */
async function makeCertificates(): Promise<void> {
  const subject = (name: string) => ["-subj", `/CN=${name}`, "-days", "2", "-nodes"];
  const newCa = (name: string, file: string) =>
    openssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-keyout",
      `${file}.key`,
      "-out",
      `${file}.pem`,
      ...subject(name),
    );
  await newCa("trellis test CA", "ca");
  await newCa("another CA", "other");
  await openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=db",
    "-nodes",
  );
  await Bun.write(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  await openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.crt",
    "-days",
    "2",
    "-extfile",
    "san.ext",
  );
}

beforeAll(async () => {
  if (!canRun) {
    return;
  }
  dir = await mkdtemp(join(tmpdir(), "trellis-db-tls-"));
  await makeCertificates();
  server = await createPostgresServer({
    tls: {
      cert: await Bun.file(join(dir, "server.crt")).text(),
      key: await Bun.file(join(dir, "server.key")).text(),
    },
  });
  await server.start();
});
afterAll(async () => {
  await Promise.all(pools.map((sql) => sql.close()));
  await server?.destroy();
  if (dir !== "") {
    await rm(dir, { recursive: true, force: true });
  }
});

function pool(host: string, query: string): Sql {
  const url = `postgres://postgres@${host}:${server?.port}/postgres?${query}`;
  const sql = createPool(
    { url, poolMax: 1, connectTimeoutSeconds: 5, statementTimeoutMs: 5_000, idleTimeoutSeconds: 0 },
    { name: "tls-test", log: silentLogger() },
  );
  pools.push(sql);
  return sql;
}

/** Whether the session runs over TLS, or the error that kept it from connecting. */
async function sessionTls(sql: Sql): Promise<boolean | string> {
  return sql<{ ssl: boolean }[]>`SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`.then(
    ([row]) => row?.ssl ?? false,
    (error: unknown) => String((error as { code?: unknown }).code ?? error),
  );
}

/** DATABASE_URL's query for `mode`, trusting the CA in `ca` ("": none named). */
function tlsQuery(mode: string, ca: string): string {
  return ca === "" ? `sslmode=${mode}` : `sslmode=${mode}&sslrootcert=${join(dir, ca)}`;
}

test.skipIf(!canRun).each([
  {
    name: "verify-full with the server's CA",
    host: "127.0.0.1",
    mode: "verify-full",
    ca: "ca.pem",
  },
  {
    name: "verify-ca with the server's CA, by another name",
    host: "127.0.0.2",
    mode: "verify-ca",
    ca: "ca.pem",
  },
])("$name: connects over TLS", async ({ host, mode, ca }) => {
  expect(await sessionTls(pool(host, tlsQuery(mode, ca)))).toBe(true);
});

test.skipIf(!canRun).each([
  { name: "a certificate from a CA it was not given", host: "127.0.0.1", ca: "other.pem" },
  { name: "no CA given: the system's do not vouch for it", host: "127.0.0.1", ca: "" },
  { name: "a certificate for another name", host: "127.0.0.2", ca: "ca.pem" },
])("verify-full refuses $name, at the TLS handshake", async ({ host, ca }) => {
  const got = await sessionTls(pool(host, tlsQuery("verify-full", ca)));

  // An error of the handshake, not a server that was not there.
  expect(got).toBeString();
  expect(got).not.toMatch(/REFUSED|TIMEOUT/);
});
