// The OpenTelemetry Collector of the Compose stacks, checked without a Docker engine: every
// process exports to it (not to Jaeger), and its config sends traces to Jaeger and metrics to
// the Prometheus endpoint. Each rule is also run once on a broken sample.
import { describe, expect, test } from "bun:test";
import { parse } from "yaml";
import type { ComposeFile } from "./compose-rules.ts";
import { COMPOSE_FILES, readText } from "./repo.ts";

const COLLECTOR_ENDPOINT = "http://otel-collector:4318";

/** The processes of ours: built here (compose.yaml) or pulled from our registry (deploy/). */
function ourProcesses(compose: ComposeFile): [string, Record<string, unknown>][] {
  return Object.entries(compose.services ?? {})
    .filter(([, service]) => service.build !== undefined || /\/trellis-/.test(service.image ?? ""))
    .map(([name, service]) => [name, (service.environment ?? {}) as Record<string, unknown>]);
}

/** Every one of our processes sends its telemetry to the collector. */
function exportsToTheCollector(compose: ComposeFile): string[] {
  return ourProcesses(compose)
    .filter(([, environment]) => environment.OTEL_EXPORTER_OTLP_ENDPOINT !== COLLECTOR_ENDPOINT)
    .map(([name]) => `${name} does not export to ${COLLECTOR_ENDPOINT}`);
}

interface CollectorConfig {
  receivers?: Record<string, unknown>;
  exporters?: Record<string, { endpoint?: string }>;
  service?: { pipelines?: Record<string, { receivers?: string[]; exporters?: string[] }> };
}

/** Traces from OTLP to Jaeger, metrics from OTLP to the Prometheus endpoint. */
function pipelineProblems(config: CollectorConfig): string[] {
  const pipelines = config.service?.pipelines ?? {};
  const exporter = (name: string) => config.exporters?.[name]?.endpoint ?? "";
  const problems: string[] = [];
  for (const [signal, wanted] of [
    ["traces", (name: string) => name.startsWith("otlp") && exporter(name).startsWith("jaeger:")],
    ["metrics", (name: string) => name === "prometheus" && exporter(name).endsWith(":8889")],
  ] as const) {
    const pipeline = pipelines[signal];
    if (!pipeline?.receivers?.includes("otlp")) {
      problems.push(`${signal}: not received over OTLP`);
    }
    if (!pipeline?.exporters?.some(wanted)) {
      problems.push(`${signal}: not exported where README.md says`);
    }
  }
  return problems;
}

const config = async (): Promise<CollectorConfig> =>
  parse(await readText("deploy/otel-collector/config.yaml")) as CollectorConfig;

test.each(COMPOSE_FILES)("%s: every process exports to the collector", async (path) => {
  const compose = parse(await readText(path)) as ComposeFile;
  expect(ourProcesses(compose).length).toBeGreaterThanOrEqual(3);
  expect(exportsToTheCollector(compose)).toEqual([]);
});

test("the collector sends traces to Jaeger and serves metrics on :8889", async () => {
  expect(pipelineProblems(await config())).toEqual([]);
});

test("both Compose files run the collector on deploy/otel-collector/config.yaml", async () => {
  const local = await readText("compose.yaml");
  const deployed = await readText("deploy/compose.yaml");
  expect(local).toContain("file: ./deploy/otel-collector/config.yaml");
  expect(deployed).toContain("./otel-collector/config.yaml:/etc/otelcol-contrib/config.yaml:ro");
});

describe("the collector rules can fail", () => {
  test("a process exporting to Jaeger directly", () => {
    const sample: ComposeFile = {
      services: {
        notes: { build: "x", environment: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4318" } },
      },
    };
    expect(exportsToTheCollector(sample)).toEqual([
      `notes does not export to ${COLLECTOR_ENDPOINT}`,
    ]);
  });

  test("metrics sent nowhere a person looks, traces not to Jaeger", () => {
    const sample: CollectorConfig = {
      exporters: { debug: {}, "otlp/other": { endpoint: "elsewhere:4317" } },
      service: {
        pipelines: {
          traces: { receivers: ["otlp"], exporters: ["otlp/other"] },
          metrics: { receivers: ["otlp"], exporters: ["debug"] },
        },
      },
    };
    expect(pipelineProblems(sample)).toEqual([
      "traces: not exported where README.md says",
      "metrics: not exported where README.md says",
    ]);
  });
});
