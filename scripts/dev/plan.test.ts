import { expect, test } from "bun:test";
import type { ServiceEntry } from "../services/discover.ts";
import {
  bannerLine,
  databaseUrlVariable,
  devPorts,
  gatewayServiceEnv,
  serviceProcessEnv,
} from "./plan.ts";

const entry = (name: string, port: number, rest: string[] = []): ServiceEntry => ({
  name,
  dir: `services/${name}`,
  packageName: `@trellis/${name}`,
  port,
  rest,
});
const identity = entry("identity", 50052);
const notes = entry("notes", 50051, ["trellis.notes.v1.NotesService"]);

test.each([
  { name: "notes", want: "NOTES_DATABASE_URL" },
  { name: "shopping-list", want: "SHOPPING_LIST_DATABASE_URL" },
  { name: "a1-b2-c3", want: "A1_B2_C3_DATABASE_URL" },
])("the database of $name is set by $want", ({ name, want }) => {
  expect(databaseUrlVariable(name)).toBe(want);
});

test.each([
  {
    name: "identity and notes, at their declared ports",
    services: [identity, notes],
    want: {
      IDENTITY_ADDRESS: "127.0.0.1:50052",
      REST_SERVICES: "trellis.notes.v1.NotesService=127.0.0.1:50051",
    },
  },
  {
    name: "ports as declared, not by position",
    services: [notes, entry("identity", 50099)],
    want: {
      IDENTITY_ADDRESS: "127.0.0.1:50099",
      REST_SERVICES: "trellis.notes.v1.NotesService=127.0.0.1:50051",
    },
  },
  {
    name: "a new service with two REST services",
    services: [identity, notes, entry("things", 50060, ["t.v1.A", "t.v1.B"])],
    want: {
      IDENTITY_ADDRESS: "127.0.0.1:50052",
      REST_SERVICES:
        "trellis.notes.v1.NotesService=127.0.0.1:50051,t.v1.A=127.0.0.1:50060,t.v1.B=127.0.0.1:50060",
    },
  },
  {
    name: "no service with REST",
    services: [identity],
    want: { IDENTITY_ADDRESS: "127.0.0.1:50052", REST_SERVICES: "" },
  },
])("the gateway's services: $name", ({ services, want }) => {
  expect(gatewayServiceEnv(services)).toEqual(want);
});

test.each([
  { name: "no services", services: [], error: "found: none" },
  { name: "no identity", services: [notes], error: "found: notes" },
])("the gateway cannot start with $name", ({ services, error }) => {
  expect(() => gatewayServiceEnv(services)).toThrow(`needs the service named identity; ${error}`);
});

test.each([
  {
    name: "an embedded database, one connection, patient to connect",
    database: { url: "postgres://embedded", embedded: true },
    pool: { DATABASE_POOL_MAX: "1", DATABASE_CONNECT_TIMEOUT_S: "30" },
  },
  {
    name: "a configured database",
    database: { url: "postgres://db", embedded: false },
    pool: {} as Record<string, string>,
  },
])("a service process gets its port and $name", ({ database, pool }) => {
  expect(serviceProcessEnv(entry("things", 50060), database, "public-key")).toEqual({
    PORT: "50060",
    DATABASE_URL: database.url,
    MODE: "development",
    CALLER_PUBLIC_KEYS: "public-key",
    ...pool,
  });
});

test("the banner names a service, its port and its database", () => {
  expect(bannerLine(notes, "its DATABASE_URL")).toBe(
    "    notes      gRPC 127.0.0.1:50051 on its DATABASE_URL",
  );
});

test.each([
  {
    name: "the fixed ports when nothing is set",
    env: {},
    want: { gateway: 3000, fakeOAuth: 4010, web: 5173, notes: 50051 },
  },
  {
    name: "each replaced by its variable",
    env: {
      DEV_GATEWAY_PORT: "13000",
      DEV_OAUTH_PORT: "14010",
      DEV_WEB_PORT: "15173",
      DEV_NOTES_PORT: "15051",
    },
    want: { gateway: 13000, fakeOAuth: 14010, web: 15173, notes: 15051 },
  },
  {
    name: "an empty variable as unset",
    env: { DEV_GATEWAY_PORT: "" },
    want: { gateway: 3000, fakeOAuth: 4010, web: 5173, notes: 50051 },
  },
])("dev ports: $name", ({ env, want }) => {
  const { ports, services } = devPorts(env, [notes]);
  expect({ ...ports, notes: services[0]?.port }).toEqual(want);
});

test("a service with a dash in its name takes DEV_<NAME>_PORT with an underscore", () => {
  const { services } = devPorts({ DEV_SHOPPING_LIST_PORT: "16000" }, [
    entry("shopping-list", 50070),
  ]);
  expect(services[0]?.port).toBe(16000);
});

test.each(["0", "70000", "3000.5", "http"])("dev ports refuse %p", (value) => {
  expect(() => devPorts({ DEV_WEB_PORT: value }, [])).toThrow(
    `DEV_WEB_PORT: expected a port from 1 to 65535, got ${value}`,
  );
});
