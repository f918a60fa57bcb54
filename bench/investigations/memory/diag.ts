import { heapStats } from "bun:jsc";
import { writeFileSync } from "node:fs";

// Imported first by a diagnostic build (build-diag.sh): on SIGUSR2 the process writes its JS heap
// (bun:jsc heapStats, process.memoryUsage) to /tmp/rss-diag-<pid>.json, before and after a full
// GC, so that the RSS can be split into what JSC holds and what it does not.

function snapshot() {
  const stats = heapStats();
  const usage = process.memoryUsage();
  const mb = (bytes: number): number => Math.round(bytes / 104857.6) / 10;
  const top = Object.entries(stats.objectTypeCounts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12);
  return {
    heapSizeMb: mb(stats.heapSize),
    heapCapacityMb: mb(stats.heapCapacity),
    extraMemoryMb: mb(stats.extraMemorySize),
    objects: stats.objectCount,
    rssMb: mb(usage.rss),
    heapUsedMb: mb(usage.heapUsed),
    externalMb: mb(usage.external),
    arrayBuffersMb: mb(usage.arrayBuffers),
    top,
  };
}

process.on("SIGUSR2", () => {
  const before = snapshot();
  Bun.gc(true);
  const after = snapshot();
  writeFileSync(`/tmp/rss-diag-${process.pid}.json`, JSON.stringify({ before, after }));
});
