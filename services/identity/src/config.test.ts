import { expect, test } from "bun:test";
import { ConfigError, generateCallerKeys } from "@trellis/service-kit";
import { loadConfig } from "./config.ts";

const required = {
  CALLER_PUBLIC_KEYS: generateCallerKeys("k1").publicKey,
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/identity",
};

test.each([
  { name: "defaults to 90 days", value: undefined, want: 90 },
  { name: "treats an empty value as unset", value: "", want: 90 },
  { name: "takes a day", value: "1", want: 1 },
  { name: "takes ten years", value: "3650", want: 3650 },
])("SESSION_ABSOLUTE_LIFETIME_DAYS $name", ({ value, want }) => {
  const config = loadConfig({ ...required, SESSION_ABSOLUTE_LIFETIME_DAYS: value });
  expect(config.sessionAbsoluteLifetimeDays).toBe(want);
  expect(config.port).toBe(50052);
});

test.each(["0", "3651", "1.5", "ninety"])(
  "SESSION_ABSOLUTE_LIFETIME_DAYS=%p is refused, naming the variable",
  (value) => {
    const load = () => loadConfig({ ...required, SESSION_ABSOLUTE_LIFETIME_DAYS: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/SESSION_ABSOLUTE_LIFETIME_DAYS: /);
  },
);
