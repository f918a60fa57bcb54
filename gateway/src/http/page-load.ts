/**
 * A browser loading a page (it follows redirects and shows HTML), not an API client: a GET that
 * accepts HTML. HEAD counts too: Elysia answers it with the GET route, as the page it heads.
 */
export function isPageLoad(request: Request): boolean {
  const { method } = request;
  return (
    (method === "GET" || method === "HEAD") &&
    (request.headers.get("accept") ?? "").includes("text/html")
  );
}
