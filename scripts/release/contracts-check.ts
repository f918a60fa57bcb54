// `bun run contracts:check`: the breaking-change gate. Compares the working protos with the last
// released ones (see baseline-protos.ts) and fails when a breaking change is not released as a
// major version (minor while 0.x) by the pending changesets. CI runs it on every change.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { findBaseline } from "./baseline-protos.ts";
import { checkBreaking } from "./breaking-gate.ts";
import { pendingBump } from "./pending-changesets.ts";
import { readPackage } from "./workspace-packages.ts";

const root = resolve(import.meta.dir, "../..");
const contractsDir = join(root, "contracts");
const { manifest } = await readPackage(contractsDir);
const workDir = await mkdtemp(join(tmpdir(), "contracts-check-"));
try {
  const notes: string[] = [];
  const baseline = await findBaseline(
    {
      packageName: manifest.name,
      repoRoot: root,
      packagePath: "contracts",
      bufYaml: join(contractsDir, "buf.yaml"),
      workDir,
    },
    notes,
  );
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
} finally {
  await rm(workDir, { recursive: true, force: true });
}
