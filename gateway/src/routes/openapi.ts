import { openapi } from "@elysiajs/openapi";
import { type GatewayConfig, isSecureOrigin } from "../config.ts";
import { openApiFromContracts } from "../openapi/document.ts";
import type { OpenApiDocument } from "../openapi/types.ts";
import type { RestApi } from "../rest/rest-api.ts";

const info = {
  title: "Trellis API",
  version: "0.1.0",
  description:
    "Sign in at /auth/{provider}/login; the session cookie then authorizes /api. " +
    "Unsafe methods must come from the app's own origin (Sec-Fetch-Site or Origin).",
};

/**
 * GET /openapi.json: the OpenAPI 3.1 document of every route registered after this one, with
 * the operations generated from the REST_SERVICES' contracts (openApiFromContracts) merged in.
 */
export function openApiRoutes(
  config: Pick<GatewayConfig, "appOrigin">,
  rest: Pick<RestApi, "routes" | "registry">,
) {
  const sessionCookie = isSecureOrigin(config) ? "__Host-session" : "session";
  const generated = generatedDocument(rest, sessionCookie);
  return openapi({
    // The reference UI is ours (routes/docs.ts): the plugin's loads its script from a CDN.
    provider: null,
    path: "/docs",
    specPath: "/openapi.json",
    exclude: { paths: ["/docs", "/openapi.json"] },
    documentation: {
      info,
      ...(generated === null
        ? {}
        : { tags: generated.tags, paths: generated.paths as Record<string, never> }),
      components: {
        ...(generated === null
          ? {}
          : {
              schemas: generated.components.schemas as Record<string, never>,
              responses: generated.components.responses as Record<string, never>,
            }),
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: sessionCookie },
        },
      },
      security: [{ session: [] }],
    },
  });
}

/** The configured services' operations, or null when none is configured. */
function generatedDocument(
  rest: Pick<RestApi, "routes" | "registry">,
  sessionCookie: string,
): OpenApiDocument | null {
  if (rest.routes.length === 0) {
    return null;
  }
  const rules = rest.routes.map((route) => route.rule);
  return openApiFromContracts(rules, { registry: rest.registry, info, sessionCookie });
}
