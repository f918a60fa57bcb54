import type { AnswerClass } from "../scenario.ts";
import type { ChaosStack } from "./chaos-stack.ts";
import { addAnswers, type LoadResult, quantile, runLoad } from "./load.ts";
import { connectionsTo, rssMiB } from "./proc.ts";

// The steps the network and overload scenarios share: load in phases, the time to the first
// success after a fault, and what the gateway and the proxy hold open afterwards.

/** Sums the phases' answers into one count; `requests` is their total. */
export function totalOf(
  phases: LoadResult[],
  into: Record<AnswerClass, number>,
): { requests: number } {
  let requests = 0;
  for (const phase of phases) {
    addAnswers(into, phase.answers);
    requests += phase.requests;
  }
  return { requests };
}

/** Closed-loop GET /api/notes for `durationMs`; a request unanswered after `timeoutMs` hangs. */
export function loadNotes(
  chaos: ChaosStack,
  options: { concurrency: number; durationMs: number; timeoutMs: number },
): Promise<LoadResult> {
  return runLoad({ ...options, send: (signal) => chaos.listNotes(signal) });
}

/**
 * From now to the first 200 of GET /api/notes, asked one at a time, in ms; null if none came
 * within `withinMs`. Each attempt has its own timeout, so a hung one is not waited out.
 */
export async function msToFirstSuccess(
  chaos: ChaosStack,
  options: { withinMs: number; timeoutMs: number },
): Promise<{ ms: number | null; attempts: number }> {
  const started = performance.now();
  let attempts = 0;
  while (performance.now() - started < options.withinMs) {
    attempts += 1;
    const ok = await chaos
      .listNotes(AbortSignal.timeout(options.timeoutMs))
      .then(async (response) => {
        await response.arrayBuffer();
        return response.status === 200;
      })
      .catch(() => false);
    if (ok) {
      return { ms: Math.round(performance.now() - started), attempts };
    }
    await Bun.sleep(20);
  }
  return { ms: null, attempts };
}

/** What the gateway and the proxy hold: for the before/after leak comparison. */
export interface Holdings {
  /** Client connections the proxy has open (each is one of the gateway's to notes). */
  proxyConnections: number;
  /** The gateway's TCP connections to the proxy, as the kernel sees them. */
  gatewayConnections: number;
  gatewayRssMiB: number;
}

export function holdings(chaos: ChaosStack): Holdings {
  const pid = chaos.stack.processes.gateway.pid();
  const port = Number(chaos.proxy.address.split(":")[1]);
  return {
    proxyConnections: chaos.proxy.openConnections(),
    gatewayConnections: connectionsTo(port),
    gatewayRssMiB: pid === null ? Number.NaN : rssMiB(pid),
  };
}

export function describeHoldings(before: Holdings, after: Holdings): string {
  return (
    `connections to notes ${before.proxyConnections}->${after.proxyConnections}, ` +
    `gateway RSS ${before.gatewayRssMiB}->${after.gatewayRssMiB} MiB`
  );
}

export function p(result: LoadResult, cls: AnswerClass, q: number): number {
  return Math.round(quantile(result.latencyMs[cls] ?? [], q));
}
