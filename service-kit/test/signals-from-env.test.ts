import { expect, test } from "bun:test";
import { signalsFromEnv } from "../src/telemetry/signals-from-env.ts";

const ENDPOINT = "http://127.0.0.1:4318";

const cases = [
  { name: "nothing configured: both off", env: {}, want: { traces: false, metrics: false } },
  {
    name: "the shared endpoint turns both on",
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT },
    want: { traces: true, metrics: true },
  },
  {
    name: "a traces endpoint alone: traces only",
    env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: ENDPOINT },
    want: { traces: true, metrics: false },
  },
  {
    name: "a metrics endpoint alone: metrics only",
    env: { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: ENDPOINT },
    want: { traces: false, metrics: true },
  },
  {
    name: "OTEL_METRICS_EXPORTER=none keeps metrics off",
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_METRICS_EXPORTER: "none" },
    want: { traces: true, metrics: false },
  },
  {
    name: "OTEL_TRACES_EXPORTER=none keeps traces off",
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_TRACES_EXPORTER: " None " },
    want: { traces: false, metrics: true },
  },
  {
    name: "OTEL_SDK_DISABLED=true turns both off",
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_SDK_DISABLED: "TRUE" },
    want: { traces: false, metrics: false },
  },
  {
    name: "OTEL_SDK_DISABLED=false is not disabled",
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_SDK_DISABLED: "false" },
    want: { traces: true, metrics: true },
  },
  {
    name: "an empty endpoint names nothing",
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: "" },
    want: { traces: false, metrics: false },
  },
];

test.each(cases)("$name", ({ env, want }) => {
  expect(signalsFromEnv(env)).toEqual(want);
});
