import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Targets } from "./measure-runs.ts";
import { progress } from "./measure-runs.ts";
import { preparePeer, startPeer } from "./nestjs-peer.ts";
import type { BenchOptions } from "./options.ts";
import { type Seed, seed } from "./seed.ts";
import { type Stack, startStack } from "./stack.ts";

// The stack as the scenarios use it: started on fresh databases, seeded, and its addresses,
// session tokens and processes put where the scenarios look for them.

export interface SeededStack {
  stack: Stack;
  seeded: Seed;
}

/** Starts and seeds the stack, then points `targets` at it. */
export async function startSeededStack(
  options: BenchOptions,
  env: Record<string, string>,
  targets: Targets,
  workDir: string,
): Promise<SeededStack> {
  const stack = await startStack(options.adminUrl, env);
  for (const [name, from] of Object.entries(stack.launchedFrom)) {
    progress(`${name}: ${from}`);
  }
  const { users, notesPerUser } = options.seed;
  console.log(`seeding ${users} users with a session each and ${notesPerUser} notes each`);
  const seeded = await seed(stack.databaseUrls, options.seed);
  const tokensFile = join(workDir, "tokens.txt");
  writeFileSync(tokensFile, `${seeded.users.map((user) => user.token).join("\n")}\n`);
  targets.tokensFile = tokensFile;
  targets.firstToken = seeded.users[0]?.token ?? null;
  targets.urls.gateway = stack.gatewayUrl;
  Object.assign(targets.processes, stack.processes);
  return { stack, seeded };
}

/**
 * Stops the stack's processes and the one-hop server (which calls notes), then starts and
 * seeds the stack again on fresh databases: for the soak, whose memory must be that of its
 * own run, not what the saturated scenarios before it left behind.
 */
export async function restartSeededStack(
  options: BenchOptions,
  env: Record<string, string>,
  targets: Targets,
  workDir: string,
): Promise<SeededStack> {
  // The peer's pools would lose their databases: it goes too (the soak does not load it).
  const roles = [
    "baseline",
    "peer-api",
    "peer-identity",
    "peer-notes",
    "gateway",
    "gateway-metrics",
    "identity",
    "notes",
  ];
  for (const role of roles as (keyof Targets["processes"])[]) {
    await targets.processes[role]?.stop();
    delete targets.processes[role];
  }
  delete targets.urls.baseline;
  delete targets.urls.peer;
  delete targets.urls["gateway-metrics"];
  return startSeededStack(options, env, targets, workDir);
}

/**
 * The NestJS peer (bench/peers/nestjs) installed, built and started on the seeded databases,
 * recorded in `targets`; what it was started from. When it cannot be, the bench says so loudly,
 * records why (its scenarios then fail before any load) and goes on with the rest.
 */
export async function startNestjsPeer(seeded: SeededStack, targets: Targets): Promise<string> {
  try {
    await preparePeer(progress);
    const peer = await startPeer(seeded.stack.databaseUrls);
    targets.urls.peer = peer.url;
    Object.assign(targets.processes, peer.processes);
    return "bench/peers/nestjs/dist (node, tsc)";
  } catch (error) {
    const reason = `the NestJS peer did not start: ${error instanceof Error ? error.message : String(error)}`;
    targets.unavailable.peer = reason.slice(0, 2_000);
    console.error(
      `\n*** ${reason.slice(0, 4_000)}\n*** its scenarios (peer-me, peer-list, peer-create) are ` +
        "reported as failed and its goals as not measured; the other scenarios run.\n",
    );
    return "not started";
  }
}
