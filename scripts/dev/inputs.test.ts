import { expect, test } from "bun:test";
import { join } from "node:path";
import {
  planChanges,
  readWorkspace,
  type WatchedProcess,
  type Workspace,
  watchedFolders,
  workspaceDependencies,
  workspacePackage,
} from "./inputs.ts";

// The workspace as it is: the gateway and two services on the kit and the contracts.
const workspace: Workspace = new Map([
  [
    "@trellis/contracts",
    { dir: "contracts", dependencies: [], exportFolders: ["gen", "proto", "src"] },
  ],
  ["@trellis/service-kit", { dir: "service-kit", dependencies: [], exportFolders: ["src"] }],
  [
    "@trellis/testing",
    { dir: "testing", dependencies: ["@trellis/service-kit"], exportFolders: ["src"] },
  ],
  [
    "@trellis/gateway",
    {
      dir: "gateway",
      dependencies: ["@trellis/contracts", "@trellis/service-kit", "elysia"],
      exportFolders: ["fake-provider", "src"],
    },
  ],
  [
    "@trellis/notes",
    {
      dir: "service-template",
      dependencies: ["@trellis/contracts", "@trellis/service-kit"],
      exportFolders: [],
    },
  ],
  [
    "@trellis/identity",
    {
      dir: "services/identity",
      dependencies: ["@trellis/contracts", "@trellis/service-kit"],
      exportFolders: [],
    },
  ],
]);

const processes: WatchedProcess[] = [
  {
    name: "identity",
    packageName: "@trellis/identity",
    own: ["services/identity/src", "services/identity/migrations"],
  },
  {
    name: "notes",
    packageName: "@trellis/notes",
    own: ["service-template/src", "service-template/migrations"],
  },
  {
    name: "fake-oauth",
    packageName: null,
    own: ["gateway/fake-provider", "gateway/src/auth/provider-names.ts"],
  },
  { name: "gateway", packageName: "@trellis/gateway", own: ["gateway/src"] },
];

const all = ["identity", "notes", "gateway"];

test.each([
  {
    name: "a service handler restarts that service",
    path: "service-template/src/handlers/get-note.ts",
    generate: null,
    restart: ["notes"],
  },
  {
    name: "a migration restarts its service",
    path: "services/identity/migrations/0002_x.sql",
    generate: null,
    restart: ["identity"],
  },
  {
    name: "a kit file restarts everything on the kit",
    path: "service-kit/src/wire/idempotency-key.ts",
    generate: null,
    restart: all,
  },
  {
    name: "a gateway route restarts the gateway",
    path: "gateway/src/routes/me.ts",
    generate: null,
    restart: ["gateway"],
  },
  {
    name: "the provider names restart the gateway and the fake provider",
    path: "gateway/src/auth/provider-names.ts",
    generate: null,
    restart: ["fake-oauth", "gateway"],
  },
  {
    name: "a fake provider file restarts it alone",
    path: "gateway/fake-provider/serve.ts",
    generate: null,
    restart: ["fake-oauth"],
  },
  {
    name: "a proto generates, then restarts the contracts' users",
    path: "contracts/proto/trellis/notes/v1/notes.proto",
    generate: "contracts/proto/trellis/notes/v1/notes.proto",
    restart: all,
  },
  {
    name: "a non-proto file among the protos does nothing",
    path: "contracts/proto/README.md",
    generate: null,
    restart: [],
  },
  {
    name: "the generated folder replaced restarts the contracts' users",
    path: "contracts/gen",
    generate: null,
    restart: all,
  },
  {
    name: "a contracts helper restarts the contracts' users",
    path: "contracts/src/http-rules.ts",
    generate: null,
    restart: all,
  },
  {
    name: "a test beside the code restarts nothing",
    path: "service-kit/src/errors.test.ts",
    generate: null,
    restart: [],
  },
  {
    name: "an editor's swap file restarts nothing",
    path: "gateway/src/.app.ts.swp",
    generate: null,
    restart: [],
  },
  {
    name: "the web app is Vite's: nothing",
    path: "gateway/web/src/App.svelte",
    generate: null,
    restart: [],
  },
  {
    name: "the test harness runs in no process",
    path: "testing/src/stall.ts",
    generate: null,
    restart: [],
  },
  {
    name: "a gateway test folder runs in no process",
    path: "gateway/test/x.ts",
    generate: null,
    restart: [],
  },
])("$name", ({ path, generate, restart }) => {
  const plan = planChanges([path], processes, workspace);
  expect({ generate: plan.generate, restart: [...plan.restart.keys()].sort() }).toEqual({
    generate,
    restart: [...restart].sort(),
  });
});

test("a batch names, for each process, the first path that concerns it", () => {
  const plan = planChanges(
    ["gateway/src/app.ts", "service-kit/src/index.ts", "service-template/src/main.ts"],
    processes,
    workspace,
  );
  expect(Object.fromEntries(plan.restart)).toEqual({
    gateway: "gateway/src/app.ts",
    identity: "service-kit/src/index.ts",
    notes: "service-kit/src/index.ts",
  });
});

test.each([
  { name: "none", pkg: "@trellis/contracts", want: [] },
  {
    name: "direct ones",
    pkg: "@trellis/gateway",
    want: ["@trellis/contracts", "@trellis/service-kit"],
  },
  { name: "through another package", pkg: "@trellis/testing", want: ["@trellis/service-kit"] },
  { name: "an unknown package", pkg: "@trellis/nothing", want: [] },
])("workspace dependencies: $name", ({ pkg, want }) => {
  expect(workspaceDependencies(pkg, workspace)).toEqual([...want]);
});

test("a cycle of workspace packages ends", () => {
  const cyclic: Workspace = new Map([
    ["a", { dir: "a", dependencies: ["b"], exportFolders: ["src"] }],
    ["b", { dir: "b", dependencies: ["a"], exportFolders: ["src"] }],
  ]);
  expect(workspaceDependencies("a", cyclic)).toEqual(["b"]);
});

test("the watched folders: each input's folder once, nested ones left out", () => {
  const isFile = (path: string) => path.endsWith(".ts");
  expect(watchedFolders(processes, workspace, isFile)).toEqual([
    "contracts/gen",
    "contracts/proto",
    "contracts/src",
    "gateway/fake-provider",
    "gateway/src",
    "service-kit/src",
    "service-template/migrations",
    "service-template/src",
    "services/identity/migrations",
    "services/identity/src",
  ]);
});

test.each([
  {
    name: "conditional exports into two folders",
    exports: { ".": { types: "./src/index.ts", default: "./src/index.ts" }, "./x": "./gen/x.ts" },
    want: ["gen", "src"],
  },
  { name: "a wildcard", exports: { "./proto/*": "./proto/*" }, want: ["proto"] },
  { name: "a file at the top", exports: { ".": "./index.ts" }, want: [] },
  { name: "no exports", exports: undefined, want: [] },
])("a package's export folders: $name", ({ exports, want }) => {
  expect(workspacePackage("p", { name: "p", exports }).exportFolders).toEqual([...want]);
});

test("the workspace as its package.json files declare it", async () => {
  const read = await readWorkspace(join(import.meta.dir, "../.."));
  expect(read.get("@trellis/contracts")?.exportFolders).toEqual(["gen", "proto", "src"]);
  expect(read.get("@trellis/service-kit")).toMatchObject({
    dir: "service-kit",
    exportFolders: ["src"],
  });
  expect(workspaceDependencies("@trellis/gateway", read)).toEqual([
    "@trellis/contracts",
    "@trellis/service-kit",
  ]);
  expect(read.get("@trellis/identity")?.dir).toBe("services/identity");
});
