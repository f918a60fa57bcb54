import type { BindOptions } from "@trellis/service-kit";
import {
  createClient,
  type PromiseClient,
  parsePublicKeys,
  parseSigningKey,
  type ServiceRegistration,
  silentLogger,
  startGrpcServer,
} from "@trellis/service-kit";
import type { ServiceDefinitionShape } from "@trellis/service-kit/harness";
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
