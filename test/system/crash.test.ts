import { expect, test } from "bun:test";
import { join } from "node:path";
import { freePort, testCallerKeys } from "@trellis/testing";
import { fixturesDir, gatewayDir } from "./support/paths.ts";

// The gateway as a real process: an unhandled rejection or uncaught exception is one fatal JSON
// line naming the cause, and the process exits 1 instead of serving on.

const fixture = join(fixturesDir, "crash-after-start.ts");

async function crash(crashWith: string) {
  const port = freePort();
  const child = Bun.spawn([process.execPath, "--preload", fixture, "src/main.ts"], {
    cwd: gatewayDir,
    env: {
      PATH: process.env.PATH ?? "",
      MODE: "development",
      HOST: "127.0.0.1",
      PORT: String(port),
      APP_ORIGIN: `http://127.0.0.1:${port}`,
      CALLER_SIGNING_KEY: testCallerKeys.signingKey,
      // Nothing listens there: the gateway connects lazily, and crashes before it asks.
      IDENTITY_ADDRESS: "127.0.0.1:1",
      REST_SERVICES: "trellis.notes.v1.NotesService=127.0.0.1:1",
      LOG_LEVEL: "info",
      OTEL_SDK_DISABLED: "true",
      CRASH_WITH: crashWith,
    },
    stdout: "pipe",
    stderr: "pipe",
    timeout: 20_000,
  });
  const [stdout, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  const lines = stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, lines };
}

test.each([
  { crashWith: "rejection", message: "unhandled rejection; exiting", cause: "rejected: " },
  { crashWith: "exception", message: "uncaught exception; exiting", cause: "thrown: " },
])(
  "an unhandled $crashWith is logged at fatal and the gateway exits 1",
  async ({ crashWith, message, cause }) => {
    const { code, lines } = await crash(crashWith);

    expect(code).toBe(1);
    expect(lines.at(-1)).toMatchObject({
      level: "fatal",
      service: "gateway",
      message,
      err: { type: "Error", message: `${cause}the cause the log must name` },
    });
  },
  30_000,
);
