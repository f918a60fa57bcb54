import { type Attributes, context, type Span, SpanKind, trace } from "@opentelemetry/api";
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_SUMMARY,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_RESPONSE_STATUS_CODE,
  ATTR_DB_SYSTEM_NAME,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
} from "@opentelemetry/semantic-conventions";
import type { SQL } from "bun";
import { pgErrorCode } from "../db/pg-error.ts";
import { summarizeSql } from "./sql-summary.ts";
import { errorTypeOf, kitTracer, markFailed } from "./tracer.ts";

// One CLIENT span per query that goes through `withSignal`. Its name and db.* attributes come
// from the statement Bun's client sends, which carries $1, $2... where the values went: no
// parameter value is ever recorded.

const SYSTEM = { [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL };

/** Starts a query's span as a child of the active one; it is named once the statement is known. */
export function startQuerySpan(): Span {
  return kitTracer().startSpan(DB_SYSTEM_NAME_VALUE_POSTGRESQL, {
    kind: SpanKind.CLIENT,
    attributes: SYSTEM,
  });
}

/** Ends a query's span with its statement (undefined when it could not be read). */
export function endQuerySpan(span: Span, statement: string | undefined, error?: unknown): void {
  if (span.isRecording()) {
    if (statement !== undefined) {
      const summary = summarizeSql(statement);
      span.setAttribute(ATTR_DB_QUERY_TEXT, statement.trim());
      if (summary.text !== "") {
        span.updateName(summary.text);
        span.setAttributes({
          [ATTR_DB_OPERATION_NAME]: summary.operation,
          [ATTR_DB_QUERY_SUMMARY]: summary.text,
        });
      }
    }
    if (error !== undefined) {
      const sqlState = pgErrorCode(error) ?? undefined;
      markFailed(
        span,
        sqlState ?? errorTypeOf(error),
        sqlState === undefined ? undefined : { [ATTR_DB_RESPONSE_STATUS_CODE]: sqlState },
      );
    }
  }
  span.end();
}

/** The statement text of a finished query's result. */
export function statementOfResult(result: unknown): string | undefined {
  const statement = (result as { statement?: { string?: unknown } } | null)?.statement;
  return typeof statement?.string === "string" ? statement.string : undefined;
}

/** db.namespace, server.address and server.port of a pool's URL: never its user or password. */
export function poolAttributes(url: string): Attributes {
  const parsed = URL.parse(url);
  if (parsed === null) {
    return SYSTEM;
  }
  return {
    ...SYSTEM,
    [ATTR_DB_NAMESPACE]: decodeURIComponent(parsed.pathname.replace(/^\//, "")),
    [ATTR_SERVER_ADDRESS]: parsed.hostname,
    [ATTR_SERVER_PORT]: parsed.port === "" ? 5432 : Number(parsed.port),
  };
}

// Each traced pool's attributes, for the connections reserved from it.
const tracedPools = new WeakMap<object, Attributes>();

/** Traces the transactions of a connection reserved from `pool` as the pool's own. */
export function traceReserved(pool: SQL, reserved: SQL): void {
  const attributes = tracedPools.get(pool);
  if (attributes !== undefined) {
    traceTransactions(reserved, attributes);
  }
}

/**
 * Wraps `sql.begin` so that each transaction is a span whose children are the queries it runs
 * (Bun runs the callback in the caller's async context, so the span stays active).
 */
export function traceTransactions(sql: SQL, attributes: Attributes): void {
  tracedPools.set(sql, attributes);
  const begin = sql.begin.bind(sql) as (...args: unknown[]) => Promise<unknown>;
  const traced = (...args: unknown[]): Promise<unknown> => {
    const span = kitTracer().startSpan("transaction", { kind: SpanKind.INTERNAL, attributes });
    return context
      .with(trace.setSpan(context.active(), span), () => begin(...args))
      .then(
        (result) => {
          span.end();
          return result;
        },
        (error: unknown) => {
          markFailed(span, errorTypeOf(error));
          span.end();
          throw error;
        },
      );
  };
  sql.begin = traced as SQL["begin"];
}
