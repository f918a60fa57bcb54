// Reads the JUnit report `bun test --reporter=junit` writes: the totals CI prints, and whether
// the test files that are the only proof of their layer ran in full.

export interface JunitTotals {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Test files CI must run in full. Each skips itself, with its reason, where its prerequisite is
 * missing (a developer without Chromium still runs the rest), so a skip here would turn a CI run
 * green with a whole layer unchecked.
 */
export const REQUIRED_TEST_FILES: readonly { file: string; proves: string }[] = [
  {
    file: "test/system/e2e/app.test.ts",
    proves: "the web app in a real browser (needs /usr/bin/chromium)",
  },
  {
    file: "scripts/release/polyrepo.test.ts",
    proves: "a service installing the packages from a registry (needs verdaccio and npmjs)",
  },
  {
    file: "test/chaos/postgres.test.ts",
    proves: "no acknowledged write lost when Postgres stops or dies (needs initdb and pg_ctl)",
  },
  {
    file: "test/chaos/service-kill.test.ts",
    proves: "no acknowledged write lost when notes is killed (needs initdb and pg_ctl)",
  },
  {
    file: "test/chaos/rolling-restart.test.ts",
    proves: "a rolling restart of notes fails no request (needs initdb and pg_ctl)",
  },
  {
    file: "test/system/backup-restore.test.ts",
    proves: "deploy/'s backup and restore scripts (needs a Postgres server and pg_dump)",
  },
];

/** The totals on the report's root element; failures include errors. */
export function junitTotals(xml: string): JunitTotals {
  const root = /<testsuites\b[^>]*>/.exec(xml)?.[0] ?? "";
  const count = (name: string): number =>
    Number(new RegExp(`\\b${name}="(\\d+)"`).exec(root)?.[1] ?? 0);
  const total = count("tests");
  const failed = count("failures") + count("errors");
  const skipped = count("skipped");
  return { passed: total - failed - skipped, failed, skipped };
}

interface TestCase {
  name: string;
  file: string;
  skipped: boolean;
}

function testCases(xml: string): TestCase[] {
  const cases: TestCase[] = [];
  for (const match of xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const attributes = match[1] ?? "";
    const attribute = (name: string): string =>
      unescapeXml(new RegExp(`\\b${name}="([^"]*)"`).exec(attributes)?.[1] ?? "");
    cases.push({
      name: attribute("name"),
      file: attribute("file"),
      skipped: /<skipped\b/.test(match[2] ?? ""),
    });
  }
  return cases;
}

/** Why each required file did not run in full: none of it ran, or which of its tests skipped. */
export function unrunRequiredTests(
  xml: string,
  required: readonly { file: string; proves: string }[] = REQUIRED_TEST_FILES,
): string[] {
  const cases = testCases(xml);
  return required.flatMap(({ file, proves }) => {
    const own = cases.filter((testCase) => testCase.file === file);
    if (own.length === 0) {
      return [`${file} did not run: it is the only proof of ${proves}`];
    }
    const skipped = own.filter((testCase) => testCase.skipped).map(({ name }) => `"${name}"`);
    if (skipped.length === 0) {
      return [];
    }
    return [
      `${file} skipped ${skipped.length} of ${own.length} (${skipped.join(", ")}): it is the only proof of ${proves}; its output says why it skipped`,
    ];
  });
}

function unescapeXml(text: string): string {
  return text
    .replaceAll("&quot;", '"')
    .replaceAll("&apos;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}
