import { expect, test } from "bun:test";
import { rssMb, rssSplitMb } from "./proc.ts";

test("the RSS split of a live process adds up to its RSS, both parts non-zero", () => {
  const split = rssSplitMb(process.pid);
  const rss = rssMb(process.pid);

  expect(split).not.toBeNull();
  expect(split?.anon).toBeGreaterThan(0);
  // A Bun process maps its runtime's code from the executable.
  expect(split?.file).toBeGreaterThan(0);
  // RssShmem is the rest, and both readings are taken a moment apart.
  expect(Math.abs((split?.anon ?? 0) + (split?.file ?? 0) - (rss ?? 0))).toBeLessThan(8);
});

test("a process that is gone has no split", () => {
  expect(rssSplitMb(2 ** 22 + 1)).toBeNull();
});
