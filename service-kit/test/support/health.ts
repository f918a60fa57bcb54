import { Client, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { service } from "grpc-health-check";

// grpc.health.v1 as the reference grpc-health-check package encodes it (proto-loader), so
// these tests check the kit's hand-written encoding against an independent one.

export type ServingStatus = "UNKNOWN" | "SERVING" | "NOT_SERVING" | "SERVICE_UNKNOWN";

export interface HealthWatch {
  /** Every status the server has sent so far. */
  updates: ServingStatus[];
  /** Settles when the server ends the stream: null for OK, else the ServiceError. */
  ended: Promise<ServiceError | null>;
  cancel(): void;
}

function method(name: "Check" | "Watch"): NonNullable<(typeof service)[string]> {
  const definition = service[name];
  if (definition === undefined) {
    throw new Error(`grpc-health-check no longer defines grpc.health.v1.Health/${name}`);
  }
  return definition;
}
const check = method("Check");
const watch = method("Watch");

function statusOf(response: unknown): ServingStatus {
  return (response as { status: ServingStatus }).status;
}

/** Asks 127.0.0.1:`port` over a fresh connection; rejects with the ServiceError on failure. */
export function healthStatus(port: number, serviceName: string): Promise<ServingStatus> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  return new Promise<ServingStatus>((resolve, reject) => {
    client.makeUnaryRequest(
      check.path,
      check.requestSerialize,
      check.responseDeserialize,
      { service: serviceName },
      new Metadata(),
      { deadline: Date.now() + 2_000 },
      (error, response) => {
        if (error) {
          reject(error);
        } else {
          resolve(statusOf(response));
        }
      },
    );
  }).finally(() => client.close());
}

/** Opens a grpc.health.v1 Watch stream on 127.0.0.1:`port`. */
export function watchHealth(port: number, serviceName: string): HealthWatch {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  const stream = client.makeServerStreamRequest(
    watch.path,
    watch.requestSerialize,
    watch.responseDeserialize,
    { service: serviceName },
    new Metadata(),
    { deadline: Date.now() + 20_000 },
  );
  const updates: ServingStatus[] = [];
  stream.on("data", (response: unknown) => updates.push(statusOf(response)));
  const ended = new Promise<ServiceError | null>((resolve) => {
    stream.on("error", (error: ServiceError) => resolve(error));
    stream.on("end", () => resolve(null));
  }).finally(() => client.close());
  return { updates, ended, cancel: () => stream.cancel() };
}
