export { assetDir } from "./asset-dir.ts";
export {
  ConfigError,
  type DatabaseConfig,
  loadServiceConfig,
  modeSetting,
  parsedSetting,
  parseEnv,
  type ServiceConfig,
} from "./config.ts";
export { exitOnCrash } from "./crash-exit.ts";
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
export {
  type BindOptions,
  bindService,
  callLogLevel,
  type Handlers,
  type InternalUnary,
  internal,
  type Unary,
} from "./grpc/bind-service.ts";
export { CallError } from "./grpc/call-error.ts";
export {
  CALLER_HEADER,
  type Caller,
  callerSigner,
  callerVerifier,
  GATEWAY_SUBJECT,
} from "./grpc/caller.ts";
export {
  type CallerPublicKey,
  type CallerSigningKey,
  generateCallerKeys,
  isTestCallerKey,
  parsePublicKeys,
  parseSigningKey,
  publicKeyOf,
} from "./grpc/caller-keys.ts";
export { checkHealth } from "./grpc/check-health.ts";
export {
  type CallSettings,
  type ClientOptions,
  createClient,
  type PromiseClient,
} from "./grpc/client.ts";
export { HealthRegistry, type HealthStatus, healthDefinition } from "./grpc/health.ts";
export type { RequestOf, ResponseOf, ServiceDefinitionShape } from "./grpc/method-types.ts";
export {
  type ServiceHost,
  type ServiceHostOptions,
  type ServiceRegistration,
  startServiceHost,
} from "./grpc/service-host.ts";
export { onShutdownSignal } from "./grpc/signals.ts";
export { createLogger, type Logger, type LogLevel, silentLogger } from "./log.ts";
export { type ServiceMainOptions, serviceMain } from "./service-main.ts";
export { type RunningService, startService } from "./start-service.ts";
export { startTelemetry, type Telemetry } from "./telemetry/start.ts";
export { requireText, requireUuid, type TextRule } from "./validate.ts";
