import { expect, test } from "bun:test";
import type { ChangePlan } from "./inputs.ts";
import { createReloader, type ReloaderDeps } from "./reloader.ts";

// The reloader against fakes: what it generates, restarts and says for a batch of changes.

interface Script {
  plan: ChangePlan;
  generated?: { ok: boolean; output: string };
  /** Processes whose restart throws. */
  failing?: readonly string[];
}

function fakeDeps(script: Script) {
  const events: string[] = [];
  let clock = 0;
  const deps = {
    plan: () => script.plan,
    generate: async () => {
      events.push("generate");
      clock += 1500;
      return script.generated ?? { ok: true, output: "" };
    },
    restart: async (name: string) => {
      events.push(`restart ${name}`);
      clock += 300;
      if (script.failing?.includes(name)) {
        throw new Error(`${name} exited with code 1 before it was ready`);
      }
    },
    say: (source: string, line: string) => events.push(`${source}: ${line}`),
    now: () => clock,
  } satisfies ReloaderDeps;
  return { deps, events };
}

const plan = (generate: string | null, restart: Record<string, string>): ChangePlan => ({
  generate,
  restart: new Map(Object.entries(restart)),
});

test.each([
  {
    name: "restarts a process and says which file and how long",
    script: { plan: plan(null, { notes: "service-template/src/main.ts" }) },
    want: [
      "restart notes",
      "notes: restarted notes (service-template/src/main.ts changed) in 300 ms",
    ],
  },
  {
    name: "generates before restarting for a proto",
    script: { plan: plan("contracts/proto/a.proto", { gateway: "contracts/proto/a.proto" }) },
    want: [
      "generate",
      "contracts: generated (contracts/proto/a.proto changed) in 1500 ms",
      "restart gateway",
      "gateway: restarted gateway (contracts/proto/a.proto changed) in 1800 ms",
    ],
  },
  {
    name: "stops at a failed generation, with buf's message, restarting nothing",
    script: {
      plan: plan("contracts/proto/a.proto", { gateway: "contracts/proto/a.proto" }),
      generated: { ok: false, output: "contracts/proto/a.proto:3:1:syntax error\n" },
    },
    want: [
      "generate",
      "contracts: contracts/proto/a.proto:3:1:syntax error",
      "contracts: generation FAILED (contracts/proto/a.proto changed): the processes keep running the previous code; fix the file and save to retry",
    ],
  },
  {
    name: "reports a process that does not come up and restarts the others",
    script: {
      plan: plan(null, { gateway: "service-kit/src/x.ts", notes: "service-kit/src/x.ts" }),
      failing: ["gateway"],
    },
    want: [
      "restart gateway",
      "restart notes",
      "gateway: restart FAILED (service-kit/src/x.ts changed): gateway exited with code 1 before it was ready; its output is above; fix the file and save to retry",
      "notes: restarted notes (service-kit/src/x.ts changed) in 600 ms",
    ],
  },
  {
    name: "does nothing when nothing is concerned",
    script: { plan: plan(null, {}) },
    want: [],
  },
])("$name", async ({ script, want }) => {
  const { deps, events } = fakeDeps(script);
  const reloader = createReloader(deps);
  reloader.changed(["some/path"]);
  await reloader.idle();
  expect(events).toEqual([...want]);
});

test("changes during a reload wait for it, merged into one batch", async () => {
  const batches: string[][] = [];
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const reloader = createReloader({
    plan: (paths) => {
      batches.push(paths);
      return plan(null, { notes: paths[0] ?? "" });
    },
    generate: async () => ({ ok: true, output: "" }),
    restart: () => gate,
    say: () => undefined,
    now: () => 0,
  });
  reloader.changed(["a.ts"]);
  reloader.changed(["b.ts"]);
  reloader.changed(["c.ts"]);
  release();
  await reloader.idle();
  expect(batches).toEqual([["a.ts"], ["b.ts", "c.ts"]]);
});
