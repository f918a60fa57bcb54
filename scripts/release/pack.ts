// `bun run pack`: every public workspace package (@trellis/contracts, service-kit, testing,
// biome-config) staged as `bun run release` stages it and packed into .packed/*.tgz, nothing
// published. compose.yaml hands .packed to each image build as the `local-packages` context,
// so the Dockerfiles install @trellis/* from these tarballs instead of a registry.
//   bun scripts/release/pack.ts [out-dir]
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { packFolder } from "./npm-registry.ts";
import { stagePackage } from "./stage-package.ts";
import { publicPackages } from "./workspace-packages.ts";

const root = resolve(import.meta.dir, "../..");
const out = resolve(process.argv[2] ?? join(root, ".packed"));

// A tarball of an older version left behind would be installed too: start empty.
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
for (const pkg of await publicPackages(root)) {
  const stage = await mkdtemp(join(tmpdir(), "trellis-pack-"));
  try {
    await stagePackage(pkg, join(stage, "package"));
    const tarball = await packFolder(join(stage, "package"), out);
    console.log(`packed ${pkg.manifest.name}@${pkg.manifest.version}: ${tarball}`);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
const tarballs = (await readdir(out)).filter((name) => name.endsWith(".tgz"));
console.log(`${tarballs.length} tarballs in ${out}`);
