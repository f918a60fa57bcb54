import type { Cookie } from "elysia";
import { type GatewayConfig, isSecureOrigin } from "../config.ts";

export type CookieJar = Record<string, Cookie<unknown>>;

/** Cookie names: `__Host-` binds a cookie to this exact origin, so it needs https. */
export function cookieNames(config: Pick<GatewayConfig, "appOrigin">): {
  session: string;
  login: string;
} {
  const prefix = isSecureOrigin(config) ? "__Host-" : "";
  return { session: `${prefix}session`, login: `${prefix}login` };
}

/** Sets an HttpOnly, SameSite=Lax, Path=/ cookie; Secure whenever the app is on https. */
export function setCookie(
  jar: CookieJar,
  name: string,
  value: string,
  options: { expires: Date; secure: boolean },
): void {
  jar[name]?.set({
    value,
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: options.secure,
    expires: options.expires,
  });
}

/** Expires a cookie in the browser (same attributes, so the browser matches it). */
export function clearCookie(jar: CookieJar, name: string, secure: boolean): void {
  setCookie(jar, name, "", { expires: new Date(0), secure });
}

/** A cookie's raw string value, or null. Elysia parses JSON-looking values; tokens are not. */
export function readCookie(jar: CookieJar, name: string): string | null {
  const value = jar[name]?.value;
  return typeof value === "string" && value !== "" ? value : null;
}
