import { ConfigError } from "../config/env.ts";
import { createLogger, type Logger, type LogLevel } from "../log.ts";
import { startTelemetry, type Telemetry } from "../telemetry/start.ts";
import { exitOnCrash } from "./crash-exit.ts";
import { checkGrpcHealth, exitWithHealth, type HealthcheckResult } from "./healthcheck.ts";
import { onShutdownSignal } from "./signals.ts";

/** What runService reads of a process's configuration. */
export interface ProcessConfig {
  /** Where the server listens on loopback; `--healthcheck` probes it. */
  port: number;
  logLevel: LogLevel;
}

export interface RunServiceOptions<Config extends ProcessConfig> {
  /** The process's name: log field, telemetry service name, prefix of startup errors. */
  name: string;
  loadConfig: (env: Record<string, string | undefined>) => Config;
  /** What `--healthcheck` asks; by default grpc.health.v1 on `config.port` (SERVING or not). */
  healthcheck?: (config: Config) => Promise<HealthcheckResult>;
  /**
   * Opens the pool, builds the deps and starts serving; `stop` drains and closes them. `meter`
   * is for what the process instruments (pool, server, clients): null while metrics are off;
   * `addMetricProducer` takes what it aggregates itself (createHistogramTable).
   */
  start: (
    config: Config,
    log: Logger,
    telemetry: Pick<Telemetry, "meter" | "addMetricProducer">,
  ) => Promise<{ stop(): Promise<void> }>;
}

/**
 * The body of every main.ts, services' and the gateway's: `<binary> --healthcheck` probes the
 * local server (exit 0 when healthy, for container HEALTHCHECKs); otherwise telemetry, logger,
 * `start`, and a graceful stop on SIGTERM/SIGINT that flushes spans last. A bad setting or a
 * failed start exits 1 with the reason on stderr; an unhandled rejection or uncaught exception
 * after that is logged at fatal and exits 1 (exitOnCrash).
 */
export async function runService<Config extends ProcessConfig>(
  options: RunServiceOptions<Config>,
): Promise<void> {
  try {
    const config = options.loadConfig(process.env);
    if (process.argv.includes("--healthcheck")) {
      const check = options.healthcheck ?? ((checked: Config) => checkGrpcHealth(checked.port));
      exitWithHealth(await check(config));
    }
    await run(options, config);
  } catch (error) {
    exitWithStartFailure(options.name, error);
  }
}

async function run<Config extends ProcessConfig>(
  options: RunServiceOptions<Config>,
  config: Config,
): Promise<void> {
  // First, so that everything after it is traced (OTEL_* variables; see the README).
  const telemetry = await startTelemetry({ serviceName: options.name });
  const log = createLogger({ service: options.name, level: config.logLevel });
  exitOnCrash(log);
  const running = await options.start(config, log, telemetry);
  onShutdownSignal(async (signal) => {
    log.info({ signal }, "shutdown requested");
    await running.stop();
    // Last, to send the spans of the calls the drain let finish.
    await telemetry.shutdown();
    process.exit(0);
  });
}

/** A ConfigError says what to fix in one line; anything else also gets its stack. */
function exitWithStartFailure(name: string, error: unknown): never {
  const reason = error instanceof ConfigError ? error.message : "failed to start";
  process.stderr.write(`${name}: ${reason}\n`);
  if (!(error instanceof ConfigError)) {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
}
