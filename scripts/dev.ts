// `bun run dev`: every service of the workspace with hot reload, each on its own database.
// A service uses <NAME>_DATABASE_URL when set, and otherwise an embedded Postgres (PGlite) kept
// in .data/<name>, so the stack starts on a machine with nothing but Bun.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { checkHealth } from "@trellis/service-kit";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "@trellis/service-kit/testing";

interface DevService {
  name: string;
  dir: string;
  port: number;
}

const services: DevService[] = [{ name: "notes", dir: "service-template", port: 50051 }];

const root = join(import.meta.dir, "..");
// One secret per dev run, shared by the gateway and every service (signed caller identity).
const callerSecret = process.env.CALLER_SECRET ?? crypto.randomUUID() + crypto.randomUUID();
const embedded: EmbeddedPostgres[] = [];
const children: ReturnType<typeof Bun.spawn>[] = [];

async function databaseFor(service: DevService): Promise<{ url: string; where: string }> {
  const configured = process.env[`${service.name.toUpperCase()}_DATABASE_URL`];
  if (configured !== undefined && configured !== "") {
    return { url: configured, where: `${service.name.toUpperCase()}_DATABASE_URL` };
  }
  const dataDir = join(root, ".data", service.name);
  await mkdir(dataDir, { recursive: true });
  const database = await startEmbeddedPostgres({ dataDir });
  embedded.push(database);
  return { url: database.url, where: `embedded Postgres in .data/${service.name}` };
}

async function start(service: DevService): Promise<void> {
  const database = await databaseFor(service);
  const child = Bun.spawn(["bun", "--watch", "src/main.ts"], {
    cwd: join(root, service.dir),
    env: {
      ...process.env,
      PORT: String(service.port),
      CALLER_SECRET: callerSecret,
      DATABASE_URL: database.url,
      // The embedded Postgres serves one connection at a time.
      ...(database.where.startsWith("embedded") ? { DATABASE_POOL_MAX: "1" } : {}),
    },
    stdout: "inherit",
    stderr: "inherit",
  });
  children.push(child);
  await waitServing(service);
  console.log(
    `\n  ${service.name}: gRPC on 127.0.0.1:${service.port}, SERVING (database: ${database.where})\n`,
  );
}

async function waitServing(service: DevService): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const state = await checkHealth(`127.0.0.1:${service.port}`, { timeoutMs: 500 }).catch(
      () => null,
    );
    if (state === "SERVING") {
      return;
    }
    await Bun.sleep(100);
  }
  throw new Error(`${service.name} did not report SERVING within 30 s`);
}

async function stop(): Promise<void> {
  for (const child of children) {
    child.kill("SIGTERM");
  }
  await Promise.all(children.map((child) => child.exited));
  await Promise.all(embedded.map((database) => database.stop()));
  process.exit(0);
}

process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());

for (const service of services) {
  await start(service);
}
console.log("  Ctrl-C stops everything.");
