// Each service folder copied alone into a repository of its own typechecks and lints with no
// file from the workspace root: its tsconfig and biome.json reach nothing outside it, and they
// still say what the root's do; no file of it, tests and docs included, names a path outside it. The polyrepo test (scripts/release/polyrepo.test.ts) runs them.
import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { folderFiles, ROOT, readText, serviceFolders } from "./repo.ts";
import {
  BIOME_PRESET,
  biomeConfigProblems,
  type ConfigFile,
  extendsOutside,
  type LintManifest,
  lintSetupProblems,
  optionsDrift,
  pathsOutside,
} from "./self-contained-rules.ts";

async function readJson<T>(path: string): Promise<T> {
  return (await Bun.file(join(ROOT, path)).json()) as T;
}

type TsConfig = ConfigFile & { compilerOptions?: Record<string, unknown> };

const folders = serviceFolders();
// The web app is built with the gateway and copied with it; it adds the DOM to `lib`.
const tsFolders = [...folders, "gateway/web"].map((dir) => ({
  dir,
  allowed: dir === "gateway/web" ? ["lib"] : [],
}));

test.each(tsFolders)("$dir/tsconfig.json extends nothing outside the folder", async ({ dir }) => {
  expect(extendsOutside(await readJson<TsConfig>(`${dir}/tsconfig.json`))).toEqual([]);
});

test.each(tsFolders)(
  "$dir/tsconfig.json keeps tsconfig.base.json's options",
  async ({ dir, allowed }) => {
    const own = await readJson<TsConfig>(`${dir}/tsconfig.json`);
    const base = await readJson<TsConfig>("tsconfig.base.json");
    expect(optionsDrift(own.compilerOptions ?? {}, base.compilerOptions ?? {}, allowed)).toEqual(
      [],
    );
  },
);

test.each(folders)("%s has a biome.json of its own, the preset's rules only", async (dir) => {
  const path = `${dir}/biome.json`;
  const config = existsSync(join(ROOT, path)) ? await readJson<ConfigFile>(path) : null;
  expect(biomeConfigProblems(config)).toEqual([]);
});

test.each(folders)("%s lints with its own script and the root's Biome version", async (dir) => {
  const root = await readJson<LintManifest>("package.json");
  const version = root.devDependencies?.["@biomejs/biome"] ?? "(none at the root)";
  expect(lintSetupProblems(await readJson<LintManifest>(`${dir}/package.json`), version)).toEqual(
    [],
  );
});

test.each(folders)("%s ignores its own installs, builds, data and secrets", async (dir) => {
  const path = join(ROOT, dir, ".gitignore");
  const lines = existsSync(path) ? (await Bun.file(path).text()).split("\n") : [];
  expect(lines).toEqual(expect.arrayContaining(["node_modules/", "dist/", ".data/", ".env"]));
});

test.each(folders)("the root biome.json leaves %s to its own config", async (dir) => {
  // Biome refuses a nested root config under a root whose files.includes takes the folder in.
  const root = await readJson<ConfigFile & { files?: { includes?: string[] } }>("biome.json");
  const [top] = dir.split("/");
  expect(root.files?.includes ?? []).toContain(`!${top}`);
  expect(root.extends).toEqual([BIOME_PRESET]);
});

test.each(folders)("no file of %s names a path outside the folder", async (dir) => {
  // Code, tests, fixtures and docs alike: the system tests that start the other folders live in
  // test/system at the root, so nothing here reaches ../services, ../contracts or the root.
  const outside: string[] = [];
  for (const file of folderFiles(dir)) {
    const text = await readText(file);
    if (!text.includes("\0")) {
      outside.push(...pathsOutside(dir, file, text).map((path) => `${file}: ${path}`));
    }
  }
  expect(outside).toEqual([]);
});

const brokenSamples = [
  {
    name: "a tsconfig extending the root's base reaches outside",
    got: extendsOutside({ extends: "../../tsconfig.base.json" }),
    want: ["../../tsconfig.base.json"],
  },
  {
    name: "a biome.json extending the workspace root reaches outside",
    got: extendsOutside({ root: false, extends: "//" }),
    want: ["//"],
  },
  {
    name: "a package name stays inside",
    got: extendsOutside({ extends: [BIOME_PRESET] }),
    want: [],
  },
  {
    name: "a dropped or changed option is drift",
    got: optionsDrift({ strict: false, lib: ["DOM"] }, { strict: true, noEmit: true, lib: [] }, [
      "lib",
    ]),
    want: ["noEmit", "strict"],
  },
  {
    name: "a folder without a biome.json lacks a lint config",
    got: biomeConfigProblems(null),
    want: ["no biome.json"],
  },
  {
    name: "a nested non-root config would be ignored copied out",
    got: biomeConfigProblems({ root: false, extends: "//" }),
    want: [
      "not root: true (copied out alone, Biome would ignore it)",
      'extends ["//"], not ["@trellis/biome-config/biome"] alone',
    ],
  },
  {
    name: "a rule of the folder's own diverges",
    got: biomeConfigProblems({ root: true, extends: [BIOME_PRESET], linter: {} }),
    want: ["linter: a setting of its own, not the preset's"],
  },
  {
    name: "a folder linting with another Biome",
    got: lintSetupProblems(
      { scripts: {}, devDependencies: { "@biomejs/biome": "^2.0.0" } },
      "2.6.8",
    ),
    want: [
      "lint script is undefined",
      '@biomejs/biome is "^2.0.0", not 2.6.8',
      "no @trellis/biome-config devDependency",
    ],
  },

  {
    name: "a test support file joining the repository root onto its own folder",
    got: pathsOutside(
      "gateway",
      "gateway/test/support/greetings.ts",
      'const repo = join(import.meta.dir, "../../..");',
    ),
    want: ["../../.."],
  },
  {
    name: "an import from a sibling folder of the workspace",
    got: pathsOutside(
      "gateway",
      "gateway/src/app.ts",
      'import { x } from "../../contracts/gen/x.ts";',
    ),
    want: ["../../contracts/gen/x.ts"],
  },
  {
    name: "a README's link to the root",
    got: pathsOutside("gateway", "gateway/README.md", "see [the example](../.env.example)"),
    want: ["../.env.example"],
  },
  {
    name: "paths within the folder, URL dots and spreads stay inside",
    got: pathsOutside(
      "gateway",
      "gateway/src/auth/oidc.test.ts",
      'import "../../fake-provider/faults.ts"; f(...args); "/a/../notes"; "http://.../cb" ...',
    ),
    want: [],
  },
];

test.each(brokenSamples)("the self-contained check: $name", ({ got, want }) => {
  expect(got).toEqual(want);
});
