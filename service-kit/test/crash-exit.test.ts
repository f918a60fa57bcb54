import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { type MainProcess, spawnMain } from "@trellis/testing";

// A real process started by runService: an unhandled rejection or an uncaught exception is
// one fatal JSON line on stdout naming the cause, and the process exits 1 instead of serving on.

const cwd = join(import.meta.dir, "fixtures/crashing-service");
// start() opens no pool: the URL only has to be well formed.
const databaseUrl = "postgres://nobody@127.0.0.1:1/none";
const started: MainProcess[] = [];
afterAll(() => {
  for (const child of started) {
    child.kill();
  }
});

function run(crashWith: string): MainProcess {
  const child = spawnMain({ cwd, databaseUrl, env: { CRASH_WITH: crashWith } });
  started.push(child);
  return child;
}

const lines = (stdout: string): Record<string, unknown>[] =>
  stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

test.each([
  { crashWith: "rejection", message: "unhandled rejection; exiting", cause: "rejected: " },
  { crashWith: "exception", message: "uncaught exception; exiting", cause: "thrown: " },
])(
  "an unhandled $crashWith is logged at fatal and exits 1",
  async ({ crashWith, message, cause }) => {
    const child = run(crashWith);

    const code = await child.exited;
    const logged = lines(await child.stdout);

    expect(code).toBe(1);
    expect(logged.map((line) => line.message)).toEqual(["started", message]);
    expect(logged[1]).toMatchObject({
      level: "fatal",
      service: "crashing",
      err: { type: "Error", message: `${cause}the cause the log must name` },
    });
  },
);

test("without a crash the service keeps running, and stops cleanly on SIGTERM", async () => {
  const child = run("nothing");
  // Past the 20 ms after which the others crashed, counted from a start that a loaded machine can
  // delay by hundreds of ms (a SIGTERM before runService's handler would end it with 143).
  await Bun.sleep(1_500);

  expect(await child.terminate(5_000)).toEqual({ code: 0, stderr: "" });
});
