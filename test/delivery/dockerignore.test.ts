import { expect, test } from "bun:test";
import { parseDockerignore } from "./dockerignore.ts";

const ALLOWLIST = "*\n!package.json\n!contracts\n!services/identity\n**/node_modules\n**/.env*";

const cases = [
  { name: "an allowlist keeps a listed file", rules: ALLOWLIST, path: "package.json", want: false },
  { name: "an allowlist drops the rest", rules: ALLOWLIST, path: "bun.lock", want: true },
  {
    name: "a kept folder keeps its files",
    rules: ALLOWLIST,
    path: "contracts/proto/a.proto",
    want: false,
  },
  {
    name: "a later pattern wins",
    rules: ALLOWLIST,
    path: "contracts/node_modules/x/i.js",
    want: true,
  },
  {
    name: "a kept sub-folder keeps its files",
    rules: ALLOWLIST,
    path: "services/identity/src/main.ts",
    want: false,
  },
  {
    name: "its siblings stay out",
    rules: ALLOWLIST,
    path: "services/billing/package.json",
    want: true,
  },
  { name: "**/ matches at the top too", rules: "**/.env*", path: ".env", want: true },
  { name: "* stays within a segment", rules: "*.log", path: "logs/a.log", want: false },
  {
    name: "a folder pattern excludes what is inside",
    rules: "reports/",
    path: "reports/junit.xml",
    want: true,
  },
  { name: "a leading ./ is ignored", rules: "./dist", path: "dist/app", want: true },
  { name: "comments are not patterns", rules: "# *", path: "package.json", want: false },
];

test.each(cases)("dockerignore: $name", ({ rules, path, want }) => {
  expect(parseDockerignore(rules).isExcluded(path)).toBe(want);
});
