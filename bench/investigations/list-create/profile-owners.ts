// Sorts the samples of a Chrome .cpuprofile (bun --cpu-prof) by who asked for the work: each
// sample goes to the nearest frame, from the leaf up, that is a package or workspace code (its
// "owner": postgres.js, grpc-js, Elysia, the kit's client...), and to the nearest runtime module
// on the way (node:http2, node:net, streams...). Counts samples, not time: Bun weights a sample
// by the time since the last one, which charges idle gaps to whatever ran next.
//   bun bench/investigations/list-create/profile-owners.ts /tmp/create-ab/notes-A.cpuprofile

interface ProfileNode {
  id: number;
  parent?: number;
  children?: number[];
  callFrame: { functionName: string; url: string };
}

const path = process.argv[2];
if (path === undefined) {
  throw new Error("usage: profile-owners.ts <file.cpuprofile>");
}
const profile = (await Bun.file(path).json()) as { nodes: ProfileNode[]; samples: number[] };
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
for (const node of profile.nodes) {
  for (const child of node.children ?? []) {
    const found = nodes.get(child);
    if (found !== undefined) {
      found.parent = node.id;
    }
  }
}

const OWNERS: [RegExp, string][] = [
  [/postgres@/, "postgres.js"],
  [/@grpc\+grpc-js/, "grpc-js (server)"],
  [/elysia@/, "Elysia"],
  [/@bufbuild\+protobuf|contracts\/|rest\/transcode/, "protobuf (encode, decode, JSON)"],
  [/lru-cache|gateway\/src\/auth/, "gateway: session"],
  [/service-kit\/src\/client/, "kit client (HTTP/2 calls)"],
  [/service-kit\/src\/(server|caller)/, "kit server (bind, caller token)"],
  [/service-kit\/src\/db/, "kit db (withSignal)"],
  [/jose@/, "caller token signing (jose)"],
  [/gateway\/src/, "gateway: other"],
  [/service-template\/src/, "notes handlers and repo"],
];
const LAYER = /^(node:http2|node:net|node:events|internal:streams)/;

function classify(leaf: number): { owner: string; layer: string } {
  let layer = "";
  for (let node = nodes.get(leaf); node !== undefined; node = nodes.get(node.parent ?? -1)) {
    const { url, functionName } = node.callFrame;
    if (layer === "" && LAYER.test(url)) {
      layer = url.split(":")[1]?.split("/")[0] ?? url;
    }
    const owner = OWNERS.find(([pattern]) => pattern.test(url));
    if (owner !== undefined) {
      return { owner: owner[1], layer };
    }
    if (functionName === "processTicksAndRejections" || functionName === "(idle)") {
      break;
    }
  }
  return { owner: "runtime, no JS caller", layer };
}

const owners = new Map<string, number>();
const layers = new Map<string, number>();
for (const sample of profile.samples) {
  const { owner, layer } = classify(sample);
  owners.set(owner, (owners.get(owner) ?? 0) + 1);
  const key = `${owner} / ${layer === "" ? "-" : layer}`;
  layers.set(key, (layers.get(key) ?? 0) + 1);
}
const total = profile.samples.length;
const rows = (counts: Map<string, number>) =>
  [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => `| ${key} | ${n} | ${((n / total) * 100).toFixed(1)}% |`)
    .join("\n");
process.stdout.write(`${total} samples\n\n| owner | samples | share |\n|---|--:|--:|\n`);
process.stdout.write(
  `${rows(owners)}\n\n| owner / runtime layer | samples | share |\n|---|--:|--:|\n`,
);
process.stdout.write(`${rows(layers)}\n`);
