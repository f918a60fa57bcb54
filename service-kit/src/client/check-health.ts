import { credentials, makeGenericClientConstructor, type ServiceError } from "@grpc/grpc-js";
import { type HealthStatus, healthDefinition } from "../wire/health-definition.ts";

const HealthClient = makeGenericClientConstructor(healthDefinition, "grpc.health.v1.Health");

/**
 * Asks a server's grpc.health.v1 Check for `service` ("" for the whole server). Rejects with
 * the ServiceError when the server does not answer in `timeoutMs`.
 */
export function checkHealth(
  address: string,
  options: { service?: string; timeoutMs: number },
): Promise<HealthStatus> {
  const client = new HealthClient(address, credentials.createInsecure());
  const { check } = healthDefinition;
  return new Promise<HealthStatus>((resolve, reject) => {
    client.makeUnaryRequest(
      check.path,
      check.requestSerialize,
      check.responseDeserialize,
      { service: options.service ?? "" },
      { deadline: Date.now() + options.timeoutMs },
      (error: ServiceError | null, response?: { status: HealthStatus }) => {
        if (error || response === undefined) {
          reject(error);
        } else {
          resolve(response.status);
        }
      },
    );
  }).finally(() => client.close());
}
