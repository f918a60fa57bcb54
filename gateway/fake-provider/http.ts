// Response builders shared by the three providers, so every error has the same shape.

const NO_STORE = { "cache-control": "no-store" };

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...NO_STORE, ...headers } });
}

/** An RFC 6749 5.2 error: `{ error, error_description }`. */
export function oauthError(status: 400 | 401, error: string, description: string): Response {
  return json({ error, error_description: description }, status);
}

export function html(body: string, status = 200): Response {
  return new Response(body, {
    status,
    headers: {
      ...NO_STORE,
      "content-type": "text/html; charset=utf-8",
      // The page runs no script and may not be framed (clickjacking a consent button).
      "content-security-policy":
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    },
  });
}

export function redirect(location: URL): Response {
  return new Response(null, { status: 302, headers: { ...NO_STORE, location: location.href } });
}

/** Reads an application/x-www-form-urlencoded body; null for any other content type. */
export async function readForm(request: Request): Promise<URLSearchParams | null> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    return null;
  }
  return new URLSearchParams(await request.text());
}
