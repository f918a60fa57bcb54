import { checkHealth } from "../client/check-health.ts";

/** What `<binary> --healthcheck` found about the server this process would run. */
export interface HealthcheckResult {
  healthy: boolean;
  /** Printed on stdout for `docker inspect`: "SERVING", "UNREACHABLE", "HTTP 200"... */
  answer: string;
}

/** grpc.health.v1 Check of the gRPC server on loopback at `port`: healthy when SERVING. */
export async function checkGrpcHealth(port: number): Promise<HealthcheckResult> {
  const state = await checkHealth(`127.0.0.1:${port}`, { timeoutMs: 2_000 }).catch(
    () => "UNREACHABLE",
  );
  return { healthy: state === "SERVING", answer: state };
}

/** Prints the answer and exits: 0 when healthy (what a container HEALTHCHECK reads), else 1. */
export function exitWithHealth(result: HealthcheckResult): never {
  process.stdout.write(`${result.answer}\n`);
  process.exit(result.healthy ? 0 : 1);
}
