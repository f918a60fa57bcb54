import { expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { contractsRegistry } from "@trellis/contracts/descriptors";
import { httpRules } from "@trellis/contracts/http-rules";
import { openApiFromContracts } from "./document.ts";
import { openApiToTypeScript } from "./testing/openapi-typescript.ts";

// The workspace's TypeScript (7), run as gateway/web runs it.
const tsc = join(
  dirname(Bun.resolveSync("typescript/package.json", import.meta.dir)),
  "bin",
  "tsc",
);

// Code a client would write against the generated types: it only compiles if the paths,
// parameters, bodies and schemas came out as the contracts say.
const usage = `
import type { components, paths } from "./api.ts";

type Note = components["schemas"]["trellis.notes.v1.Note"];
type ListQuery = NonNullable<paths["/api/notes"]["get"]["parameters"]["query"]>;
type CreateBody = paths["/api/notes"]["post"]["requestBody"]["content"]["application/json"];
type Created = paths["/api/notes"]["post"]["responses"][201]["content"]["application/json"];
type Failure = paths["/api/notes/{id}"]["delete"]["responses"][404]["content"]["application/json"];

export const note: Note = { id: "n1", title: "t", createTime: "2025-01-01T00:00:00Z" };
export const query: ListQuery = { page_size: 20, page_token: "" };
export const body: CreateBody = { title: "t", body: "b" };
export const created: Created = note;
export const failure: Failure = { error: { code: "NOT_FOUND", message: "x", requestId: "r" } };
export const pathParams: paths["/api/notes/{note.id}"]["patch"]["parameters"]["path"] = { "note.id": "n1" };
// @ts-expect-error: a note's title is a string
export const wrong: Note = { title: 1 };
`;

const tsconfig = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: "ES2022",
    module: "Preserve",
    moduleResolution: "bundler",
    allowImportingTsExtensions: true,
    noUncheckedIndexedAccess: true,
    types: [],
  },
  files: ["api.ts", "usage.ts"],
};

test("openapi-typescript turns the notes document into types that typecheck", async () => {
  const registry = contractsRegistry();
  const document = openApiFromContracts(httpRules(registry), {
    registry,
    info: { title: "Trellis API", version: "0.1.0" },
    sessionCookie: "session",
  });
  const dir = await mkdtemp(join(tmpdir(), "trellis-openapi-"));
  try {
    await Bun.write(join(dir, "api.ts"), await openApiToTypeScript(document));
    await Bun.write(join(dir, "usage.ts"), usage);
    await Bun.write(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
    const run = Bun.spawnSync([process.execPath, tsc, "-p", join(dir, "tsconfig.json")], {
      stdout: "pipe",
      stderr: "pipe",
    });
    expect({ exitCode: run.exitCode, output: `${run.stdout}${run.stderr}` }).toEqual({
      exitCode: 0,
      output: "",
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
