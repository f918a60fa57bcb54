// The gateway's rate limiter before issue 16 (old-limiter.ts) and now (gateway/src/http/
// rate-limit-memory.ts), each filled with 1k to 200k distinct client keys in a fresh process
// (measure.ts): memory grown, and ns per hit at that size. Prints a Markdown table.
// Usage: bun bench/investigations/rate-limit/run.ts [--keys 1000,10000,100000,200000,1000000]
// The old limiter past 100,000 keys sweeps its whole Map on every new key: 200k takes minutes,
// and it is not run past that.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { childEnv, runToEnd } from "../../processes.ts";

const { values } = parseArgs({
  options: { keys: { type: "string", default: "1000,10000,100000,200000,1000000" } },
});
const sizes = (values.keys ?? "").split(",").map(Number);
// Past this the old limiter would take hours: each key beyond 100,000 costs a sweep of all.
const OLD_UP_TO = 200_000;
const here = import.meta.dir;

async function measure(...args: string[]): Promise<Record<string, number | string>> {
  const { stdout } = await runToEnd({
    name: `measure ${args.join(" ")}`,
    command: [process.execPath, join(here, "measure.ts"), ...args],
    cwd: here,
    env: childEnv({}),
    timeoutMs: 30 * 60_000,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
}

const rows: Record<string, number | string>[] = [];
for (const keys of sizes) {
  for (const limiter of keys <= OLD_UP_TO ? ["old", "new"] : ["new"]) {
    const row = await measure(limiter, String(keys));
    console.error(JSON.stringify(row));
    rows.push(row);
  }
}
const keyCost = await measure("client-key");

console.log(
  "| keys | limiter | heap grown | RSS grown | fill | ns per hit in the fill | " +
    "ns per hit, last 1,000 new keys | ns per hit, known keys |",
);
console.log("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const row of rows) {
  console.log(
    `| ${row.keys} | ${row.limiter} | ${row.heapMb} MB | ${row.rssMb} MB | ${row.fillSeconds} s | ` +
      `${row.nsPerHitInFill} | ${row.nsPerNewKey} | ${row.nsPerKnownKey} |`,
  );
}
console.log(
  `\nclientKey: ${keyCost.nsPerIpv6} ns an IPv6 address, ${keyCost.nsPerIpv4} ns an IPv4 one`,
);
