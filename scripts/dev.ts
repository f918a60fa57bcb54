// `bun run dev`: the whole stack on this machine, with restarts on file changes.
//   services     every service the repository has (service-template and services/*), found by
//                the `trellis.service` declaration in its package.json (scripts/services/
//                discover.ts) and started on the port it declares; each uses <NAME>_DATABASE_URL
//                when set (a dash in the name is `_`), else an embedded Postgres (PGlite) kept
//                in .data/<name>
//   fake-oauth   the fake OAuth provider behind "Dev login" (development only)
//   web          Vite's dev server for gateway/web, with hot module reload
//   gateway      http://localhost:3000: the API, and the web app from Vite on the same origin
//                (no CORS; the browser opens Vite's HMR socket on its own port). It reaches
//                identity at its declared port and serves every service's declared REST APIs.
// Logs of every process come out here, one line each, prefixed with its name; at debug level
// unless LOG_LEVEL says otherwise, so each request and call shows.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { checkHealth, generateCallerKeys } from "@trellis/service-kit";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "@trellis/testing";
import { Children, waitFor } from "./dev/children.ts";
import {
  bannerLine,
  databaseUrlVariable,
  gatewayServiceEnv,
  serviceProcessEnv,
} from "./dev/plan.ts";
import { devTracing } from "./dev-tracing.ts";
import { discoverServices, type ServiceEntry } from "./services/discover.ts";

const fakeOAuthPort = 4010;
const gatewayPort = 3000;
const webDevServer = "http://127.0.0.1:5173";
const appOrigin = `http://localhost:${gatewayPort}`;

const root = join(import.meta.dir, "..");
const services = await discoverServices(root);
// Before anything starts: a missing identity is a message, not a half-started stack.
const gatewayServices = gatewayServiceEnv(services);
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
const names = ["gateway", "fake-oauth", "web", ...services.map((s) => s.name)];
const children = new Children(root, tracing.env, Math.max(...names.map((n) => n.length)));

async function databaseFor(service: ServiceEntry): Promise<{ url: string; embedded: boolean }> {
  const configured = process.env[databaseUrlVariable(service.name)];
  if (configured !== undefined && configured !== "") {
    return { url: configured, embedded: false };
  }
  const dataDir = join(root, ".data", service.name);
  await mkdir(dataDir, { recursive: true });
  const database = await startEmbeddedPostgres({ dataDir });
  embedded.push(database);
  return { url: database.url, embedded: true };
}

async function startService(
  service: ServiceEntry,
  database: { url: string; embedded: boolean },
): Promise<string> {
  children.spawn(
    service.name,
    service.dir,
    ["bun", "--watch", "src/main.ts"],
    serviceProcessEnv(service, database, callerKeys.publicKey),
  );
  await waitFor(service.name, async () => {
    const state = await checkHealth(`127.0.0.1:${service.port}`, { timeoutMs: 500 });
    return state === "SERVING";
  });
  return database.embedded ? `embedded Postgres in .data/${service.name}` : "its DATABASE_URL";
}

async function stop(code = 0): Promise<void> {
  await children.stopAll();
  await Promise.all(embedded.map((database) => database.stop()));
  process.exit(code);
}

process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());

/**
 * Databases one after another: each embedded one starts (a WASM initdb on first run) on this
 * process's one thread, and services connecting meanwhile would time out. Then the services
 * together. Returns where each one's database is, for the banner.
 */
async function startServices(): Promise<string[]> {
  const planned: [ServiceEntry, { url: string; embedded: boolean }][] = [];
  for (const service of services) {
    planned.push([service, await databaseFor(service)]);
  }
  return Promise.all(planned.map(([service, db]) => startService(service, db)));
}

async function startFakeOAuthAndWeb(): Promise<void> {
  children.spawn("fake-oauth", "gateway", ["bun", "--watch", "fake-provider/main.ts"], {
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
  children.spawn("web", "gateway/web", ["node_modules/.bin/vite"], {
    WEB_DEV_SERVER: webDevServer,
  });
  await waitFor("web", async () => (await fetch(webDevServer)).ok);
}

async function startGateway(): Promise<void> {
  children.spawn("gateway", "gateway", ["bun", "--watch", "src/main.ts"], {
    MODE: "development",
    PORT: String(gatewayPort),
    APP_ORIGIN: appOrigin,
    CALLER_SIGNING_KEY: callerKeys.signingKey,
    ...gatewayServices,
    DEV_OAUTH_ISSUER: `http://127.0.0.1:${fakeOAuthPort}/dev`,
    WEB_DEV_SERVER: webDevServer,
  });
  await waitFor("gateway", async () => (await fetch(`http://127.0.0.1:${gatewayPort}/readyz`)).ok);
}

// A process that fails to start stops the others: a half-started stack would hold the ports.
try {
  const databases = await startServices();
  await startFakeOAuthAndWeb();
  await startGateway();
  console.log(`
  Trellis is up.
    app        ${appOrigin}   (Dev login signs in; edits to gateway/web reload live)
    API docs   ${appOrigin}/docs
${services.map((s, i) => bannerLine(s, databases[i] ?? "")).join("\n")}
  Ctrl-C stops everything.
`);
} catch (error) {
  console.error(`dev: ${error instanceof Error ? error.message : String(error)}; stopping`);
  await stop(1);
}
