// What services, the gateway, the template, bench and scripts import; nothing else is exported
// (the kit's own tests import from src/ paths).

export { type Caller, callerSigner, callerVerifier, GATEWAY_SUBJECT } from "./caller/caller.ts";
export {
  type CallerSigningKey,
  generateCallerKeys,
  isTestCallerKey,
  parsePublicKeys,
  parseSigningKey,
  publicKeyOf,
} from "./caller/caller-keys.ts";
export { checkHealth } from "./client/check-health.ts";
export { type CallSettings, createClient, type PromiseClient } from "./client/client.ts";
export { type ResolveTargets, resolveTargets, type Target, targetOf } from "./client/targets.ts";
export type { ClientImplementation } from "./client/unary-channel.ts";
export {
  ConfigError,
  callerSigningKeySetting,
  grpcClientSetting,
  hostSetting,
  integerSetting,
  logLevelSetting,
  modeSetting,
  parsedSetting,
  parseEnv,
} from "./config/env.ts";
export { type ReadSecretFile, withSecretFiles } from "./config/secret-files.ts";
export {
  loadServiceConfig,
  type ServiceConfig,
  serviceSecretSettings,
} from "./config/service-config.ts";
export { beginWithSignal } from "./db/begin-with-signal.ts";
export {
  createIdempotency,
  IDEMPOTENCY_WINDOW_HOURS,
  type Idempotency,
  type IdempotentCall,
  type MessageCodec,
} from "./db/idempotency.ts";
export { isBreaking, type Migration, readMigrations } from "./db/migrate.ts";
export { unmarkedBreakingChanges } from "./db/migration-markers.ts";
export { pgCodes, pgErrorCode } from "./db/pg-error.ts";
export { createPool, type Sql, type TransactionSql } from "./db/pool.ts";
export { withSignal } from "./db/with-signal.ts";
export {
  AppError,
  alreadyExists,
  ERROR_CODE_METADATA,
  type ErrorCode,
  failedPrecondition,
  idempotencyKeyReused,
  invalidArgument,
  notFound,
  permissionDenied,
  unauthenticated,
} from "./errors.ts";
export { createLogger, type Logger, type LogLevel, silentLogger } from "./log.ts";
export { assetDir } from "./process/asset-dir.ts";
export { runService } from "./process/run-service.ts";
export {
  type BindOptions,
  bindService,
  type InternalUnary,
  internal,
  type Unary,
} from "./server/bind-service.ts";
export { type ServiceRegistration, startGrpcServer } from "./server/grpc-server.ts";
export { startServer } from "./server/start-server.ts";
export { DURATION_BUCKETS_SECONDS } from "./telemetry/duration-buckets.ts";
export {
  createHistogramTable,
  type HistogramDescriptor,
  type HistogramSeries,
  type HistogramTable,
} from "./telemetry/histogram-table.ts";
export type { Telemetry } from "./telemetry/start.ts";
export { requireText, requireUuid, type TextRule } from "./validate.ts";
export { type HealthStatus, healthDefinition } from "./wire/health-definition.ts";
export {
  IDEMPOTENCY_KEY_METADATA,
  idempotencyKeyProblem,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from "./wire/idempotency-key.ts";
export { status, statusName } from "./wire/status.ts";
