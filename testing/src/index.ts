// What services', the gateway's, bench's and scripts' tests and tools import; the kit's own
// tests import from the files themselves.
export { type CallOutcome, callOutcome, statusName } from "./call-outcome.ts";
export { testCallerKeys } from "./caller-keys.ts";
export { type EmbeddedPostgres, startEmbeddedPostgres } from "./embedded-postgres.ts";
export { freePort } from "./free-port.ts";
export { type MainProcess, spawnMain, waitForServing } from "./main-process.ts";
export { mintCallerToken } from "./mint-caller-token.ts";
export { describeSpans, type ReceivedSpan } from "./otlp-json.ts";
export { describePoints, type ReceivedPoint } from "./otlp-metrics-json.ts";
export { type OtlpReceiver, startOtlpReceiver } from "./otlp-receiver.ts";
export { invalid, type Outcome, outcome } from "./outcome.ts";
export { type CollectedPoint, type MetricsRecorder, recordMetrics } from "./record-metrics.ts";
export { recordSpans, type SpanRecorder } from "./record-spans.ts";
export { runNodeClient } from "./run-node-client.ts";
export { type Stall, stall } from "./stall.ts";
export {
  createTestDatabase,
  type DatabaseSource,
  supportsConcurrentConnections,
  type TestDatabase,
} from "./test-database.ts";
export { startTestServer, type TestServer } from "./test-server.ts";
