import { expect, test } from "bun:test";
import type { ValidateSessionRequest } from "@trellis/contracts/identity/v1";
import { outcome } from "@trellis/testing";
import { fakeSessions } from "../testing/fake-sessions.ts";
import { call } from "../testing/fixtures.ts";
import { validationCases, validationDeps } from "../testing/validation-cases.ts";
import { validateSession } from "./validate-session.ts";

test.each(validationCases)("$name", async ({ token, stored, want, wantCalls }) => {
  const sessions = fakeSessions(stored);
  const request: ValidateSessionRequest = { sessionToken: token };
  const handler = validateSession(validationDeps(sessions));
  expect(await outcome(handler(request, call()))).toEqual(want);
  expect(sessions.calls).toEqual(wantCalls);
});
