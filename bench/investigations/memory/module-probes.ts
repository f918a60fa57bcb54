// The probes module-probe.ts builds: each body runs after the baseline's prelude, as a file in
// gateway/src (relative imports are the gateway's). `__keep` holds what a probe made, so that
// neither the bundler nor the GC drops it before the measurement.

export interface Probe {
  name: string;
  body: string;
  /** Where the probe file goes, from the workspace root: gateway/src unless named. */
  dir?: string;
}

const notesRest = `import { loadRestApi } from "./rest/rest-api.ts";
const rest = loadRestApi({ restServices: [{ name: "trellis.notes.v1.NotesService", address: "127.0.0.1:1" }], restDescriptorSets: [] });
__keep.push(rest);`;

const importAll = (name: string, specifier: string): Probe => ({
  name,
  body: `import * as m from "${specifier}"; __keep.push(m);`,
});

// The gateway's app with fake clients, as testApp builds it; `rest` picks what REST_SERVICES
// would give, so that two probes with the same bundle differ only in what start-up builds.
const app = (
  rest: string,
): string => `import { generateCallerKeys, silentLogger } from "@trellis/service-kit";
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { createMemoryRateLimiter } from "./http/rate-limit-memory.ts";
import { emptyRestApi, loadRestApi } from "./rest/rest-api.ts";
import { fakeIdentity, fakeNotes, rawNotes } from "./testing/fake-clients.ts";
const config = loadConfig({ CALLER_SIGNING_KEY: generateCallerKeys("probe").signingKey, APP_ORIGIN: "https://app.example.com", LOG_LEVEL: "silent", REST_SERVICES: "trellis.notes.v1.NotesService=127.0.0.1:1" });
const limiter = (name: string) => createMemoryRateLimiter({ name, limit: 1_000, windowSeconds: 60 });
const rest = ${rest};
const app = createApp({ config, identity: fakeIdentity(), providers: {}, limiter: limiter("a"), sessionLimiter: limiter("s"), publicLimiter: limiter("p"), probe: async () => "SERVING", log: silentLogger(), rest, restClients: new Map([["trellis.notes.v1.NotesService", rawNotes(fakeNotes())]]) });
await app.handle(new Request("https://app.example.com/healthz"));
__keep.push(app, emptyRestApi);`;

export const probes: Probe[] = [
  { name: "baseline", body: "" },
  importAll("elysia", "elysia"),
  {
    name: "elysia-app",
    body: `import { Elysia, t } from "elysia";
const app = new Elysia()
  .get("/x/:id", ({ params }) => params.id, { params: t.Object({ id: t.String() }) })
  .post("/y", ({ body }) => body, { body: t.Object({ a: t.String(), b: t.Optional(t.Number()) }) });
await app.handle(new Request("http://localhost.test/x/1"));
__keep.push(app);`,
  },
  importAll("elysia-openapi", "@elysiajs/openapi"),
  {
    name: "protobuf",
    body: `import * as m from "@bufbuild/protobuf"; import * as w from "@bufbuild/protobuf/wkt"; __keep.push(m, w);`,
  },
  {
    name: "contracts-registry",
    body: `import { contractsRegistry } from "@trellis/contracts/descriptors"; __keep.push(contractsRegistry());`,
  },
  {
    name: "registry-notes-only",
    body: `import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, file_google_protobuf_descriptor } from "@bufbuild/protobuf/wkt";
import { descriptorSet } from "@trellis/contracts/descriptors";
const set = fromBinary(FileDescriptorSetSchema, descriptorSet());
const byName = new Map(set.file.map((f) => [f.name, f]));
const notes = byName.get("trellis/notes/v1/notes.proto");
if (notes === undefined) throw new Error("no notes");
__keep.push(createFileRegistry(notes, (name) => name === "google/protobuf/descriptor.proto" ? file_google_protobuf_descriptor : byName.get(name)));`,
  },
  {
    name: "registry-reuse-wkt",
    body: `import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, file_google_protobuf_descriptor } from "@bufbuild/protobuf/wkt";
import { descriptorSet } from "@trellis/contracts/descriptors";
const set = fromBinary(FileDescriptorSetSchema, descriptorSet());
const byName = new Map(set.file.map((f) => [f.name, f]));
const regs = ["trellis/notes/v1/notes.proto", "trellis/identity/v1/identity.proto"].map((n) => createFileRegistry(byName.get(n) ?? set.file[0], (name) => name === "google/protobuf/descriptor.proto" ? file_google_protobuf_descriptor : byName.get(name)));
__keep.push(createFileRegistry(...regs));`,
  },
  { name: "rest-api", body: notesRest },
  {
    name: "openapi-document",
    body: `${notesRest}
import { openApiFromContracts } from "./openapi/document.ts";
__keep.push(openApiFromContracts(rest.routes.map((r) => r.rule), { registry: rest.registry, info: { title: "t", version: "1" }, sessionCookie: "session" }));`,
  },
  {
    name: "openapi-routes",
    body: `${notesRest}
import { Elysia } from "elysia";
import { openApiRoutes } from "./routes/openapi.ts";
const app = new Elysia().use(openApiRoutes({ appOrigin: "https://a.example" }, rest));
await app.handle(new Request("http://localhost.test/healthz"));
__keep.push(app);`,
  },
  {
    name: "openapi-served",
    body: `${notesRest}
import { Elysia } from "elysia";
import { openApiRoutes } from "./routes/openapi.ts";
const app = new Elysia().use(openApiRoutes({ appOrigin: "https://a.example" }, rest));
await (await app.handle(new Request("http://localhost.test/openapi.json"))).text();
__keep.push(app);`,
  },
  importAll("oauth4webapi", "oauth4webapi"),
  importAll("jose", "jose"),
  importAll("zod", "zod"),
  importAll("otel-api", "@opentelemetry/api"),
  importAll("lru-cache", "lru-cache"),
  importAll("ipaddr", "ipaddr.js"),
  importAll("grpc-js", "@grpc/grpc-js"),
  importAll("contracts-notes", "@trellis/contracts/notes/v1"),
  importAll("service-kit", "@trellis/service-kit"),
  {
    name: "kit-logger",
    body: `import { createLogger } from "@trellis/service-kit"; __keep.push(createLogger({ service: "probe", level: "info" }));`,
  },
  importAll("protobuf-core", "@bufbuild/protobuf"),
  {
    name: "protobuf-descriptor-set",
    body: `import { fromBinary } from "@bufbuild/protobuf"; import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt"; __keep.push(fromBinary, FileDescriptorSetSchema);`,
  },
  {
    name: "zod-config",
    body: `import { z } from "zod";
const s = z.object({ A: z.coerce.number().int().min(1).max(9), B: z.enum(["x", "y"]).default("x"), C: z.url().optional(), D: z.string().min(1).transform((v) => v.length) });
__keep.push(s.parse({ A: "3", C: "http://a.example", D: "abc" }));`,
  },
  {
    name: "zod-mini-config",
    body: `import * as z from "zod/mini";
const s = z.object({ A: z.pipe(z.coerce.number(), z.int().check(z.minimum(1), z.maximum(9))), B: z._default(z.enum(["x", "y"]), "x"), C: z.optional(z.url()), D: z.pipe(z.string().check(z.minLength(1)), z.transform((v: string) => v.length)) });
__keep.push(s.parse({ A: "3", C: "http://a.example", D: "abc" }));`,
  },
  {
    name: "pino",
    dir: "service-kit/src",
    body: `import pino from "pino"; __keep.push(pino({ level: "info" }));`,
  },
  {
    name: "postgres",
    dir: "service-kit/src",
    body: `import postgres from "postgres"; __keep.push(postgres);`,
  },
  { name: "app-no-rest", body: app("emptyRestApi()") },
  {
    name: "app-no-rest-registry",
    body: app(`emptyRestApi(); __keep.push(loadRestApi(config).registry)`),
  },
  { name: "app", body: app("loadRestApi(config)") },
  {
    name: "test-app",
    body: `import { testApp } from "./testing/test-app.ts";
const app = testApp();
await app.request("/healthz");
__keep.push(app);`,
  },
];
