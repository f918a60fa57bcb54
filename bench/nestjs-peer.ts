import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./loopback.ts";
import { type Child, childEnv, runToEnd, spawnChild } from "./processes.ts";
import { untilReady } from "./stack.ts";

// The NestJS peer (bench/peers/nestjs): installed with npm from its own lockfile, compiled with
// tsc, and started as three Node processes (API, identity, notes) on loopback ports against
// the databases the bench seeded for Trellis. See bench/peers/nestjs/README.md.

export const peerDir = join(import.meta.dir, "peers", "nestjs");

export type PeerRole = "peer-api" | "peer-identity" | "peer-notes";

export interface Peer {
  /** `http://127.0.0.1:<port>`, also the API's APP_ORIGIN. */
  url: string;
  processes: Record<PeerRole, Child>;
}

/** Written into node_modules once `npm ci` installed it: the lockfile's SHA-256. */
const INSTALL_STAMP = join(peerDir, "node_modules", ".trellis-lockfile-sha256");
const INSTALL_TIMEOUT_MS = 300_000;
const BUILD_TIMEOUT_MS = 180_000;

/**
 * `npm ci` unless node_modules was installed from this very lockfile, then `tsc` (incremental:
 * a no-op when nothing changed). Throws with the tool's output when either fails.
 */
export async function preparePeer(log: (line: string) => void): Promise<void> {
  const node = requireTool("node");
  const lockHash = new Bun.CryptoHasher("sha256")
    .update(readFileSync(join(peerDir, "package-lock.json")))
    .digest("hex");
  const installed = existsSync(INSTALL_STAMP) ? readFileSync(INSTALL_STAMP, "utf8").trim() : "";
  if (installed === lockHash) {
    log("nestjs peer: node_modules matches package-lock.json, npm ci skipped");
  } else {
    log("nestjs peer: npm ci (from the npm registry)");
    await runToEnd({
      name: "npm ci (nestjs peer)",
      command: [requireTool("npm"), "ci", "--no-audit", "--no-fund"],
      cwd: peerDir,
      env: childEnv({}),
      timeoutMs: INSTALL_TIMEOUT_MS,
    });
    writeFileSync(INSTALL_STAMP, `${lockHash}\n`);
  }
  log("nestjs peer: tsc");
  await runToEnd({
    name: "tsc (nestjs peer)",
    command: [node, "node_modules/typescript/bin/tsc", "-p", "tsconfig.json"],
    cwd: peerDir,
    env: childEnv({}),
    timeoutMs: BUILD_TIMEOUT_MS,
  });
}

/** The two services on their databases, then the API in front of them, once each is ready. */
export async function startPeer(
  databaseUrls: Record<"identity" | "notes", string>,
  taken: Set<number> = new Set(),
): Promise<Peer> {
  const port = (): number => {
    const free = freePort(taken);
    taken.add(free);
    return free;
  };
  const identityPort = port();
  const notesPort = port();
  const identity = launch("peer-identity", "dist/identity/main.js", {
    PORT: String(identityPort),
    DATABASE_URL: databaseUrls.identity,
  });
  const notes = launch("peer-notes", "dist/notes/main.js", {
    PORT: String(notesPort),
    DATABASE_URL: databaseUrls.notes,
  });
  const listening = (child: Child) => async () => child.stdout().includes("listening on");
  await Promise.all([
    untilReady(identity, listening(identity)),
    untilReady(notes, listening(notes)),
  ]);
  const url = `http://127.0.0.1:${port()}`;
  const api = launch("peer-api", "dist/api/main.js", {
    PORT: new URL(url).port,
    APP_ORIGIN: url,
    IDENTITY_ADDRESS: `127.0.0.1:${identityPort}`,
    NOTES_ADDRESS: `127.0.0.1:${notesPort}`,
  });
  await untilReady(api, async () => (await fetch(`${url}/healthz`)).ok);
  return { url, processes: { "peer-api": api, "peer-identity": identity, "peer-notes": notes } };
}

function launch(name: PeerRole, script: string, env: Record<string, string>): Child {
  return spawnChild({
    name,
    command: [requireTool("node"), script],
    cwd: peerDir,
    // The pools' size is the Trellis services' (10 connections each).
    env: childEnv({ NODE_ENV: "production", POOL_MAX: "10", ...env }),
  });
}

function requireTool(name: "node" | "npm"): string {
  const path = Bun.which(name);
  if (path === null) {
    throw new Error(`${name} is not installed: the NestJS peer runs on Node.js (20.19 or later)`);
  }
  return path;
}
