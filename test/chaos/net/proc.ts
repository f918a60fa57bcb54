import { readFileSync } from "node:fs";

// What a process holds, read from /proc (Linux): its resident memory, and the TCP connections
// to a port. Both are what an operator would look at for a leak.

/** Resident set size of `pid` in MiB. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
  return Math.round(kib / 102.4) / 10;
}

/**
 * TCP connections on loopback whose remote end is `port` and which are not yet closed (any
 * state but CLOSE/TIME_WAIT): the sockets some client holds to that server.
 */
export function connectionsTo(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  let count = 0;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const [, , remote = "", state = ""] = line.trim().split(/\s+/);
      // 06 TIME_WAIT, 07 CLOSE: nothing is held open any more.
      if (remote.endsWith(`:${hex}`) && state !== "06" && state !== "07") {
        count += 1;
      }
    }
  }
  return count;
}
