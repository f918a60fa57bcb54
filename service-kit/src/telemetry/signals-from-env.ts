/** Which signals a process exports. */
export interface SignalSwitches {
  traces: boolean;
  metrics: boolean;
}

/**
 * Each signal is on when an OTLP endpoint is named for it (the signal's own
 * OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT or the shared OTEL_EXPORTER_OTLP_ENDPOINT) and its
 * OTEL_<SIGNAL>_EXPORTER is not `none`; OTEL_SDK_DISABLED=true turns both off. The SDK's own
 * default would export to localhost:4318 with nothing configured.
 */
export function signalsFromEnv(env: Record<string, string | undefined>): SignalSwitches {
  if (isTrue(env.OTEL_SDK_DISABLED)) {
    return { traces: false, metrics: false };
  }
  const shared = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return {
    traces: on(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || shared, env.OTEL_TRACES_EXPORTER),
    metrics: on(env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT || shared, env.OTEL_METRICS_EXPORTER),
  };
}

function on(endpoint: string | undefined, exporters: string | undefined): boolean {
  const names = (exporters ?? "").split(",").map((name) => name.trim().toLowerCase());
  return Boolean(endpoint) && !names.includes("none");
}

/** OTEL_SDK_DISABLED is a boolean per the spec: only "true" (any case) disables. */
function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === "true";
}
