// Only what Vite needs to answer, and to let the browser revalidate: never cookies.
const FORWARDED_REQUEST_HEADERS = ["accept", "if-none-match", "if-modified-since", "user-agent"];
const FORWARDED_RESPONSE_HEADERS = ["content-type", "cache-control", "etag", "last-modified"];

/**
 * Passes a GET for the web app to Vite's dev server, so that in development the app, its
 * modules and the API share one origin (no CORS, same cookies). Hot reload itself runs over
 * Vite's WebSocket, which the browser opens to the dev server directly.
 */
export async function proxyToDevServer(devServer: string, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) {
      headers.set(name, value);
    }
  }
  // Bun's fetch decodes compressed bodies but keeps Content-Encoding: ask for none at all.
  headers.set("accept-encoding", "identity");
  let upstream: Response;
  try {
    upstream = await fetch(new URL(`${url.pathname}${url.search}`, devServer), {
      headers,
      redirect: "manual",
    });
  } catch {
    return new Response(
      `The web app's dev server is not answering at ${devServer}: start it with \`bun run dev\`.\n`,
      { status: 502, headers: { "content-type": "text/plain; charset=utf-8" } },
    );
  }
  const answer = new Headers();
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) {
      answer.set(name, value);
    }
  }
  return new Response(upstream.body, { status: upstream.status, headers: answer });
}

/** Sets `headers` on a page the dev server answered (its modules and assets get none). */
export function withHtmlHeaders(response: Response, headers: Record<string, string>): Response {
  if ((response.headers.get("content-type") ?? "").startsWith("text/html")) {
    for (const [name, value] of Object.entries(headers)) {
      response.headers.set(name, value);
    }
  }
  return response;
}
