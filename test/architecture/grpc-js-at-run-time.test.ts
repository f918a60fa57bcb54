import { expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { sourceFiles } from "../../scripts/security/source-files.ts";

// Evaluating @grpc/grpc-js costs a process about 8 MB of RSS (service-kit/src/wire/status.ts).
// The kit has its own client, server and status table, and contracts' gen/node no grpc-js client,
// so no process evaluates it at start: only the GRPC_CLIENT=grpc-js fallback and the OTLP gRPC
// exporter load it, when chosen. A static import of it in code a process runs would undo that.

const root = join(import.meta.dir, "../..");
const PROCESS_CODE =
  /^(service-kit\/src|gateway\/src|services\/[^/]+\/src|service-template\/src)\//;
const TEST_CODE = /\.test\.ts$|\/testing\//;
const transpiler = new Bun.Transpiler({ loader: "ts" });

/** Whether `text` imports grpc-js eagerly: a value import, not a type or a lazy require(). */
function importsGrpcJsAtStart(text: string): boolean {
  return transpiler
    .scanImports(text)
    .some((found) => found.kind === "import-statement" && found.path.startsWith("@grpc/grpc-js"));
}

/** Which of `files` (relative to the repository) import grpc-js at start. */
async function eagerIn(files: string[]): Promise<string[]> {
  const eager: string[] = [];
  for (const file of files) {
    if (importsGrpcJsAtStart(await readFile(join(root, file), "utf8"))) {
      eager.push(file);
    }
  }
  return eager;
}

test.each([
  { text: 'import { status } from "@grpc/grpc-js";', eager: true },
  { text: 'export { Metadata } from "@grpc/grpc-js";', eager: true },
  { text: 'import * as grpc from "@grpc/grpc-js";', eager: true },
  { text: 'import type { Metadata } from "@grpc/grpc-js";', eager: false },
  { text: 'import { type ServiceError } from "@grpc/grpc-js";', eager: false },
  { text: 'const load = () => require("@grpc/grpc-js");', eager: false },
  { text: 'const load = () => import("@grpc/grpc-js");', eager: false },
])("the check reads $text as eager: $eager", ({ text, eager }) => {
  expect(importsGrpcJsAtStart(text)).toBe(eager);
});

test("no code a service or the gateway runs imports grpc-js at start", async () => {
  const files = (await sourceFiles(root)).filter(
    (file) => PROCESS_CODE.test(file) && !TEST_CODE.test(file),
  );
  expect(files.length).toBeGreaterThan(50);
  expect(await eagerIn(files)).toEqual([]);
});

test("the contracts a process imports (gen/node) hold no grpc-js client", async () => {
  const generated = [...new Bun.Glob("contracts/gen/node/**/*.ts").scanSync(root)];
  expect(generated.length).toBeGreaterThan(1);
  expect(await eagerIn(generated)).toEqual([]);
});
