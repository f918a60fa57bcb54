// `bun run contracts:check`: the breaking-change gate. Compares the working protos with the last
// released ones (see baseline-protos.ts) and fails when a breaking change is not released as a
// major version (minor while 0.x) by the pending changesets. CI runs it on every change. It also
// fails when it cannot tell the last release (git refused, a shallow clone, the registry down):
// passing then would let every change through.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { findBaseline } from "./baseline-protos.ts";
import { checkBreaking } from "./breaking-gate.ts";
import { pendingBump } from "./pending-changesets.ts";
import { readPackage } from "./workspace-packages.ts";

/** A failure the gate reports in one line, as a verdict, rather than as a stack trace. */
class GateError extends Error {}

const root = resolve(import.meta.dir, "../..");
const contractsDir = join(root, "contracts");
const { manifest } = await readPackage(contractsDir);
const workDir = await mkdtemp(join(tmpdir(), "contracts-check-"));
try {
  const notes: string[] = [];
  const baseline = await findBaseline(
    {
      packageName: manifest.name,
      version: manifest.version,
      repoRoot: root,
      packagePath: "contracts",
      bufYaml: join(contractsDir, "buf.yaml"),
      workDir,
    },
    notes,
  ).catch((error: unknown) => {
    const why = error instanceof Error ? error.message : String(error);
    throw new GateError(`cannot tell the last release of ${manifest.name}: ${why}`);
  });
  for (const note of notes) {
    console.log(`contracts:check: ${note}`);
  }
  const verdict = await checkBreaking({
    contractsDir,
    packageName: manifest.name,
    version: manifest.version,
    baseline,
    pending: await pendingBump(join(root, ".changeset"), manifest.name),
    buf: join(contractsDir, "node_modules", ".bin", "buf"),
  });
  console.log(`contracts:check: ${verdict.ok ? "ok" : "FAILED"}: ${verdict.message}`);
  process.exitCode = verdict.ok ? 0 : 1;
} catch (error) {
  if (!(error instanceof GateError)) {
    throw error;
  }
  console.log(`contracts:check: FAILED: ${error.message}`);
  process.exitCode = 1;
} finally {
  await rm(workDir, { recursive: true, force: true });
}
