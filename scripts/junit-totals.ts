// Prints `tests: N passed, N failed[, N skipped]` from a JUnit report, the totals CI reads.
// Exits 1 when a test failed or none ran, so an empty run never passes for a green one.
const path = process.argv[2] ?? "reports/junit.xml";
const file = Bun.file(path);
if (!(await file.exists())) {
  console.error(`no JUnit report at ${path}: the test runner did not finish`);
  console.log("tests: 0 passed, 0 failed");
  process.exit(1);
}
const xml = await file.text();
const root = /<testsuites\b[^>]*>/.exec(xml)?.[0] ?? "";
const count = (name: string): number =>
  Number(new RegExp(`\\b${name}="(\\d+)"`).exec(root)?.[1] ?? 0);
const total = count("tests");
const failed = count("failures") + count("errors");
const skipped = count("skipped");
const passed = total - failed - skipped;
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
