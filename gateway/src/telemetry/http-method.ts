const KNOWN_METHODS = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "CONNECT",
  "OPTIONS",
  "TRACE",
  "PATCH",
]);

/**
 * http.request.method as the HTTP semantic conventions want it: the method when it is one of
 * HTTP's own, else `_OTHER`, so that a client cannot make up a span name or a metric series.
 */
export function knownMethod(method: string): string {
  return KNOWN_METHODS.has(method) ? method : "_OTHER";
}
