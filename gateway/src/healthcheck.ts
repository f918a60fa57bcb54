/** What `gateway --healthcheck` found: healthy only when /healthz answered 200. */
export interface HealthcheckResult {
  healthy: boolean;
  /** "HTTP 200", "HTTP 503", or why nothing answered: printed for `docker inspect`. */
  answer: string;
}

/**
 * GET /healthz on the gateway at `port` on loopback, for container HEALTHCHECKs (distroless
 * images have no curl). Gives up after `timeoutMs`: a hung gateway is an unhealthy one.
 */
export async function checkGatewayHealth(
  port: number,
  options: { timeoutMs: number },
): Promise<HealthcheckResult> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, {
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    await response.body?.cancel();
    return { healthy: response.status === 200, answer: `HTTP ${response.status}` };
  } catch (error) {
    return { healthy: false, answer: `no answer (${reasonOf(error)})` };
  }
}

/** ECONNREFUSED, TimeoutError...: short enough for a health log. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === "string" ? code : error.name;
}
