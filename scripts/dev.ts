// `bun run dev`: the whole stack on this machine, with restarts on file changes.
//   notes, identity   gRPC services; each uses <NAME>_DATABASE_URL when set, else an embedded
//                     Postgres (PGlite) kept in .data/<name>
//   fake-oauth        the fake OAuth provider behind "Dev login" (development only)
//   web               Vite's dev server for gateway/web, with hot module reload
//   gateway           http://localhost:3000: the API, and the web app from Vite on the same
//                     origin (no CORS; the browser opens Vite's HMR socket on its own port)
// Logs of every process come out here, one line each, prefixed with its name; at debug level
// unless LOG_LEVEL says otherwise, so each request and call shows.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { checkHealth, generateCallerKeys } from "@trellis/service-kit";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "@trellis/testing";
import { formatLogLine } from "./dev-log.ts";
import { devTracing } from "./dev-tracing.ts";

interface DevService {
  name: string;
  dir: string;
  port: number;
}

const services: DevService[] = [
  { name: "notes", dir: "service-template", port: 50051 },
  { name: "identity", dir: "services/identity", port: 50052 },
];
const fakeOAuthPort = 4010;
const gatewayPort = 3000;
const webDevServer = "http://127.0.0.1:5173";
const appOrigin = `http://localhost:${gatewayPort}`;

const root = join(import.meta.dir, "..");
// One caller key pair per dev run: the gateway signs with the private half, services verify
// with the public one. CALLER_SIGNING_KEY and CALLER_PUBLIC_KEYS, when both set, are used instead.
const callerKeys =
  process.env.CALLER_SIGNING_KEY && process.env.CALLER_PUBLIC_KEYS
    ? { signingKey: process.env.CALLER_SIGNING_KEY, publicKey: process.env.CALLER_PUBLIC_KEYS }
    : generateCallerKeys("dev");
// Spans go to a local Jaeger when one answers (compose.yaml), else tracing is off.
const tracing = await devTracing(process.env);
console.log(`tracing: ${tracing.summary}`);
const embedded: EmbeddedPostgres[] = [];
const children: ReturnType<typeof Bun.spawn>[] = [];
const width = Math.max(
  ...["gateway", "fake-oauth", "web", ...services.map((s) => s.name)].map((n) => n.length),
);

function spawn(name: string, cwd: string, command: string[], env: Record<string, string>): void {
  const child = Bun.spawn(command, {
    cwd: join(root, cwd),
    // Every request and call at debug: production's default (info) logs only what went wrong.
    env: { LOG_LEVEL: "debug", ...process.env, ...tracing.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  children.push(child);
  void prefixLines(name, child.stdout);
  void prefixLines(name, child.stderr);
}

async function prefixLines(name: string, stream: ReadableStream<Uint8Array>): Promise<void> {
  const label = `${name.padEnd(width)} |`;
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    const lines = (pending + decoder.decode(chunk, { stream: true })).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      console.log(`${label} ${formatLogLine(line)}`);
    }
  }
}

async function databaseFor(service: DevService): Promise<{ url: string; embedded: boolean }> {
  const configured = process.env[`${service.name.toUpperCase()}_DATABASE_URL`];
  if (configured !== undefined && configured !== "") {
    return { url: configured, embedded: false };
  }
  const dataDir = join(root, ".data", service.name);
  await mkdir(dataDir, { recursive: true });
  const database = await startEmbeddedPostgres({ dataDir });
  embedded.push(database);
  return { url: database.url, embedded: true };
}

async function startService(service: DevService): Promise<string> {
  const database = await databaseFor(service);
  spawn(service.name, service.dir, ["bun", "--watch", "src/main.ts"], {
    PORT: String(service.port),
    DATABASE_URL: database.url,
    MODE: "development",
    CALLER_PUBLIC_KEYS: callerKeys.publicKey,
    // The embedded Postgres serves one connection at a time.
    ...(database.embedded ? { DATABASE_POOL_MAX: "1" } : {}),
  });
  await waitFor(service.name, async () => {
    const state = await checkHealth(`127.0.0.1:${service.port}`, { timeoutMs: 500 });
    return state === "SERVING";
  });
  return database.embedded ? `embedded Postgres in .data/${service.name}` : "its DATABASE_URL";
}

async function waitFor(name: string, ready: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (await ready().catch(() => false)) {
      return;
    }
    await Bun.sleep(100);
  }
  throw new Error(`${name} was not ready within 30 s`);
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

const databases = await Promise.all(services.map(startService));
spawn("fake-oauth", "gateway", ["bun", "--watch", "fake-provider/main.ts"], {
  PORT: String(fakeOAuthPort),
});
await waitFor("fake-oauth", async () => {
  const response = await fetch(
    `http://127.0.0.1:${fakeOAuthPort}/dev/.well-known/openid-configuration`,
  );
  return response.ok;
});
// Vite reloads the app on its own; WEB_DEV_SERVER tells it where to listen (vite.config.ts).
// Its binary directly, not `bun run dev`, which reports Ctrl-C as a failed script.
spawn("web", "gateway/web", ["node_modules/.bin/vite"], { WEB_DEV_SERVER: webDevServer });
await waitFor("web", async () => (await fetch(webDevServer)).ok);
spawn("gateway", "gateway", ["bun", "--watch", "src/main.ts"], {
  MODE: "development",
  PORT: String(gatewayPort),
  APP_ORIGIN: appOrigin,
  CALLER_SIGNING_KEY: callerKeys.signingKey,
  REST_SERVICES: `trellis.notes.v1.NotesService=127.0.0.1:${services[0]?.port}`,
  IDENTITY_ADDRESS: `127.0.0.1:${services[1]?.port}`,
  DEV_OAUTH_ISSUER: `http://127.0.0.1:${fakeOAuthPort}/dev`,
  WEB_DEV_SERVER: webDevServer,
});
await waitFor("gateway", async () => (await fetch(`http://127.0.0.1:${gatewayPort}/readyz`)).ok);

console.log(`
  Trellis is up.
    app        ${appOrigin}   (Dev login signs in; edits to gateway/web reload live)
    API docs   ${appOrigin}/docs
${services.map((s, i) => `    ${s.name.padEnd(10)} gRPC 127.0.0.1:${s.port} on ${databases[i]}`).join("\n")}
  Ctrl-C stops everything.
`);
