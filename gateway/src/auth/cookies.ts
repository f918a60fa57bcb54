import { parseCookie, stringifySetCookie } from "cookie";
import { type GatewayConfig, isSecureOrigin } from "../config.ts";

// Cookies are read from the Cookie header and written as Set-Cookie lines by hand, not through
// Elysia's cookie jar: once any hook or handler names `cookie` in its context, Elysia compiles
// a jar (a parse, a Proxy, a Cookie object per read) into every route of the app, /healthz
// included (bench/investigations/me-path). `app-compiled-routes.test.ts` keeps it that way.

/** The response headers a cookie is written to: Elysia's `set.headers`. */
export interface SetCookieHeaders {
  "set-cookie"?: string | string[];
}

/** Cookie names: `__Host-` binds a cookie to this exact origin, so it needs https. */
export function cookieNames(config: Pick<GatewayConfig, "appOrigin">): {
  session: string;
  login: string;
} {
  const prefix = isSecureOrigin(config) ? "__Host-" : "";
  return { session: `${prefix}session`, login: `${prefix}login` };
}

/**
 * A cookie's raw string value in a request, or null when absent or empty. Never JSON-parsed
 * (Elysia's jar parsed JSON-looking values; tokens must stay strings). The first of duplicate
 * names wins; a value that is not valid percent-encoding is returned as sent.
 */
export function readCookie(request: Request, name: string): string | null {
  return cookieValue(request.headers.get("cookie"), name);
}

/** `readCookie` on a Cookie header's text. */
export function cookieValue(header: string | null, name: string): string | null {
  if (header === null || !header.includes(name)) {
    return null;
  }
  const value = parseCookie(header)[name];
  return value === undefined || value === "" ? null : value;
}

/**
 * Sets an HttpOnly, SameSite=Lax, Path=/ cookie; Secure whenever the app is on https. One
 * Set-Cookie line per name: setting a name again in the same response replaces its line.
 */
export function setCookie(
  headers: SetCookieHeaders,
  name: string,
  value: string,
  options: { expires: Date; secure: boolean },
): void {
  const line = stringifySetCookie(name, value, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: options.secure,
    expires: options.expires,
  });
  // An array even for one line: Elysia then appends each as its own Set-Cookie header.
  const others = [headers["set-cookie"] ?? []].flat().filter((old) => !old.startsWith(`${name}=`));
  headers["set-cookie"] = [...others, line];
}

/** Expires a cookie in the browser (same attributes, so the browser matches it). */
export function clearCookie(headers: SetCookieHeaders, name: string, secure: boolean): void {
  setCookie(headers, name, "", { expires: new Date(0), secure });
}
