import { runOverload } from "./scenarios/overload.ts";
const max = Number(process.argv[2] ?? 100000);
const out = await runOverload({ from: "source", stepMs: 1500, overloadMs: 3000, maxInFlight: max });
console.log(JSON.stringify({ ...out.result, cap: out.capacity, over: out.overload.answers, after: out.after.answers, thr: out.overload.throughput }));
