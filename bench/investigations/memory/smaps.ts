import { readFileSync, readlinkSync } from "node:fs";

// A process's resident memory by part, from /proc/<pid>/smaps: the executable's own pages (the
// Bun runtime's code and the embedded bundle), other files (libc, ...), the JSC heap's and
// mimalloc's anonymous mappings, and the rest. In MiB.

export interface MemoryParts {
  rss: number;
  anon: number;
  executable: number;
  otherFiles: number;
}

export function memoryParts(pid: number): MemoryParts | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, "utf8");
  } catch {
    return null;
  }
  const exe = readExe(pid);
  const parts = { rss: 0, anon: 0, executable: 0, otherFiles: 0 };
  let name = "";
  for (const line of text.split("\n")) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header !== null) {
      name = header[1] ?? "";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss !== null) {
      const kb = Number(rss[1]);
      parts.rss += kb;
      if (name === exe) {
        parts.executable += kb;
      } else if (name.startsWith("/")) {
        parts.otherFiles += kb;
      }
    }
    const anon = /^Anonymous:\s+(\d+) kB/.exec(line);
    if (anon !== null) {
      parts.anon += Number(anon[1]);
    }
  }
  const mb = (kb: number): number => Math.round(kb / 102.4) / 10;
  return {
    rss: mb(parts.rss),
    anon: mb(parts.anon),
    executable: mb(parts.executable),
    otherFiles: mb(parts.otherFiles),
  };
}

function readExe(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return "";
  }
}
