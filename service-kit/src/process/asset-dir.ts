import { dirname, join } from "node:path";

/**
 * Where a folder the code reads at runtime (migrations, a built web app) is by default: `name`
 * beside the executable when running as one compiled by `bun build --compile`, whose modules
 * live in Bun's virtual `/$bunfs` so `import.meta.dir` names no real folder; `fromSource` when
 * running from source.
 */
export function assetDir(name: string, fromSource: string): string {
  return Bun.isStandaloneExecutable ? join(dirname(process.execPath), name) : fromSource;
}
