import { tmpdir } from "node:os";
import { checkHealth } from "@trellis/service-kit";
import { freePort, testCallerKeys } from "@trellis/testing";
import { compiledBinaries } from "./binaries.ts";
import { type ChildProcess, createChildProcess } from "./child-process.ts";

/**
 * The compiled notes binary (what its image holds) on the database at `url`, on a free port,
 * away from its package folder; `start()` resolves once it reports SERVING.
 */
export async function notesBinaryOn(
  url: string,
  options: { embedded: boolean },
): Promise<{ child: ChildProcess; address: string }> {
  const { notes } = await compiledBinaries();
  const port = freePort();
  const address = `127.0.0.1:${port}`;
  const child = createChildProcess({
    name: "notes",
    cwd: tmpdir(),
    command: [notes],
    env: {
      HOST: "127.0.0.1",
      PORT: String(port),
      MODE: "development",
      CALLER_PUBLIC_KEYS: testCallerKeys.publicKeys,
      DATABASE_URL: url,
      ...(options.embedded ? { DATABASE_POOL_MAX: "1" } : {}),
    },
    ready: async () =>
      (await checkHealth(address, { timeoutMs: 500 }).catch(() => "")) === "SERVING",
  });
  return { child, address };
}
