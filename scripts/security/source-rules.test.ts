import { afterAll, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { findViolations } from "./source-rules.ts";

const RANDOM = "Math.random in auth or session code";
const UNSAFE = "sql.unsafe outside migration code";
const HTTP_ERROR = "HttpError built outside gateway/src/errors.ts";

const temp = await mkdtemp(join(tmpdir(), "security-rules-"));
afterAll(() => rm(temp, { recursive: true, force: true }));

/** A scratch tree holding `files` (path -> text) and nothing else. */
async function treeWith(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(temp, "tree-"));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

const random = "export const jitter = (): number => Math.random();\n";
const unsafe =
  "export const drop = (sql: Sql, name: string) => sql.unsafe('DROP TABLE ' + name);\n";
const httpError = 'throw new HttpError(404, "NOT_FOUND", "no such file");\n';

const planted = [
  { path: "gateway/src/auth/new-token.ts", text: random, want: [RANDOM] },
  { path: "gateway/src/auth/session-cache.ts", text: `// a\n${random}`, want: [RANDOM] },
  { path: "gateway/src/routes/auth.ts", text: random, want: [RANDOM] },
  { path: "services/identity/src/handlers/x.ts", text: random, want: [RANDOM] },
  { path: "service-kit/src/caller/caller.ts", text: random, want: [RANDOM] },
  { path: "services/notes/src/session-store.ts", text: random, want: [RANDOM] },
  { path: "gateway/web/src/lib/sign-in.ts", text: random, want: [RANDOM] },
  { path: "gateway/src/auth/x.ts", text: "const r = Math[`random`]();\n", want: [RANDOM] },
  { path: "gateway/src/routes/notes.ts", text: random, want: [] },
  { path: "gateway/src/auth/session-cache.test.ts", text: random, want: [] },
  { path: "services/identity/test/users.test.ts", text: random, want: [] },
  { path: "services/identity/src/testing/fake.ts", text: random, want: [] },
  { path: "services/notes/src/db/notes.ts", text: unsafe, want: [UNSAFE] },
  { path: "service-template/src/db/x.ts", text: "await tx.unsafe(text);\n", want: [UNSAFE] },
  { path: "bench/stack.ts", text: unsafe, want: [UNSAFE] },
  { path: "services/identity/test/x.test.ts", text: unsafe, want: [UNSAFE] },
  { path: "gateway/web/src/lib/x.svelte", text: unsafe, want: [UNSAFE] },
  { path: "services/identity/src/db/x.ts", text: `${random}${unsafe}`, want: [RANDOM, UNSAFE] },
  { path: "service-kit/src/db/migrate.ts", text: unsafe, want: [] },
  { path: "services/notes/node_modules/x/index.js", text: unsafe, want: [] },
  { path: "services/notes/dist/main.js", text: unsafe, want: [] },
  { path: "contracts/src/gen/identity.ts", text: unsafe, want: [] },
  { path: "services/notes/src/db/notes.md", text: unsafe, want: [] },
  { path: "gateway/src/routes/docs.ts", text: httpError, want: [HTTP_ERROR] },
  { path: "gateway/src/http/guards.test.ts", text: httpError, want: [HTTP_ERROR] },
  {
    path: "gateway/src/rest/notes.ts",
    text: "class Gone extends HttpError {}\n",
    want: [HTTP_ERROR],
  },
  { path: "gateway/src/errors.ts", text: httpError, want: [] },
  { path: "services/notes/src/errors.ts", text: httpError, want: [] },
];

test.each(planted)("planted in $path, finds $want", async ({ path, text, want }) => {
  const root = await treeWith({ [path]: text, "README.md": "clean\n" });

  const found = await findViolations(root);

  expect(found.map((violation) => violation.rule).sort()).toEqual([...want].sort());
  expect(found.every((violation) => violation.file === path)).toBe(true);
});

test("a finding names its file and line", async () => {
  const root = await treeWith({ "gateway/src/auth/x.ts": `const a = 1;\n\n${random}` });

  expect(await findViolations(root)).toEqual([
    { rule: RANDOM, file: "gateway/src/auth/x.ts", line: 3 },
  ]);
});

test("this repository breaks no rule", async () => {
  expect(await findViolations(resolve(import.meta.dir, "../.."))).toEqual([]);
});
