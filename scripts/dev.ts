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
// A saved file restarts the processes that run it (scripts/dev/inputs.ts says which): its own
// code, the service kit, the contracts; a .proto is linted and generated first. See the README's
// "Dev loop". Ports: DEV_GATEWAY_PORT, DEV_OAUTH_PORT, DEV_WEB_PORT, DEV_<SERVICE>_PORT.
import { statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { checkHealth, generateCallerKeys } from "@trellis/service-kit";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "@trellis/testing";
import { Children, type ChildSpec } from "./dev/children.ts";
import { generateContracts } from "./dev/generate.ts";
import {
  CONTRACTS_PACKAGE,
  planChanges,
  readWorkspace,
  type WatchedProcess,
  watchedFolders,
} from "./dev/inputs.ts";
import {
  bannerLine,
  databaseUrlVariable,
  devPorts,
  gatewayServiceEnv,
  serviceProcessEnv,
} from "./dev/plan.ts";
import { createReloader } from "./dev/reloader.ts";
import { watchFolders } from "./dev/watcher.ts";
import { devTracing } from "./dev-tracing.ts";
import { discoverServices, type ServiceEntry } from "./services/discover.ts";

const root = join(import.meta.dir, "..");
const { ports, services } = devPorts(process.env, await discoverServices(root));
const webDevServer = `http://127.0.0.1:${ports.web}`;
const appOrigin = `http://localhost:${ports.gateway}`;
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
const names = ["gateway", "fake-oauth", "web", "contracts", ...services.map((s) => s.name)];
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

// Each process runs plain `bun <entry>`: the runner's watcher restarts it (see inputs.ts), since
// `bun --watch` follows only the files a process imported and missed the service kit's.
function serviceSpec(service: ServiceEntry, database: { url: string; embedded: boolean }) {
  return {
    name: service.name,
    cwd: service.dir,
    command: ["bun", "src/main.ts"],
    env: serviceProcessEnv(service, database, callerKeys.publicKey),
    ready: async () =>
      (await checkHealth(`127.0.0.1:${service.port}`, { timeoutMs: 500 })) === "SERVING",
  } satisfies ChildSpec;
}

const fakeOAuthSpec: ChildSpec = {
  name: "fake-oauth",
  cwd: "gateway",
  command: ["bun", "fake-provider/main.ts"],
  env: { PORT: String(ports.fakeOAuth) },
  ready: async () =>
    (await fetch(`http://127.0.0.1:${ports.fakeOAuth}/dev/.well-known/openid-configuration`)).ok,
};

// Vite reloads the app on its own; WEB_DEV_SERVER tells it where to listen (vite.config.ts).
// Its binary directly, not `bun run dev`, which reports Ctrl-C as a failed script.
const webSpec: ChildSpec = {
  name: "web",
  cwd: "gateway/web",
  command: ["node_modules/.bin/vite"],
  env: { WEB_DEV_SERVER: webDevServer },
  ready: async () => (await fetch(webDevServer)).ok,
};

const gatewaySpec: ChildSpec = {
  name: "gateway",
  cwd: "gateway",
  command: ["bun", "src/main.ts"],
  env: {
    MODE: "development",
    PORT: String(ports.gateway),
    APP_ORIGIN: appOrigin,
    CALLER_SIGNING_KEY: callerKeys.signingKey,
    ...gatewayServices,
    DEV_OAUTH_ISSUER: `http://127.0.0.1:${ports.fakeOAuth}/dev`,
    WEB_DEV_SERVER: webDevServer,
  },
  ready: async () => (await fetch(`http://127.0.0.1:${ports.gateway}/readyz`)).ok,
};

/** What each restartable process runs, for the watcher: its own folders and its package's. */
const watched: WatchedProcess[] = [
  ...services.map((s) => ({
    name: s.name,
    packageName: s.packageName,
    own: [`${s.dir}/src`, `${s.dir}/migrations`],
  })),
  // The fake provider imports only its own folder and the gateway's list of provider names.
  {
    name: "fake-oauth",
    packageName: null,
    own: ["gateway/fake-provider", "gateway/src/auth/provider-names.ts"],
  },
  { name: "gateway", packageName: "@trellis/gateway", own: ["gateway/src"] },
];

let watch: { close(): void } | undefined;

async function stop(code = 0): Promise<void> {
  watch?.close();
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
  return Promise.all(
    planned.map(async ([service, database]) => {
      await children.start(serviceSpec(service, database));
      return database.embedded ? `embedded Postgres in .data/${service.name}` : "its DATABASE_URL";
    }),
  );
}

/** Restarts on saved files: the watcher reports paths, the reloader plans and restarts. */
async function startWatching(): Promise<void> {
  const workspace = await readWorkspace(root);
  const contractsGen = `${workspace.get(CONTRACTS_PACKAGE)?.dir ?? "contracts"}/gen`;
  // While the runner generates, its own writes to the generated folder are not a change to act
  // on again: the reloader restarts the contracts' dependents after generating.
  let generating = false;
  let quietUntil = 0;
  const reloader = createReloader({
    plan: (paths) => planChanges(paths, watched, workspace),
    generate: async () => {
      generating = true;
      try {
        return await generateContracts(root);
      } finally {
        generating = false;
        quietUntil = Date.now() + 500;
      }
    },
    restart: (name) => children.restart(name),
    say: (source, line) => children.say(source, line),
    now: () => Date.now(),
  });
  const isFile = (path: string): boolean => {
    try {
      return statSync(join(root, path)).isFile();
    } catch {
      return false;
    }
  };
  watch = watchFolders({
    root,
    folders: watchedFolders(watched, workspace, isFile),
    accept: (path) => !(path.startsWith(contractsGen) && (generating || Date.now() < quietUntil)),
    // Files that still exist first: the one an editor saved, not its scratch file renamed away.
    onChanges: (paths) =>
      reloader.changed(paths.toSorted((a, b) => Number(!isFile(a)) - Number(!isFile(b)))),
  });
}

// A process that fails to start stops the others: a half-started stack would hold the ports.
// Once it is up, a process that fails to restart is reported and the others keep running.
try {
  const databases = await startServices();
  await children.start(fakeOAuthSpec);
  await children.start(webSpec);
  await children.start(gatewaySpec);
  await startWatching();
  console.log(`
  Trellis is up.
    app        ${appOrigin}   (Dev login signs in; edits to gateway/web reload live)
    API docs   ${appOrigin}/docs
${services.map((s, i) => bannerLine(s, databases[i] ?? "")).join("\n")}
  Saving a file restarts what runs it; saving a .proto regenerates the contracts first.
  Ctrl-C stops everything.
`);
} catch (error) {
  console.error(`dev: ${error instanceof Error ? error.message : String(error)}; stopping`);
  await stop(1);
}
