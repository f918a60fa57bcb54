// The bench only ever talks to this machine: every address goes through these checks.

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Throws unless `url` (http:// or postgres://) points at this machine. */
export function assertLoopback(url: string): string {
  const host = new URL(url).hostname;
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new Error(`refusing ${new URL(url).origin}: the bench only targets loopback addresses`);
  }
  return url;
}

/** A loopback port nothing listens on right now. */
export function freePort(taken: ReadonlySet<number> = new Set()): number {
  for (let attempt = 0; attempt < 50; attempt++) {
    const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const { port } = listener;
    listener.stop(true);
    if (!taken.has(port)) {
      return port;
    }
  }
  throw new Error("no free loopback port found");
}

/**
 * Polls `check` every `everyMs` until it returns true; throws `what` after `withinMs`. A check
 * that throws counts as false.
 */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  options: { withinMs: number; everyMs?: number },
): Promise<void> {
  const until = Date.now() + options.withinMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() >= until) {
      throw new Error(`${what} within ${options.withinMs / 1000} s`);
    }
    await Bun.sleep(options.everyMs ?? 100);
  }
}
