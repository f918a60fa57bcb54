import type { ChangePlan } from "./inputs.ts";

/** What the reloader does things with; the dev runner passes the real ones, tests fakes. */
export interface ReloaderDeps {
  plan(paths: string[]): ChangePlan;
  /** Lints and generates the contracts; `output` is what the tools said. */
  generate(): Promise<{ ok: boolean; output: string }>;
  /** Stops the process and starts it again; throws when the new one does not come up. */
  restart(name: string): Promise<void>;
  /** One line of the dev output, from `source` (a process name, or "contracts"). */
  say(source: string, line: string): void;
  now(): number;
}

export interface Reloader {
  /** Takes a batch of changed paths; batches arriving during a reload wait for it and merge. */
  changed(paths: string[]): void;
  /** Resolves once every batch taken so far is done. */
  idle(): Promise<void>;
}

/**
 * Applies changes one batch at a time: generation first when a proto changed (a failure stops
 * the batch there: the running processes keep the code they have), then the affected processes
 * restarted together. Each restart is announced with the file behind it and its duration; a
 * process that does not come up is reported and left down until the next change that concerns it.
 */
export function createReloader(deps: ReloaderDeps): Reloader {
  const queued: string[] = [];
  let running: Promise<void> | null = null;

  const drain = async (): Promise<void> => {
    while (queued.length > 0) {
      await reload(deps, queued.splice(0));
    }
    running = null;
  };

  return {
    changed(paths) {
      queued.push(...paths);
      running ??= drain();
    },
    async idle() {
      while (running !== null) {
        await running;
      }
    },
  };
}

async function reload(deps: ReloaderDeps, paths: string[]): Promise<void> {
  const plan = deps.plan(paths);
  const started = deps.now();
  const proto = plan.generate;
  if (proto !== null) {
    const generated = await deps.generate();
    if (!generated.ok) {
      for (const line of generated.output.trim().split("\n")) {
        deps.say("contracts", line);
      }
      deps.say(
        "contracts",
        `generation FAILED (${proto} changed): the processes keep running the previous code; fix the file and save to retry`,
      );
      return;
    }
    deps.say("contracts", `generated (${proto} changed) in ${deps.now() - started} ms`);
  }
  await Promise.all(
    [...plan.restart].map(async ([name, path]) => {
      try {
        await deps.restart(name);
        deps.say(name, `restarted ${name} (${path} changed) in ${deps.now() - started} ms`);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        deps.say(
          name,
          `restart FAILED (${path} changed): ${why}; its output is above; fix the file and save to retry`,
        );
      }
    }),
  );
}
