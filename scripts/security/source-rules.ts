import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { sourceFiles } from "./source-files.ts";

/** A pattern that must not appear in the files a rule covers. */
export interface SourceRule {
  name: string;
  pattern: RegExp;
  covers(path: string): boolean;
  /** Said with each finding: what to do instead. */
  fix: string;
}

/** One line that breaks a rule. */
export interface Violation {
  rule: string;
  file: string;
  line: number;
}

// Auth or session code by where it lives or what it is named: the gateway's sign-in and session
// code, the identity service, the kit's caller tokens, and any file named for these anywhere.
const AUTH_OR_SESSION =
  /^(gateway\/src\/auth\/|gateway\/src\/routes\/auth\.ts$|services\/identity\/src\/)|auth|session|login|sign-?in|caller|token|cookie|identity/i;
// Tests and their fakes run no user's session; they may draw test data however they like.
const TEST_CODE = /(^|\/)(test|testing)\/|\.test\.[cm]?[jt]s$/;

// Where SQL text may be run as it is: migration code, and this checker, which names the pattern.
// Each entry says why; a new one is a change a reviewer sees.
const UNSAFE_SQL_ALLOWED = new Set([
  "service-kit/src/db/migrate.ts", // the migration runner: runs each migration file's SQL
  "bench/baselines.ts", // applies the notes migrations to pgbench's scratch database
  "scripts/security/source-rules.ts", // this rule's own name
  "scripts/security/source-rules.test.ts", // the violations it plants
]);

// The gateway's error table: the one place an HttpError is built, so each code has one status.
const HTTP_ERROR_HOME = "gateway/src/errors.ts";

export const sourceRules: readonly SourceRule[] = [
  {
    name: "Math.random in auth or session code",
    pattern: /\bMath\s*(\.\s*random\b|\[\s*["'`]random["'`]\s*\])/,
    covers: (path) => AUTH_OR_SESSION.test(path) && !TEST_CODE.test(path),
    fix: "use crypto.getRandomValues or crypto.randomUUID: Math.random is predictable",
  },
  {
    name: "sql.unsafe outside migration code",
    pattern: /\.\s*unsafe\b/,
    covers: (path) => !UNSAFE_SQL_ALLOWED.has(path),
    fix: "use the tagged template sql`...`, which sends values as parameters (sql(name) for names)",
  },
  {
    name: "HttpError built outside gateway/src/errors.ts",
    pattern: /\b(new|extends)\s+HttpError\b/,
    covers: (path) => path.startsWith("gateway/") && path !== HTTP_ERROR_HOME,
    fix: "throw a factory of gateway/src/errors.ts (notFound, ...): it takes the status from the table",
  },
];

/** The lines of `text` (the file at `path`) that break `rules`. */
export function checkSource(path: string, text: string, rules = sourceRules): Violation[] {
  const violations: Violation[] = [];
  const lines = text.split("\n");
  for (const rule of rules.filter((candidate) => candidate.covers(path))) {
    lines.forEach((line, index) => {
      if (rule.pattern.test(line)) {
        violations.push({ rule: rule.name, file: path, line: index + 1 });
      }
    });
  }
  return violations;
}

/** Every line under `root` that breaks `rules`. */
export async function findViolations(root: string, rules = sourceRules): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const path of await sourceFiles(root)) {
    violations.push(...checkSource(path, await readFile(join(root, path), "utf8"), rules));
  }
  return violations;
}
