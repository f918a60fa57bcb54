import { isSpanContextValid, trace } from "@opentelemetry/api";
import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger };

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/**
 * JSON lines on stdout: `{"level","time","service","message",...}`, plus `trace_id` and `span_id`
 * when written inside a span, so a line leads to its trace. Pino writes synchronously here (no
 * worker transport), which keeps it working inside `bun build --compile` binaries.
 */
export function createLogger(options: {
  service: string;
  level: LogLevel;
  /** Where lines go instead of stdout (tests). */
  destination?: DestinationStream;
}): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      messageKey: "message",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
      },
      mixin: traceFields,
    },
    options.destination,
  );
}

/** A logger that drops everything, for tests. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

/** trace_id and span_id of the active span; a fresh object each time, since pino merges into it. */
function traceFields(): Record<string, string> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext !== undefined && isSpanContextValid(spanContext)
    ? { trace_id: spanContext.traceId, span_id: spanContext.spanId }
    : {};
}
