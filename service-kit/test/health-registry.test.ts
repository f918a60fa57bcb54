import { expect, test } from "bun:test";
import { HealthRegistry } from "../src/server/health-registry.ts";
import type { ServerStream, StreamHandler } from "../src/server/server-call.ts";
import type { HealthStatus } from "../src/wire/health-definition.ts";

function watchStream(service: string): {
  stream: ServerStream;
  cancel: () => void;
  written: HealthStatus[];
} {
  const controller = new AbortController();
  const written: HealthStatus[] = [];
  const stream: ServerStream = {
    request: { service },
    metadata: { get: () => [], getMap: () => ({}) } as never,
    signal: controller.signal,
    write: (message) => written.push((message as { status: HealthStatus }).status),
    end: () => undefined,
  };
  return { stream, cancel: () => controller.abort(), written };
}

test("a Watch stream hears its service's changes until it is cancelled", () => {
  const registry = new HealthRegistry({ notes: "NOT_SERVING" });
  const watch = registry.implementation().watch as StreamHandler;
  const { stream, cancel, written } = watchStream("notes");

  watch(stream);
  registry.set("notes", "SERVING");
  cancel();
  registry.set("notes", "NOT_SERVING");

  expect(written).toEqual(["NOT_SERVING", "SERVING"]);
});

// Any client may Watch any name; streams that come and go must leave nothing behind.
test("watches of many names, once cancelled, keep nothing per name", () => {
  const registry = new HealthRegistry({ notes: "SERVING" });
  const watch = registry.implementation().watch as StreamHandler;
  const streams = Array.from({ length: 1_000 }, (_, i) => watchStream(`random.Service${i}`));
  const kept = watchStream("notes");

  for (const { stream } of [...streams, kept]) {
    watch(stream);
  }
  expect(registry.watchedNames).toBe(1_001);
  for (const { cancel } of streams) {
    cancel();
  }

  expect(registry.watchedNames).toBe(1);
  expect(streams[0]?.written).toEqual(["SERVICE_UNKNOWN"]);
});
