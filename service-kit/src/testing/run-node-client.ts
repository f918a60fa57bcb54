import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { callerMetadata, GATEWAY_SUBJECT } from "../grpc/caller.ts";
import { testCallerSecret } from "./caller-secret.ts";

/**
 * Bundles `entry` (a script built on `nodeClient`) for Node and runs it under `node` against the
 * server on `port`, calling as `userId` (the gateway when unset); returns the last line it
 * printed, parsed as JSON. Throws with its stderr when it exits with another code than 0, and
 * kills it after 20 s.
 */
export async function runNodeClient(
  entry: string,
  target: { port: number; userId?: string },
): Promise<Record<string, unknown>> {
  const [identity] = callerMetadata(target.userId ?? GATEWAY_SUBJECT, testCallerSecret).get(
    "x-trellis-caller",
  );
  const outDir = await mkdtemp(join(tmpdir(), `${basename(entry, ".ts")}-`));
  try {
    const build = await Bun.build({ entrypoints: [entry], target: "node", outdir: outDir });
    const [output] = build.outputs;
    if (!build.success || output === undefined) {
      throw new AggregateError(build.logs, `bundling ${entry} for Node failed`);
    }
    const child = Bun.spawn(["node", output.path, String(target.port), String(identity)], {
      stdout: "pipe",
      stderr: "pipe",
      timeout: 20_000,
    });
    const [stdout, stderr, code] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    if (code !== 0) {
      throw new Error(`node ${basename(entry)} exited with ${code}: ${stderr}`);
    }
    return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
