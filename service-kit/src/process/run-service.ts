import type { ServiceConfig } from "../config/service-config.ts";
import { ConfigError } from "../config/service-config.ts";
import { exitOnCrash } from "./crash-exit.ts";
import { checkHealth } from "../client/check-health.ts";
import { onShutdownSignal } from "./signals.ts";
import { createLogger, type Logger } from "../log.ts";
import { startTelemetry } from "../telemetry/start.ts";

export interface ServiceMainOptions<Config extends ServiceConfig> {
  /** The service's name: log field, telemetry service name, prefix of startup errors. */
  name: string;
  loadConfig: (env: Record<string, string | undefined>) => Config;
  /** Opens the pool, builds the deps and starts serving; `stop` drains and closes them. */
  start: (config: Config, log: Logger) => Promise<{ stop(): Promise<void> }>;
}

/**
 * The body of every service's main.ts: `<binary> --healthcheck` probes the local server (exit 0
 * when SERVING, for container HEALTHCHECKs); otherwise telemetry, logger, `start`, and a
 * graceful stop on SIGTERM/SIGINT that flushes spans last. A bad setting or a failed start exits
 * 1 with the reason on stderr; an unhandled rejection or uncaught exception after that is logged
 * at fatal and exits 1 (exitOnCrash).
 */
export async function serviceMain<Config extends ServiceConfig>(
  options: ServiceMainOptions<Config>,
): Promise<void> {
  try {
    const config = options.loadConfig(process.env);
    if (process.argv.includes("--healthcheck")) {
      await healthcheck(config.port);
      return;
    }
    // First, so that everything after it is traced (OTEL_* variables; see the README).
    const telemetry = await startTelemetry({ serviceName: options.name });
    const log = createLogger({ service: options.name, level: config.logLevel });
    exitOnCrash(log);
    const running = await options.start(config, log);
    onShutdownSignal(async (signal) => {
      log.info({ signal }, "shutdown requested");
      await running.stop();
      // Last, to send the spans of the calls the drain let finish.
      await telemetry.shutdown();
      process.exit(0);
    });
  } catch (error) {
    const reason = error instanceof ConfigError ? error.message : "failed to start";
    process.stderr.write(`${options.name}: ${reason}\n`);
    if (!(error instanceof ConfigError)) {
      process.stderr.write(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exit(1);
  }
}

async function healthcheck(port: number): Promise<never> {
  const state = await checkHealth(`127.0.0.1:${port}`, { timeoutMs: 2_000 }).catch(
    () => "UNREACHABLE",
  );
  process.stdout.write(`${state}\n`);
  process.exit(state === "SERVING" ? 0 : 1);
}
