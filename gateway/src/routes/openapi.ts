import { openapi } from "@elysiajs/openapi";
import { type GatewayConfig, isSecureOrigin } from "../config.ts";

/** GET /openapi.json: the OpenAPI 3.1 document of every route registered after this one. */
export function openApiRoutes(config: Pick<GatewayConfig, "appOrigin">) {
  return openapi({
    // The reference UI is ours (routes/docs.ts): the plugin's loads its script from a CDN.
    provider: null,
    path: "/docs",
    specPath: "/openapi.json",
    exclude: { paths: ["/docs", "/openapi.json"] },
    documentation: {
      info: {
        title: "Trellis API",
        version: "0.1.0",
        description:
          "Sign in at /auth/{provider}/login; the session cookie then authorizes /api. " +
          "Unsafe methods must come from the app's own origin (Sec-Fetch-Site or Origin).",
      },
      components: {
        securitySchemes: {
          session: {
            type: "apiKey",
            in: "cookie",
            name: isSecureOrigin(config) ? "__Host-session" : "session",
          },
        },
      },
      security: [{ session: [] }],
    },
  });
}
