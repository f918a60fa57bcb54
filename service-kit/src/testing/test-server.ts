import { parsePublicKeys, parseSigningKey } from "../caller/caller-keys.ts";
import { createClient, type PromiseClient } from "../client/client.ts";
import { silentLogger } from "../log.ts";
import type { BindOptions } from "../server/bind-service.ts";
import { type ServiceRegistration, startGrpcServer } from "../server/grpc-server.ts";
import type { ServiceDefinitionShape } from "../wire/method-types.ts";
import { testCallerKeys } from "./caller-keys.ts";

export interface TestServer<Definition extends ServiceDefinitionShape> {
  port: number;
  /** Signs each call as the gateway, or as the `userId` a call names. */
  client: PromiseClient<Definition>;
  /** Closes the client and shuts the server down. */
  stop(): Promise<void>;
}

/**
 * Serves the registration `register` builds, in this process on 127.0.0.1 with a free port,
 * SERVING at once, and a kit client for `definition`. `register` gets the options
 * `bindService` takes: a silent logger and the public half of `testCallerKeys`.
 */
export async function startTestServer<Definition extends ServiceDefinitionShape>(
  definition: Definition,
  register: (options: BindOptions) => ServiceRegistration,
): Promise<TestServer<Definition>> {
  const log = silentLogger();
  const server = await startGrpcServer({
    services: [register({ log, callerKeys: parsePublicKeys(testCallerKeys.publicKeys) })],
    host: "127.0.0.1",
    port: 0,
    log,
    shutdownDelayMs: 0,
    shutdownGraceMs: 1_000,
  });
  server.markServing();
  const client = createClient(definition, `127.0.0.1:${server.port}`, {
    timeoutMs: 5_000,
    callerKey: parseSigningKey(testCallerKeys.signingKey),
  });
  return {
    port: server.port,
    client,
    async stop() {
      client.close();
      await server.shutdown();
    },
  };
}
