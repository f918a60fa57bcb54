import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { callerSigner, GATEWAY_SUBJECT, parseSigningKey } from "@trellis/service-kit";
import type { ServiceDefinitionShape } from "@trellis/service-kit/harness";
import { testCallerKeys } from "./caller-keys.ts";

/**
 * Bundles `entry` (a script built on `nodeClient`) for Node and runs it under `node` against the
 * server on `port`, calling as `userId` (the gateway when unset) with a caller token for each
 * method of `definition`; returns the last line it printed, parsed as JSON. Throws with its
 * stderr when it exits with another code than 0, and kills it after 20 s.
 */
export async function runNodeClient(
  entry: string,
  target: { port: number; definition: ServiceDefinitionShape; userId?: string },
): Promise<Record<string, unknown>> {
  const sign = callerSigner(parseSigningKey(testCallerKeys.signingKey));
  const subject = target.userId ?? GATEWAY_SUBJECT;
  const tokens: Record<string, string> = {};
  for (const { path } of Object.values(target.definition)) {
    tokens[path] = await sign(subject, path);
  }
  const outDir = await mkdtemp(join(tmpdir(), `${basename(entry, ".ts")}-`));
  try {
    const build = await Bun.build({ entrypoints: [entry], target: "node", outdir: outDir });
    const [output] = build.outputs;
    if (!build.success || output === undefined) {
      throw new AggregateError(build.logs, `bundling ${entry} for Node failed`);
    }
    const child = Bun.spawn(["node", output.path, String(target.port), JSON.stringify(tokens)], {
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
