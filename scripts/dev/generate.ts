import { join } from "node:path";

/**
 * `bun run generate` in the contracts package: buf lint, then ts-proto and the descriptors into
 * a fresh folder swapped in for contracts/gen only when all of it succeeded, so a failure leaves
 * the generated code the running processes loaded. `output` is what buf and ts-proto said.
 */
export async function generateContracts(root: string): Promise<{ ok: boolean; output: string }> {
  const child = Bun.spawn(["bun", "run", "generate"], {
    cwd: join(root, "contracts"),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  // `bun run` echoes the script's command line first: noise next to buf's message.
  const output = `${stdout}${stderr}`
    .split("\n")
    .filter((line) => !line.startsWith("$ "))
    // buf names files from contracts/; from the root they are one click away in a terminal.
    .map((line) => (line.startsWith("proto/") ? `contracts/${line}` : line))
    .join("\n");
  return { ok: code === 0, output };
}
