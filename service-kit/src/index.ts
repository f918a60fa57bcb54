export {
  CALLER_HEADER,
  type Caller,
  callerSigner,
  callerVerifier,
  GATEWAY_SUBJECT,
} from "./caller/caller.ts";
export {
  type CallerPublicKey,
  type CallerSigningKey,
  generateCallerKeys,
  isTestCallerKey,
  parsePublicKeys,
  parseSigningKey,
  publicKeyOf,
} from "./caller/caller-keys.ts";
export { CallError } from "./client/call-error.ts";
export { checkHealth } from "./client/check-health.ts";
export {
  type CallSettings,
  type ClientOptions,
  createClient,
  type PromiseClient,
} from "./client/client.ts";
export {
  ConfigError,
  callerSigningKeySetting,
  hostSetting,
  integerSetting,
  logLevelSetting,
  modeSetting,
  parsedSetting,
  parseEnv,
} from "./config/env.ts";
export {
  type DatabaseConfig,
  loadServiceConfig,
  type ServiceConfig,
} from "./config/service-config.ts";
export { type Migration, MigrationError, migrate, readMigrations } from "./db/migrate.ts";
export { pgCodes, pgErrorCode } from "./db/pg-error.ts";
export { createPool, type Sql, type TransactionSql } from "./db/pool.ts";
export { withSignal } from "./db/with-signal.ts";
export {
  AppError,
  alreadyExists,
  type ErrorCode,
  failedPrecondition,
  grpcStatusOf,
  invalidArgument,
  notFound,
  permissionDenied,
  unauthenticated,
} from "./errors.ts";
export { createLogger, type Logger, type LogLevel, silentLogger } from "./log.ts";
export { assetDir } from "./process/asset-dir.ts";
export { exitOnCrash } from "./process/crash-exit.ts";
export { type ServiceMainOptions, serviceMain } from "./process/run-service.ts";
export { onShutdownSignal } from "./process/signals.ts";
export {
  type BindOptions,
  bindService,
  callLogLevel,
  type Handlers,
  type InternalUnary,
  internal,
  type Unary,
} from "./server/bind-service.ts";
export {
  type ServiceHost,
  type ServiceHostOptions,
  type ServiceRegistration,
  startServiceHost,
} from "./server/grpc-server.ts";
export { HealthRegistry } from "./server/health-registry.ts";
export { type RunningService, startService } from "./server/start-server.ts";
export { startTelemetry, type Telemetry } from "./telemetry/start.ts";
export { requireText, requireUuid, type TextRule } from "./validate.ts";
export { type HealthStatus, healthDefinition } from "./wire/health-definition.ts";
export type { RequestOf, ResponseOf, ServiceDefinitionShape } from "./wire/method-types.ts";
