// The functions of a Chrome .cpuprofile (bun --cpu-prof) by samples: where the process was
// (self), which of the project's functions the samples passed through (inclusive), and with
// `--callers <name>` the call chains above a function (say, who calls `writeBuffered`).
// Samples, not times: see profile-owners.ts on why. Complements profile-owners.ts, which sorts
// the same samples by package.
//   bun profile-top.ts /tmp/list-ab/A-notes.cpuprofile [--callers writeBuffered] [--top 30]
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: { callers: { type: "string" }, top: { type: "string", default: "30" } },
});
const profile = JSON.parse(await Bun.file(positionals[0] ?? "").text()) as {
  nodes: ProfileNode[];
  samples: number[];
};
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) {
  for (const child of node.children ?? []) {
    parents.set(child, node.id);
  }
}
const top = Number(values.top);
const total = profile.samples.length;

/** A frame as `name file:line`, paths from the workspace or node_modules. */
function label(id: number): string {
  const { functionName, url, lineNumber } = (nodes.get(id) as ProfileNode).callFrame;
  const file = url
    .replace(/.*node_modules\//, "")
    .replace(/^.*?\/(gateway|service-kit|service-template|services)\//, "$1/");
  return `${functionName || "(anonymous)"} ${file}:${lineNumber}`;
}

function* stack(id: number): Generator<number> {
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
    yield at;
  }
}

function print(title: string, counts: Map<string, number>): void {
  console.log(`\n${title} (${total} samples)`);
  for (const [name, count] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * count) / total).toFixed(1).padStart(6)}%  ${name.slice(0, 150)}`);
  }
}

const add = (counts: Map<string, number>, key: string) =>
  counts.set(key, (counts.get(key) ?? 0) + 1);

if (values.callers !== undefined) {
  const chains = new Map<string, number>();
  for (const id of profile.samples) {
    if (nodes.get(id)?.callFrame.functionName === values.callers) {
      add(chains, [...stack(id)].slice(1, 6).map(label).join(" < "));
    }
  }
  print(`callers of ${values.callers}`, chains);
} else {
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const id of profile.samples) {
    add(self, label(id));
    for (const name of new Set([...stack(id)].map(label))) {
      if (/^\S+ (gateway|service-kit|service-template|services)\//.test(name)) {
        add(inclusive, name);
      }
    }
  }
  print("self", self);
  print("inclusive, the project's functions", inclusive);
}
