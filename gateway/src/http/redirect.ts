/**
 * A 302 Found to `location`, as a plain Response: helpers and hooks that answer a browser have no
 * handler context to call Elysia's `redirect` from.
 */
export function redirectTo(location: string): Response {
  return new Response(null, { status: 302, headers: { location } });
}
