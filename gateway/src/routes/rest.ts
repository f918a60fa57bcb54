import type { Logger } from "@trellis/service-kit";
import { Elysia } from "elysia";
import type { SetCookieHeaders } from "../auth/cookies.ts";
import { sessionResolver } from "../auth/session.ts";
import type { SessionValidator } from "../auth/session-cache.ts";
import type { GatewayConfig } from "../config.ts";
import { badRequest, type HttpError, internalError, methodNotAllowed, noRoute } from "../errors.ts";
import { limitPerAddress } from "../http/address-rate-limit.ts";
import { idempotencyKeyOf } from "../http/idempotency-key.ts";
import { callWithin, type UpstreamLimits } from "../http/in-flight-limit.ts";
import type { RateLimiter } from "../http/rate-limiter.ts";
import { setRequestRoute } from "../http/request-context.ts";
import { limitPerSession } from "../http/session-rate-limit.ts";
import { elysiaPathsOf } from "../rest/elysia-paths.ts";
import { queryToFields } from "../rest/query-fields.ts";
import type { RawClient } from "../rest/raw-clients.ts";
import type { RestApi, RestRoute } from "../rest/rest-api.ts";
import { createRouter, type Router } from "../rest/router.ts";
import { encodeRequest } from "../rest/transcode/encode-request.ts";
import { writeResponseBody } from "../rest/transcode/write-response.ts";

export interface RestDeps {
  rest: Pick<RestApi, "routes">;
  /** By full service name: createRawClients. */
  restClients: ReadonlyMap<string, RawClient>;
  sessions: SessionValidator;
  config: Pick<GatewayConfig, "appOrigin" | "trustProxy">;
  /** UPSTREAM_MAX_IN_FLIGHT's bound of each service, shared with the gateway's other calls. */
  limits: UpstreamLimits;
  sessionLimiter: RateLimiter;
  /** Per client address, on PUBLIC routes (which have no session to key on). */
  publicLimiter: RateLimiter;
  log: Logger;
}

/** What the handler reads of Elysia's context. */
interface RestContext {
  request: Request;
  server: Parameters<ReturnType<typeof limitPerAddress>>[0]["server"];
  body: unknown;
  set: { status?: number | string; headers: Record<string, string | number> & SetCookieHeaders };
}

/**
 * The configured services' REST routes (REST_SERVICES), served from their google.api.http rules
 * with the guards of the hand-written routes: the session (unless the RPC is PUBLIC, which is
 * then called as the gateway), the per-session limit, then the request transcoded to the RPC's
 * binary request and its answer to JSON. Elysia only routes by each template's literal prefix
 * (see elysia-paths.ts); the rest router picks the route, under its precedence rules.
 */
export function restRoutes(deps: RestDeps) {
  const router = createRouter(deps.rest.routes);
  const serve = restHandler(deps, router);
  const paths = new Set(elysiaPathsOf(deps.rest.routes).map(({ path }) => path));
  const verbs = new Set([...ANSWERED_VERBS, ...deps.rest.routes.map(({ verb }) => verb)]);
  let app = new Elysia({ name: "rest-routes" });
  // Every path under every verb, so that the rest router can answer 405 with Allow where the
  // path is known under another verb. Hidden from the plugin's document: routes/openapi.ts
  // adds the generated operations.
  for (const path of paths) {
    for (const verb of verbs) {
      app = app.route(verb, path, serve, { detail: { hide: true } });
    }
  }
  return app;
}

/** Verbs answered 405 (rather than 404) on a path that routes know under another verb. */
const ANSWERED_VERBS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** 405 with Allow where another verb routes `path`, else 404. HEAD is allowed wherever GET is. */
function unrouted(
  router: Router<RestRoute>,
  request: Request,
  path: string,
  set: RestContext["set"],
): HttpError {
  const allowed = router.verbsAt(path);
  if (allowed.length === 0) {
    return noRoute(request.method, path);
  }
  set.headers.allow = (allowed.includes("GET") ? [...allowed, "HEAD"].sort() : allowed).join(", ");
  return methodNotAllowed(request.method, path);
}

function restHandler(deps: RestDeps, router: Router<RestRoute>) {
  const resolveSession = sessionResolver(deps);
  const limit = limitPerSession(deps.sessionLimiter);
  const limitPublic = limitPerAddress(deps.publicLimiter, deps.config.trustProxy);
  // The context is destructured, never passed on whole: Elysia's inference (sucrose) takes a
  // context handed to a function as a use of everything, and would then build the request's
  // headers object, parse its query and its cookies for every route of the app.
  return async ({ request, server, body: parsed, set }: RestContext): Promise<RestAnswer> => {
    const url = new URL(request.url);
    // A HEAD is the GET without its body, which the server leaves out.
    const matched = router.match(request.method === "HEAD" ? "GET" : request.method, url.pathname);
    if (matched.kind === "none") {
      throw unrouted(router, request, url.pathname, set);
    }
    const { route } = matched;
    setRequestRoute(request, routeName(route.rule.pathTemplate));
    let userId: string | undefined;
    if (route.rule.access === "public") {
      await limitPublic({ request, server, set });
    } else {
      const { user, sessionToken } = await resolveSession({ request, set });
      await limit({ sessionToken, set });
      userId = user.id;
    }
    if (matched.kind === "invalid") {
      throw badRequest(matched.error.message);
    }
    const idempotencyKey = idempotencyKeyOf(request);
    const query = queryToFields(url.search.slice(1), { bound: route.bound, body: route.rule.body });
    if (!query.ok) {
      throw badRequest(query.error.message);
    }
    const body = request.headers.get("content-type") === null ? undefined : parsed;
    const encoded = encodeRequest(route.rule, {
      bindings: matched.bindings,
      query: query.fields,
      body,
    });
    if (!encoded.ok) {
      throw badRequest(encoded.error.message);
    }
    const client = deps.restClients.get(route.service);
    if (client === undefined) {
      throw internalError();
    }
    const settings = idempotencyKey === undefined ? { userId } : { userId, idempotencyKey };
    // Past the service's bound: 503 + Retry-After at once, and the service is not called.
    const answer = await callWithin(deps.limits.of(route.service), () =>
      client.call(route.rule.method, encoded.bytes, settings),
    );
    return respond(deps.log, route, answer, set);
  };
}

function respond(
  log: Logger,
  route: RestRoute,
  answer: Uint8Array,
  set: RestContext["set"],
): RestAnswer {
  const written = writeResponseBody(route.rule, answer);
  if (!written.ok) {
    log.error({ rpc: route.rule.method, reason: written.message }, "cannot answer a REST call");
    throw internalError();
  }
  set.status = written.status;
  if (written.body === null) {
    return null;
  }
  // The JSON's bytes, written from the binary answer in one pass (binary-json/stream-json.ts):
  // no object for Elysia to stringify (bench/investigations/list-create, "JSON bytes"). The
  // content type is Response.json's, which these answers had before.
  set.headers["content-type"] = "application/json;charset=utf-8";
  return written.body;
}

/** What the handler returns to Elysia: the JSON body's bytes, or no body. */
type RestAnswer = Uint8Array | null;

/** A template as the span and log name it, in Elysia's style: `/api/notes/{id}` is `/api/notes/:id`. */
function routeName(pathTemplate: string): string {
  return pathTemplate.replace(/\{([^}=]+)(=[^}]*)?\}/g, ":$1");
}
