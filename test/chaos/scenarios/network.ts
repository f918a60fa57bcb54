import type { FaultMode } from "../fault-proxy.ts";
import { type ChaosStack, type ChaosStackOptions, startChaosStack } from "../net/chaos-stack.ts";
import type { LoadResult } from "../net/load.ts";
import {
  describeHoldings,
  type Holdings,
  holdings,
  loadNotes,
  msToFirstSuccess,
  p,
  totalOf,
} from "../net/phases.ts";
import { waitFor } from "../net/wait.ts";
import { noAnswers, type Scenario, type ScenarioResult } from "../scenario.ts";

// Network faults between the gateway and notes, through the fault proxy, under a steady read
// load: latency past the deadline, connection resets, a blackhole. Each runs on a stack of its
// own: warm-up, the fault under load, heal, the time to the first success, load again, then
// what is left open.

/** The gateway's deadline here: short, so a fault phase sees many deadlines pass. */
const DEADLINE_MS = 1_000;
/** Past this a request is a hang ("no answer"), not a slow answer. */
const HANG_MS = DEADLINE_MS + 4_000;
const CONCURRENCY = 4;

export interface NetworkFault {
  name: string;
  fault: string;
  mode: FaultMode;
  /** How long the fault lasts under load. */
  faultMs: number;
}

export const networkFaults: NetworkFault[] = [
  {
    name: "latency",
    fault: `notes ${DEADLINE_MS + 500} ms away (deadline ${DEADLINE_MS} ms)`,
    mode: { kind: "latency", ms: DEADLINE_MS + 500 },
    faultMs: 2_000,
  },
  {
    name: "resets",
    fault: "connections to notes reset (RST), old and new",
    mode: { kind: "reset" },
    faultMs: 1_000,
  },
  {
    name: "blackhole",
    fault: "notes blackholed (no FIN, no RST, nothing answered)",
    mode: { kind: "blackhole" },
    faultMs: 2_000,
  },
];

/** What a test asserts beyond the row: the phases, and what stayed open. */
export interface NetworkOutcome {
  result: ScenarioResult;
  during: LoadResult;
  after: LoadResult;
  /** Connections the proxy accepted after the heal: the gateway reconnected. */
  reconnects: number;
  before: Holdings;
  left: Holdings;
  /** Whether the gateway closed the connections the fault killed within the wait. */
  closedDeadConnections: boolean;
}

export interface NetworkRunOptions {
  /** Warm-up and after-heal load, in ms. */
  phaseMs: number;
  /** How long to wait for the first success after the heal. */
  recoveryWithinMs: number;
  /** How long to wait for the gateway to close the connections the fault killed. */
  settleWithinMs: number;
}

/** `bun run chaos`: room enough to see the recovery however long it takes. */
export const fullRun: NetworkRunOptions = {
  phaseMs: 1_000,
  recoveryWithinMs: 60_000,
  settleWithinMs: 15_000,
};

/** A stack for the network faults: the gateway's deadline shortened to DEADLINE_MS. */
export function startNetworkStack(from: ChaosStackOptions["from"]): Promise<ChaosStack> {
  return startChaosStack({ from, gatewayEnv: { GRPC_TIMEOUT_MS: String(DEADLINE_MS) } });
}

/** One fault on `chaos` (left healed, to run the next on): warm, fault, heal, recover, settle. */
export async function runNetworkFault(
  chaos: ChaosStack,
  spec: NetworkFault,
  options: NetworkRunOptions,
): Promise<NetworkOutcome> {
  const load = (durationMs: number) =>
    loadNotes(chaos, { concurrency: CONCURRENCY, durationMs, timeoutMs: HANG_MS });
  const warm = await load(options.phaseMs);
  const before = holdings(chaos);
  chaos.proxy.set(spec.mode);
  const during = await load(spec.faultMs);
  chaos.proxy.heal();
  const acceptedAtHeal = chaos.proxy.accepted();
  const recovery = await msToFirstSuccess(chaos, {
    withinMs: options.recoveryWithinMs,
    timeoutMs: HANG_MS,
  });
  const after = await load(options.phaseMs);
  const reconnects = chaos.proxy.accepted() - acceptedAtHeal;
  const closedDeadConnections = await waitFor(
    () => chaos.proxy.openConnections() <= before.proxyConnections,
    "the dead connections to close",
    options.settleWithinMs,
  ).then(
    () => true,
    () => false,
  );
  const left = holdings(chaos);
  const answers = noAnswers();
  const { requests } = totalOf([warm, during, after], answers);
  const result: ScenarioResult = {
    fault: spec.fault,
    requests: requests + recovery.attempts,
    answers,
    writesAcknowledged: 0,
    writesLost: 0,
    recoveryMs: recovery.ms,
    detail: describe(during, before, left, reconnects),
  };
  return { result, during, after, reconnects, before, left, closedDeadConnections };
}

function describe(during: LoadResult, before: Holdings, left: Holdings, reconnects: number) {
  const failed = during.latencyMs["504"]?.length ? "504" : "503";
  return (
    `${failed} in ${p(during, failed, 0)}-${p(during, failed, 1)} ms (p50 ${p(during, failed, 0.5)}), ` +
    `${reconnects} reconnect(s), ${describeHoldings(before, left)}`
  );
}

/** The network rows of `bun run chaos`, on the compiled binaries. */
export const scenarios: Scenario[] = networkFaults.map((spec) => ({
  name: `network-${spec.name}`,
  async run() {
    const chaos = await startNetworkStack("binaries");
    try {
      return (await runNetworkFault(chaos, spec, fullRun)).result;
    } finally {
      await chaos.stop();
    }
  },
}));
