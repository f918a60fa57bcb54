// Prints `tests: N passed, N failed[, N skipped]` from a JUnit report, the totals CI reads.
// Exits 1 when a test failed, when none ran (an empty run never passes for a green one), or
// when a test file that is the only proof of its layer was skipped or did not run.
import { junitTotals, unrunRequiredTests } from "./junit-report.ts";

const path = process.argv[2] ?? "reports/junit.xml";
const file = Bun.file(path);
if (!(await file.exists())) {
  console.error(`no JUnit report at ${path}: the test runner did not finish`);
  console.log("tests: 0 passed, 0 failed");
  process.exit(1);
}
const xml = await file.text();
const { passed, failed, skipped } = junitTotals(xml);
const unrun = unrunRequiredTests(xml);
for (const reason of unrun) {
  console.error(`required test not run: ${reason}`);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 || unrun.length > 0 ? 1 : 0);
