// What @trellis/testing builds on and services do not use: the migration runner, caller-token
// signing with any claims and times, the telemetry SDK with the recorder's own span processors,
// and the shape of a generated service definition. Its own entry, so that the main one keeps
// exporting only what services, the gateway and their tools call.

export { importSigningKey, signCallerToken } from "./caller/caller-token.ts";
export { type Migration, migrate } from "./db/migrate.ts";
export { openSql } from "./db/pool.ts";
export { startSdk } from "./telemetry/start.ts";
export type { ServiceDefinitionShape } from "./wire/method-types.ts";
