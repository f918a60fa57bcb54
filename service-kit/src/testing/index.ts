export { type CallOutcome, callOutcome, statusName } from "./call-outcome.ts";
export { testCallerKeys } from "./caller-keys.ts";
export { dockerEngineAnswers } from "./docker-engine.ts";
export { type EmbeddedPostgres, startEmbeddedPostgres } from "./embedded-postgres.ts";
export { freePort } from "./free-port.ts";
export {
  type MainProcess,
  type MainProcessOptions,
  spawnMain,
  waitForServing,
} from "./main-process.ts";
export { mintCallerToken } from "./mint-caller-token.ts";
export { type NodeUnary, nodeClient, type UnaryStart } from "./node-client.ts";
export { describeSpans, type ReceivedSpan } from "./otlp-json.ts";
export { type OtlpReceiver, startOtlpReceiver } from "./otlp-receiver.ts";
export { invalid, type Outcome, outcome } from "./outcome.ts";
export { recordSpans, type SpanRecorder } from "./record-spans.ts";
export { runNodeClient } from "./run-node-client.ts";
export { type Stall, stall } from "./stall.ts";
export {
  createTestDatabase,
  type DatabaseSource,
  stopTestDatabaseServer,
  supportsConcurrentConnections,
  type TestDatabase,
  testDatabaseSource,
} from "./test-database.ts";
export { startTestServer, type TestServer } from "./test-server.ts";
