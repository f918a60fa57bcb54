import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { contractsDir, fixturesDir } from "./paths.ts";

const buf = join(contractsDir, "node_modules/.bin/buf");

// The buf workspace of contracts/buf.yaml, with the fixtures as a module beside ours: the
// fixture imports trellis/api/v1/annotations.proto and googleapis' http annotations.
const bufYaml = `version: v2
modules:
  - path: fixtures
  - path: contracts
  - path: googleapis
    includes:
      - googleapis/google/api
    excludes:
      - googleapis/google/api/apikeys
      - googleapis/google/api/cloudquotas
      - googleapis/google/api/expr
      - googleapis/google/api/servicecontrol
      - googleapis/google/api/servicemanagement
      - googleapis/google/api/serviceusage
`;

/**
 * Compiles test/system/fixtures/greetings into a binary FileDescriptorSet, as a team would
 * hand one to REST_DESCRIPTOR_SETS, in a temporary folder; `remove` deletes it.
 */
export async function buildGreetingsDescriptors(): Promise<{
  path: string;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "trellis-greetings-"));
  await symlink(fixturesDir, join(dir, "fixtures"));
  await symlink(join(contractsDir, "proto"), join(dir, "contracts"));
  await symlink(join(contractsDir, "node_modules/google-proto-files"), join(dir, "googleapis"));
  await writeFile(join(dir, "buf.yaml"), bufYaml);
  const path = join(dir, "greetings.binpb");
  const build = Bun.spawn(
    [buf, "build", "--path", "fixtures/greetings", "--as-file-descriptor-set", "-o", path],
    { cwd: dir, stdout: "pipe", stderr: "pipe" },
  );
  const [errors, code] = await Promise.all([new Response(build.stderr).text(), build.exited]);
  if (code !== 0) {
    throw new Error(`buf build failed: ${errors}`);
  }
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
