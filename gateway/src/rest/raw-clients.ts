import { type CallSettings, createClient } from "@trellis/service-kit";
import type { RestApi } from "./rest-api.ts";

/** Calls one service's RPCs with the request and the answer as binary protobuf. */
export interface RawClient {
  /** `method` is the gRPC path, "/trellis.notes.v1.NotesService/GetNote". */
  call(method: string, request: Uint8Array, settings: CallSettings): Promise<Uint8Array>;
  close(): void;
}

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

// A method definition whose serializers pass bytes through: the kit's client then signs the
// caller token (audience: the service; rpc: the path), keeps the deadline, limits and span.
function rawMethod(path: string) {
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: asBuffer,
    requestDeserialize: (bytes: Buffer): Uint8Array => bytes,
    responseSerialize: asBuffer,
    responseDeserialize: (bytes: Buffer): Uint8Array => bytes,
  } as const;
}

/** One kit client (one HTTP/2 connection) per configured service, by full service name. */
export function createRawClients(
  api: Pick<RestApi, "routes" | "services">,
  options: Parameters<typeof createClient>[2],
): Map<string, RawClient> {
  const clients = new Map<string, RawClient>();
  for (const service of api.services) {
    const paths = new Set(
      api.routes.filter((route) => route.service === service.name).map((r) => r.rule.method),
    );
    const definition = Object.fromEntries([...paths].map((path) => [path, rawMethod(path)]));
    const client = createClient(definition, service.address, options);
    clients.set(service.name, {
      call(method, request, settings) {
        const rpc = client[method];
        if (rpc === undefined) {
          return Promise.reject(new Error(`${method} is not a REST route of ${service.name}`));
        }
        return rpc(request, settings);
      },
      close: () => client.close(),
    });
  }
  return clients;
}
