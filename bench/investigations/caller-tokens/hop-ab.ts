// The kit's client and bindService of two trees in turns (the old tree signs with CALLER_SECRET's
// HMAC, the new one with Ed25519 caller tokens): calls/s and CPU per call on each side, 64 calls
// in flight for 500 users. `bun hop-ab.ts <old tree> <new tree> [rounds]`; each tree needs
// `bun install` and `bun run generate`.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const here = import.meta.dir;
const [oldRoot = "", newRoot = "", roundsArg = "3"] = process.argv.slice(2);
const roots = { old: oldRoot, new: newRoot };
const rounds = Math.min(10, Number(roundsArg));
const seconds = 5;
const kit = await import(join(newRoot, "service-kit/src/index.ts"));
const keys = kit.generateCallerKeys("ab");
const env = {
  ...process.env,
  PUBLIC_KEY: keys.publicKey,
  SIGNING_KEY: keys.signingKey,
  SECRET: "s".repeat(40),
};
const ticks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return Number(f[11]) + Number(f[12]);
};
let port = 41000;
type Turn = { rate: number; clientUs: number; serverUs: number };
const out: Record<"old" | "new", Turn[]> = {
  old: [],
  new: [],
};
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? (["old", "new"] as const) : (["new", "old"] as const);
  for (const which of order) {
    port++;
    const root = roots[which];
    const server = Bun.spawn([process.execPath, join(here, "hop-server.ts"), root, String(port)], {
      cwd: root,
      env,
      stdout: "pipe",
      stderr: "inherit",
    });
    const reader = server.stdout.getReader();
    await reader.read();
    const client = Bun.spawn(
      [process.execPath, join(here, "hop-client.ts"), root, String(port), String(seconds)],
      { cwd: root, env, stdout: "pipe", stderr: "inherit" },
    );
    const creader = client.stdout.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("measuring")) {
      const { value } = await creader.read();
      text += decoder.decode(value);
    }
    const t0 = ticks(server.pid);
    while (!text.includes("}")) {
      const { value, done } = await creader.read();
      if (done) {
        break;
      }
      text += decoder.decode(value);
    }
    const t1 = ticks(server.pid);
    const result = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1));
    const serverUs = ((t1 - t0) * 10_000) / result.calls;
    out[which].push({ rate: result.rate, clientUs: result.clientUs, serverUs });
    console.log(which, Math.round(result.rate), result.clientUs.toFixed(1), serverUs.toFixed(1));
    server.kill();
    await server.exited;
    await client.exited;
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
for (const which of ["old", "new"] as const) {
  const r = out[which];
  console.log(
    `${which}: calls/s ${Math.round(median(r.map((x) => x.rate)))}, client ${median(r.map((x) => x.clientUs)).toFixed(1)} µs/call, server ${median(r.map((x) => x.serverUs)).toFixed(1)} µs/call`,
  );
}
// The machine's speed drifts between turns; a round's two turns are next to each other, so the
// median of the rounds' new ÷ old is the figure to read.
const ratio = (pick: (turn: Turn) => number) =>
  median(out.new.map((turn, i) => pick(turn) / pick(out.old[i] ?? turn))).toFixed(3);
console.log(
  `new ÷ old, median of the rounds: calls/s ${ratio((x) => x.rate)}, client CPU ${ratio((x) => x.clientUs)}, server CPU ${ratio((x) => x.serverUs)}`,
);
