import { join } from "node:path";

/**
 * An echo replica in a process of its own (fixtures/echo-replica.ts), on `host`:`port`, once it
 * serves: the test can SIGKILL it (the kernel drops its connections as a crashed container's) or
 * SIGSTOP it (the connections stay open and nothing answers). `cleanups` gets its kill.
 */
export async function replicaProcess(
  host: string,
  port: number,
  cleanups: (() => unknown)[],
): Promise<Bun.Subprocess<"ignore", "pipe", "inherit">> {
  const child = Bun.spawn(["bun", join(import.meta.dir, "../fixtures/echo-replica.ts")], {
    env: { ...process.env, HOST: host, PORT: String(port) },
    stdout: "pipe",
    stderr: "inherit",
  });
  cleanups.push(() => child.kill("SIGKILL"));
  const reader = child.stdout.getReader();
  let said = "";
  while (!said.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error(`replica on ${host} exited before serving`);
    }
    said += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return child;
}
