import { Elysia } from "elysia";
import type { GatewayConfig } from "../config.ts";
import { badRequest, forbidden, payloadTooLarge, unsupportedMediaType } from "../errors.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Checks every request before routing: body size, cross-site requests (CSRF), JSON content
 * type, and CORS for the origins allowed by config (none by default: the app is same-origin).
 */
export function requestGuards(
  config: Pick<GatewayConfig, "appOrigin" | "corsOrigins" | "bodyLimitBytes">,
) {
  const corsOrigins = new Set(config.corsOrigins);
  return new Elysia({ name: "request-guards" })
    .onParse({ as: "global" }, ({ request, contentType }) =>
      /^application\/json/i.test(contentType)
        ? readJson(request, config.bodyLimitBytes)
        : undefined,
    )
    .onRequest(({ request, set }) => {
      const origin = request.headers.get("origin");
      if (origin !== null && corsOrigins.has(origin)) {
        set.headers["access-control-allow-origin"] = origin;
        set.headers["access-control-allow-credentials"] = "true";
        set.headers.vary = "Origin";
        if (request.method === "OPTIONS") {
          set.headers["access-control-allow-methods"] = "GET, POST, PATCH, DELETE";
          set.headers["access-control-allow-headers"] = "content-type, idempotency-key";
          set.headers["access-control-max-age"] = "600";
          set.status = 204;
          return "";
        }
      }
      if (SAFE_METHODS.has(request.method)) {
        return;
      }
      refuseCrossSite(request, config.appOrigin, corsOrigins);
      refuseOversized(request, config.bodyLimitBytes);
      refuseNonJson(request);
    });
}

/**
 * Browsers send Sec-Fetch-Site on every request; where it is absent (older browsers, other
 * clients) the Origin must be ours. A request with neither is refused: a state change needs
 * proof of where it came from. Allowed CORS origins pass.
 */
function refuseCrossSite(request: Request, appOrigin: string, corsOrigins: Set<string>): void {
  const site = request.headers.get("sec-fetch-site");
  const origin = request.headers.get("origin");
  if (origin !== null && corsOrigins.has(origin)) {
    return;
  }
  if (site !== null ? site === "same-origin" : origin === appOrigin) {
    return;
  }
  throw forbidden("cross-site request refused: send it from the app's own origin");
}

/**
 * JSON bodies, counted in bytes as they arrive: Content-Length can be absent (chunked), and
 * Bun's own maxRequestBodySize answers with a bare 413 rather than our JSON error.
 */
async function readJson(request: Request, limit: number): Promise<unknown> {
  const bytes = await request.arrayBuffer();
  if (bytes.byteLength > limit) {
    throw payloadTooLarge(`body: larger than ${limit} bytes`);
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw badRequest("body: malformed JSON");
  }
}

function refuseOversized(request: Request, limit: number): void {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > limit) {
    throw payloadTooLarge(`body: larger than ${limit} bytes`);
  }
}

/** The API speaks JSON only; a form post cannot reach it by accident or by a CSRF trick. */
function refuseNonJson(request: Request): void {
  const hasBody = request.body !== null || Number(request.headers.get("content-length") ?? 0) > 0;
  const type = request.headers.get("content-type") ?? "";
  if (hasBody && !/^application\/json\s*(;|$)/i.test(type)) {
    throw unsupportedMediaType("body: send application/json");
  }
}
