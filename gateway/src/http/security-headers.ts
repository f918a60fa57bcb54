/**
 * Headers on every answer, JSON errors and redirects included: the request context sets them
 * first thing. A Response a handler builds is not always merged with those, so the HTML headers
 * below repeat them.
 */
export const responseSecurityHeaders = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
} as const;

export interface CspOptions {
  /** Development: the fake OAuth provider serves avatars over plain http. */
  httpImages?: boolean;
  /** Vite's dev server injects component CSS as <style> elements and reloads over this socket. */
  viteHmrSocket?: string;
}

/**
 * The Content-Security-Policy of the app's HTML: scripts, styles, fonts and API calls from this
 * origin only (the build has no inline script or style), avatars from any https origin since
 * they come from the OAuth providers, no plugins, no <base> or form tricks, and no framing.
 */
export function contentSecurityPolicy(options: CspOptions = {}): string {
  const vite = options.viteHmrSocket;
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": vite ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    "img-src": ["'self'", "data:", "https:", ...(options.httpImages ? ["http:"] : [])],
    "font-src": ["'self'"],
    "connect-src": ["'self'", ...(vite ? [vite] : [])],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(" ")}`)
    .join("; ");
}

/** Headers for every HTML page of the app. */
export function htmlSecurityHeaders(csp: string): Record<string, string> {
  return {
    "content-security-policy": csp,
    // For browsers without frame-ancestors.
    "x-frame-options": "DENY",
    ...responseSecurityHeaders,
    // A window this page opens (or that opens it) gets no handle on it.
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
  };
}
