import type { DocumentDecoration } from "elysia";
import { errorResponse } from "./error-responses.ts";
import type { Response } from "./types.ts";

// What the sign-in and sign-out routes answer, for their operations in /openapi.json (written
// as `detail.responses`: these routes answer redirects and empty bodies that Elysia's response
// schemas would check for nothing). routes/openapi-answers.test.ts holds each status to a real
// request.

const shared = (status: string): Response => ({ $ref: `#/components/responses/${status}` });

const redirect = (description: string): Response => ({
  description,
  headers: {
    Location: { description: "Where the browser goes next.", schema: { type: "string" } },
  },
});

/** A browser (a page load) is never shown an error body: it is sent to the sign-in page. */
const BROWSER_FAILURE =
  "A page load that fails goes to /signin?error=<code> (expired, invalid, denied, provider, rejected, misconfigured, unavailable, rate_limited, unknown_provider, internal) instead of one of the error answers below, which an API client gets.";

const loginFailed = {
  "400": errorResponse(
    "LOGIN_FAILED or INVALID_ARGUMENT: the sign-in expired, was started in another browser, or was refused at the provider; start again.",
  ),
  "502": errorResponse(
    "LOGIN_FAILED: the provider answered badly (a failed code exchange, or an ID token refused).",
  ),
};

const signOutFailures = {
  "403": shared("403"),
  "429": shared("429"),
  "500": shared("500"),
  "503": shared("503"),
  "504": shared("504"),
};

const responses: Record<
  "login" | "callback" | "logout" | "logoutEverywhere",
  Record<string, Response>
> = {
  login: {
    "302": redirect(
      `To the provider, the attempt kept in a short-lived HttpOnly login cookie. ${BROWSER_FAILURE}`,
    ),
    "404": shared("404"),
    "429": shared("429"),
    "500": shared("500"),
    "502": loginFailed["502"],
  },
  callback: {
    "302": redirect(
      `To the page the sign-in started from, with the session cookie set (the browser's previous session ended). ${BROWSER_FAILURE}`,
    ),
    ...loginFailed,
    "404": shared("404"),
    "429": shared("429"),
    "500": shared("500"),
    "503": shared("503"),
    "504": shared("504"),
  },
  logout: {
    "204": { description: "Signed out (or had no session): the session cookie is expired." },
    ...signOutFailures,
  },
  logoutEverywhere: {
    "204": { description: "Every session of the user ended; this browser's cookie is expired." },
    "401": shared("401"),
    ...signOutFailures,
  },
};

/**
 * As Elysia's `detail` takes them. Its type is openapi-types' OpenAPI 3.0 (no "null" schema
 * type), this document's 3.1: the same objects, so the cast only changes the name.
 */
export const authResponses = responses as unknown as Record<
  keyof typeof responses,
  NonNullable<DocumentDecoration["responses"]>
>;
