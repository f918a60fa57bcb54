import { expect, test } from "bun:test";
import type { HealthStatus } from "@trellis/service-kit";
import { testApp } from "../testing/test-app.ts";

type State = HealthStatus | Error;
const cases: { name: string; states: { identity: State; notes: State }; want: number }[] = [
  { name: "both services serving", states: { identity: "SERVING", notes: "SERVING" }, want: 200 },
  { name: "notes draining", states: { identity: "SERVING", notes: "NOT_SERVING" }, want: 503 },
  {
    name: "identity unreachable",
    states: { identity: new Error("down"), notes: "SERVING" },
    want: 503,
  },
];

test.each(cases)(
  "/readyz with $name answers $want and names each service",
  async ({ states, want }) => {
    const { deps } = testApp();
    const byAddress: Record<string, HealthStatus | Error | undefined> = {
      [deps.config.identityAddress]: states.identity,
      [deps.config.notesAddress]: states.notes,
    };
    const { request } = testApp({
      probe: async (address) => {
        const state = byAddress[address];
        if (state === undefined || state instanceof Error) {
          throw state ?? new Error("unknown address");
        }
        return state;
      },
    });

    const response = await request("/readyz");
    const body = (await response.json()) as { services: Record<string, string> };

    expect(response.status).toBe(want);
    expect(body.services).toEqual({
      identity: states.identity instanceof Error ? "UNREACHABLE" : states.identity,
      notes: states.notes instanceof Error ? "UNREACHABLE" : states.notes,
    });
  },
);

test("/healthz answers while services are down", async () => {
  const { request } = testApp({ probe: () => Promise.reject(new Error("down")) });
  expect((await request("/healthz")).status).toBe(200);
});

test("/openapi.json describes the notes API and the cookie session", async () => {
  const { request } = testApp();

  const document = (await (await request("/openapi.json")).json()) as {
    paths: Record<string, unknown>;
    components: { securitySchemes: Record<string, unknown> };
  };

  expect(Object.keys(document.paths)).toEqual(
    expect.arrayContaining(["/api/me", "/api/notes", "/api/notes/{id}", "/auth/logout"]),
  );
  expect(document.components.securitySchemes.session).toEqual({
    type: "apiKey",
    in: "cookie",
    name: "__Host-session",
  });
});
