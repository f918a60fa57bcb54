export { testCallerSecret } from "./caller-secret.ts";
export { dockerEngineAnswers } from "./docker-engine.ts";
export { type EmbeddedPostgres, startEmbeddedPostgres } from "./embedded-postgres.ts";
export { freePort } from "./free-port.ts";
export { recordSpans, type SpanRecorder } from "./record-spans.ts";
export {
  createTestDatabase,
  type DatabaseSource,
  stopTestDatabaseServer,
  supportsConcurrentConnections,
  type TestDatabase,
  testDatabaseSource,
} from "./test-database.ts";
