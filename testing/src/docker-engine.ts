import { existsSync } from "node:fs";

/**
 * Whether a Docker engine answers, decided in well under 2 s without loading testcontainers
 * (whose import alone costs 1-1.5 s). Only a local socket is probed; a remote DOCKER_HOST is
 * trusted as configured.
 */
export async function dockerEngineAnswers(): Promise<boolean> {
  const host = process.env.DOCKER_HOST;
  if (host !== undefined && host !== "" && !host.startsWith("unix://")) {
    return true;
  }
  const socket = host?.startsWith("unix://")
    ? host.slice("unix://".length)
    : "/var/run/docker.sock";
  if (!existsSync(socket)) {
    return false;
  }
  try {
    const response = await fetch("http://localhost/_ping", {
      unix: socket,
      signal: AbortSignal.timeout(1_500),
    });
    return response.ok;
  } catch {
    return false;
  }
}
