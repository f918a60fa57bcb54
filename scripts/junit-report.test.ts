import { expect, test } from "bun:test";
import { junitTotals, unrunRequiredTests } from "./junit-report.ts";

// Reports shaped as `bun test --reporter=junit` writes them: a passed case closes itself, a
// skipped one holds <skipped />.

const passed = (name: string, file: string): string =>
  `<testcase name="${name}" classname="" time="0.1" file="${file}" line="1" assertions="1" />`;
const skipped = (name: string, file: string): string =>
  `<testcase name="${name}" classname="" time="0" file="${file}" line="1" assertions="0">\n  <skipped />\n</testcase>`;
const report = (...cases: string[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bun test" tests="${cases.length}" failures="0" skipped="0">\n<testsuite name="x">\n${cases.join("\n")}\n</testsuite>\n</testsuites>`;

const browser = { file: "test/system/e2e/app.test.ts", proves: "the browser layer" };
const registry = { file: "scripts/release/polyrepo.test.ts", proves: "the registry layer" };

test.each([
  {
    name: "every required file ran in full",
    xml: report(passed("signs in", browser.file), passed("installs", registry.file)),
    want: [],
  },
  {
    name: "a skipped browser test",
    xml: report(
      skipped("signs in (skipped: no Chromium at /usr/bin/chromium)", browser.file),
      passed("installs", registry.file),
    ),
    want: [
      `${browser.file} skipped 1 of 1 ("signs in (skipped: no Chromium at /usr/bin/chromium)"): it is the only proof of the browser layer; its output says why it skipped`,
    ],
  },
  {
    name: "one skipped case among run ones",
    xml: report(
      passed("signs in", browser.file),
      skipped("docs &amp; &quot;CSP&quot;", browser.file),
      passed("installs", registry.file),
    ),
    want: [
      `${browser.file} skipped 1 of 2 ("docs & "CSP""): it is the only proof of the browser layer; its output says why it skipped`,
    ],
  },
  {
    name: "a required file missing from the run",
    xml: report(passed("signs in", browser.file), passed("other", "scripts/other.test.ts")),
    want: [`${registry.file} did not run: it is the only proof of the registry layer`],
  },
  {
    name: "an empty report",
    xml: report(),
    want: [
      `${browser.file} did not run: it is the only proof of the browser layer`,
      `${registry.file} did not run: it is the only proof of the registry layer`,
    ],
  },
])("required tests: $name", ({ xml, want }) => {
  expect(unrunRequiredTests(xml, [browser, registry])).toEqual([...want]);
});

test.each([
  {
    name: "all passed",
    root: '<testsuites name="bun test" tests="12" assertions="30" failures="0" skipped="0">',
    want: { passed: 12, failed: 0, skipped: 0 },
  },
  {
    name: "failures, errors and skips",
    root: '<testsuites name="bun test" tests="12" failures="2" errors="1" skipped="3">',
    want: { passed: 6, failed: 3, skipped: 3 },
  },
  { name: "no root element", root: "", want: { passed: 0, failed: 0, skipped: 0 } },
])("totals: $name", ({ root, want }) => {
  expect(junitTotals(`<?xml version="1.0"?>\n${root}</testsuites>`)).toEqual(want);
});
