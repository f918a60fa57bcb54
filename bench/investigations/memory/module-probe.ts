// What one module (or one start-up step) of the gateway costs in RSS in a compiled binary: each
// probe is a file that does what a baseline does (node:http2, node:crypto, node:net and a
// listening Bun.serve, as every process has) plus one import or step, built with
// `bun build --compile --minify`, run `--runs` times; after `Bun.gc(true)` it reports its RSS
// and the anonymous and file-backed parts (/proc/self/smaps_rollup). Probe files are written
// under gateway/src (so the gateway's dependencies resolve; a probe may name another folder) and removed after the build.
// `flock /tmp/heavy.lock bun module-probe.ts [--runs 3] [--only a,b]`.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { probes } from "./module-probes.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    only: { type: "string", default: "" },
  },
});
const root = join(import.meta.dir, "../../..");
const outDir = "/tmp/rss-module-probe";
const only = values.only === "" ? null : new Set(values.only.split(","));

const PRELUDE = `import "node:http2"; import "node:crypto"; import "node:net";
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("ok") });
const __keep: unknown[] = [];
`;
const REPORT = `
await Bun.sleep(300); Bun.gc(true); await Bun.sleep(100); Bun.gc(true);
const rollup = await Bun.file("/proc/self/smaps_rollup").text();
const kb = (key: string) => Number(new RegExp("^" + key + ":\\\\s+(\\\\d+)", "m").exec(rollup)?.[1] ?? 0);
console.log(JSON.stringify({ rss: kb("Rss"), anon: kb("Anonymous"), heap: process.memoryUsage().heapUsed, keep: __keep.length }));
server.stop(true);
process.exit(0);
`;

interface Sample {
  rss: number;
  anon: number;
  heap: number;
}

async function measure(name: string, body: string, dir: string, runs: number): Promise<Sample[]> {
  const entry = join(root, dir, `.probe-${name}.ts`);
  const binary = join(outDir, name);
  writeFileSync(entry, `${PRELUDE}${body}\n${REPORT}`);
  try {
    const build = Bun.spawnSync([
      "bun",
      "build",
      entry,
      "--compile",
      "--minify",
      "--outfile",
      binary,
    ]);
    if (build.exitCode !== 0) {
      throw new Error(`${name}: build failed\n${build.stderr.toString()}`);
    }
  } finally {
    rmSync(entry, { force: true });
  }
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i += 1) {
    const run = Bun.spawnSync([binary], {
      env: { ...process.env, LOG_LEVEL: "silent" },
      cwd: outDir,
    });
    const line = run.stdout.toString().trim().split("\n").pop() ?? "";
    if (run.exitCode !== 0 || !line.startsWith("{")) {
      throw new Error(`${name}: run failed\n${run.stdout}\n${run.stderr}`);
    }
    samples.push(JSON.parse(line) as Sample);
  }
  rmSync(binary, { force: true });
  return samples;
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const mb = (kb: number): string => (kb / 1024).toFixed(1);

rmSync(outDir, { recursive: true, force: true });
Bun.spawnSync(["mkdir", "-p", outDir]);
let base: { rss: number; anon: number; heap: number } | null = null;
console.log("probe | RSS MB (runs) | anon MB | file MB | heap MB | Δ RSS | Δ anon | Δ heap");
for (const probe of probes) {
  if (only !== null && probe.name !== "baseline" && !only.has(probe.name)) {
    continue;
  }
  const samples = await measure(
    probe.name,
    probe.body,
    probe.dir ?? "gateway/src",
    Number(values.runs),
  );
  const row = {
    rss: median(samples.map((s) => s.rss)),
    anon: median(samples.map((s) => s.anon)),
    heap: median(samples.map((s) => s.heap / 1024)),
  };
  base ??= row;
  const delta = (key: "rss" | "anon" | "heap") => mb(row[key] - (base?.[key] ?? 0));
  console.log(
    [
      probe.name,
      `${mb(row.rss)} (${samples.map((s) => mb(s.rss)).join(", ")})`,
      mb(row.anon),
      mb(row.rss - row.anon),
      mb(row.heap),
      delta("rss"),
      delta("anon"),
      delta("heap"),
    ].join(" | "),
  );
}
rmSync(outDir, { recursive: true, force: true });
