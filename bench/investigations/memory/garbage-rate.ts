import { heapStats } from "bun:jsc";

// Does the garbage a process makes per second, rather than what it holds, set its peak heap and
// RSS? ~10 MB live, then N short-lived objects (a string, an array, a Date) every millisecond
// tick for 8 s; prints the peak RSS and heap capacity. `bun garbage-rate.ts [N]`, e.g. for N in
// 250 500 1000 2000 4000. Light: one process, no lock needed.

const perTick = Number(process.argv[2] ?? 2000);
const live: unknown[] = [];
for (let i = 0; i < 100_000; i++) {
  live.push({ i, s: `live-${i}`, a: [i, i + 1] });
}
let peakRss = 0;
let peakCapacity = 0;
let sink = 0;
const until = Date.now() + 8000;
while (Date.now() < until) {
  for (let j = 0; j < perTick; j++) {
    const garbage = { a: `x${j}${Math.random()}`, b: [j, j * 2, j * 3], c: new Date() };
    sink += garbage.b.length;
  }
  await Bun.sleep(1);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  peakCapacity = Math.max(peakCapacity, heapStats().heapCapacity);
}
const mb = (bytes: number): number => Math.round(bytes / 104857.6) / 10;
console.log(
  JSON.stringify({
    perTick,
    peakRssMb: mb(peakRss),
    peakHeapCapacityMb: mb(peakCapacity),
    live: live.length,
    sink: sink > 0,
  }),
);
