import { isAbsolute, join, relative, resolve } from "node:path";
import { ROOT } from "./repo.ts";

/** What only tests may use: the harness and what it brings, and the kit's test tools. */
export const TEST_ONLY_PACKAGES: readonly string[] = [
  "@trellis/testing",
  "@testcontainers/postgresql",
  "testcontainers",
  "@electric-sql/pglite",
  "@electric-sql/pglite-socket",
  "grpc-health-check",
  "fast-check",
];

/**
 * The files Bun's bundler puts into the binary built from `<dir>/src/main.ts`, relative to the
 * root: the same module graph `bun build --compile` embeds, without compiling (about a second).
 */
export async function bundleInputs(dir: string): Promise<string[]> {
  const built = await Bun.build({
    entrypoints: [join(ROOT, dir, "src/main.ts")],
    target: "bun",
    metafile: true,
  });
  if (!built.success || built.metafile === undefined) {
    throw new AggregateError(built.logs, `bundling ${dir}/src/main.ts failed`);
  }
  // Metafile paths are relative to the working directory, or absolute.
  return Object.keys(built.metafile.inputs).map((path) =>
    relative(ROOT, isAbsolute(path) ? path : resolve(path)),
  );
}

/** The package an input belongs to: `name` under node_modules, else its workspace folder. */
export function packageOfInput(path: string): string {
  const parts = path.split("/");
  const at = parts.lastIndexOf("node_modules");
  if (at === -1) {
    return `workspace:${parts[0] === "services" ? parts.slice(0, 2).join("/") : parts[0]}`;
  }
  const name = parts.slice(at + 1, parts[at + 1]?.startsWith("@") ? at + 3 : at + 2);
  return name.join("/");
}

/** The inputs that are test-only: in a test-only package, or in the harness's folder. */
export function testOnlyInputs(paths: readonly string[]): string[] {
  return paths.filter((path) => {
    const pkg = packageOfInput(path);
    return (
      TEST_ONLY_PACKAGES.includes(pkg) ||
      pkg === "workspace:testing" ||
      /(^|\/)(testcontainers|pglite[^/]*)(\/|$)/.test(path)
    );
  });
}
