// Telemetry for `bun run dev`: on when an OTLP/HTTP receiver (the collector from compose.yaml)
// answers at the configured endpoint when the stack starts, off otherwise (OTEL_SDK_DISABLED=true
// for every process), so that a machine without one runs quietly. On, every process exports its
// traces and its metrics there.

const DEFAULT_ENDPOINT = "http://127.0.0.1:4318";
const PROBE_TIMEOUT_MS = 500;

export interface DevTracing {
  /** OTEL_* variables to give every process. */
  env: Record<string, string>;
  /** One line for the console. */
  summary: string;
}

export async function devTracing(env: Record<string, string | undefined>): Promise<DevTracing> {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") {
    return { env: {}, summary: "off (OTEL_SDK_DISABLED=true)" };
  }
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT || DEFAULT_ENDPOINT;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || `${base.replace(/\/+$/, "")}/v1/traces`;
  if (!(await acceptsTraces(traces))) {
    return {
      env: { OTEL_SDK_DISABLED: "true" },
      summary: `off (nothing answers at ${traces}; see "See a trace" in README.md)`,
    };
  }
  return {
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: base,
      // Spans show up in the UI within a second instead of five.
      OTEL_BSP_SCHEDULE_DELAY: env.OTEL_BSP_SCHEDULE_DELAY || "1000",
      // Metrics every 5 s rather than every minute, for the same reason.
      OTEL_METRIC_EXPORT_INTERVAL: env.OTEL_METRIC_EXPORT_INTERVAL || "5000",
    },
    summary:
      `on, exporting to ${traces} (with compose.yaml's collector: traces in Jaeger's UI at ` +
      "http://localhost:16686, metrics at http://127.0.0.1:8889/metrics)",
  };
}

/** Whether `url` takes an (empty) OTLP/JSON export, as Jaeger and any OTLP collector do. */
async function acceptsTraces(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ resourceSpans: [] }),
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
