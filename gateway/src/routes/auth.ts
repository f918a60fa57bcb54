import type { Logger } from "@trellis/service-kit";
import { type Context, Elysia, t } from "elysia";
import { type AuditLog, auditLog } from "../auth/audit.ts";
import {
  clearCookie,
  cookieNames,
  readCookie,
  type SetCookieHeaders,
  setCookie,
} from "../auth/cookies.ts";
import { decodePendingLogin, encodePendingLogin, loginCookieTtlMs } from "../auth/login-cookie.ts";
import type { OAuthProvider, OAuthProviders, ProviderProfile } from "../auth/oauth-provider.ts";
import { isProviderName, type ProviderName, providerNames } from "../auth/provider-names.ts";
import { safeReturnTo } from "../auth/return-to.ts";
import type { SessionValidator } from "../auth/session-cache.ts";
import { type SignInFailure, signInErrorPage, signInFailed } from "../auth/sign-in-failure.ts";
import { type SignOutDeps, signOut, signOutEverywhere } from "../auth/sign-out.ts";
import type { IdentityClient } from "../clients.ts";
import { type GatewayConfig, isSecureOrigin } from "../config.ts";
import { badRequest, notFound, tooManyRequests, unauthorized } from "../errors.ts";
import { clientAddress } from "../http/client-address.ts";
import { clientKey } from "../http/client-key.ts";
import { isPageLoad } from "../http/page-load.ts";
import { setRateLimitHeaders } from "../http/rate-limit-headers.ts";
import type { RateLimiter } from "../http/rate-limiter.ts";
import { redirectTo } from "../http/redirect.ts";
import { authResponses } from "../openapi/auth-responses.ts";

export interface AuthRouteDeps {
  config: Pick<GatewayConfig, "appOrigin" | "trustProxy">;
  providers: OAuthProviders;
  identity: IdentityClient;
  /** Told of every session this gateway ends, so that its cache drops it at once. */
  sessions: SessionValidator;
  limiter: RateLimiter;
  log: Logger;
}

/** What the /auth handlers share, made once with the routes. */
interface AuthHandlerDeps extends AuthRouteDeps {
  names: { session: string; login: string };
  secure: boolean;
  audit: AuditLog;
  signOutDeps: SignOutDeps;
  failed: SignInFailure;
}

type ProviderStep = Pick<Context, "redirect" | "request" | "set"> & {
  params: { provider: string };
};

const providerParam = t.Object({ provider: t.String() });

/** Sign-in through an OAuth provider, and sign-out (of this browser, or everywhere). */
export function authRoutes(deps: AuthRouteDeps) {
  const handlerDeps = authHandlerDeps(deps);
  return new Elysia({ prefix: "/auth", detail: { tags: ["auth"] } })
    .get("/providers", listProviders(deps.providers), {
      response: t.Object({ providers: t.Array(t.UnionEnum(providerNames)) }),
      // Registered before the rate limit below: showing the sign-in page is not an attempt.
      detail: { summary: "The sign-in providers offered (dev only in development)" },
    })
    .onBeforeHandle(limitSignInAttempts(deps))
    .get("/:provider/login", startSignIn(handlerDeps), {
      params: providerParam,
      query: t.Object({ returnTo: t.Optional(t.String()) }),
      detail: {
        summary: "Start signing in: redirects to the provider",
        responses: authResponses.login,
      },
    })
    .get("/:provider/callback", finishSignIn(handlerDeps), {
      params: providerParam,
      detail: { summary: "The provider's redirect back", responses: authResponses.callback },
    })
    .post("/logout", logOut(handlerDeps), {
      detail: {
        summary: "Sign out: deletes the session and expires the cookie",
        responses: authResponses.logout,
      },
    })
    .post("/logout-everywhere", logOutEverywhere(handlerDeps), {
      detail: {
        summary: "Sign out everywhere: ends every session of the signed-in user",
        responses: authResponses.logoutEverywhere,
        description:
          "Other browsers and devices are signed out on their next request (through another " +
          "gateway replica: within a second with SHARED_STATE_URL, else SESSION_CACHE_TTL_MS).",
      },
    });
}

function authHandlerDeps(deps: AuthRouteDeps): AuthHandlerDeps {
  const audit = auditLog(deps.log);
  return {
    ...deps,
    names: cookieNames(deps.config),
    secure: isSecureOrigin(deps.config),
    audit,
    signOutDeps: { identity: deps.identity, sessions: deps.sessions, audit },
    failed: signInFailed(deps.log, audit),
  };
}

/** GET /auth/providers: the configured ones, in the sign-in page's order. */
function listProviders(providers: OAuthProviders) {
  const configured = providerNames.filter((name) => providers[name] !== undefined);
  return ({ set }: Pick<Context, "set">): { providers: ProviderName[] } => {
    set.headers["cache-control"] = "no-store";
    return { providers: configured };
  };
}

/** Every other /auth route spends the client address's quota; a browser over it lands on /signin. */
function limitSignInAttempts(deps: Pick<AuthRouteDeps, "config" | "limiter">) {
  return async ({ request, server, set }: Pick<Context, "request" | "server" | "set">) => {
    set.headers["cache-control"] = "no-store";
    const address = clientAddress(request, server, deps.config.trustProxy);
    const decision = await deps.limiter.hit(clientKey(address));
    setRateLimitHeaders(set.headers, deps.limiter.policy, decision);
    if (!decision.allowed) {
      if (isPageLoad(request)) {
        return redirectTo(signInErrorPage("rate_limited"));
      }
      throw tooManyRequests("too many sign-in attempts; wait a minute");
    }
  };
}

/** GET /auth/:provider/login: remembers the attempt in the login cookie, then off to the provider. */
function startSignIn(deps: AuthHandlerDeps) {
  return async ({
    params,
    query,
    redirect,
    request,
    set,
  }: ProviderStep & { query: { returnTo?: string } }) => {
    try {
      const provider = providerNamed(deps.providers, params.provider);
      const { url, attempt } = await provider.start();
      const pending = {
        ...attempt,
        provider: provider.name,
        returnTo: safeReturnTo(query.returnTo, deps.config.appOrigin),
      };
      setCookie(set.headers, deps.names.login, encodePendingLogin(pending), {
        expires: new Date(Date.now() + loginCookieTtlMs),
        secure: deps.secure,
      });
      return redirect(url.toString(), 302);
    } catch (error) {
      return deps.failed(request, error, params.provider);
    }
  };
}

/** GET /auth/:provider/callback: the provider vouches for the user; identity starts a session. */
function finishSignIn(deps: AuthHandlerDeps) {
  return async ({ params, request, redirect, set }: ProviderStep) => {
    try {
      const provider = providerNamed(deps.providers, params.provider);
      const pending = takePendingLogin(deps, { request, headers: set.headers }, provider.name);
      const profile = await provider.finish(new URL(request.url), pending);
      await startSession(deps, { provider, profile, request, headers: set.headers });
      // Checked again: the login cookie is only base64 JSON, not signed, so its returnTo
      // is input too (and one set by an older gateway was checked by older rules).
      return redirect(safeReturnTo(pending.returnTo, deps.config.appOrigin), 302);
    } catch (error) {
      return deps.failed(request, error, params.provider);
    }
  };
}

/** The attempt this browser started with `provider`. Single use: cleared whatever happens next. */
function takePendingLogin(
  deps: AuthHandlerDeps,
  step: { request: Request; headers: SetCookieHeaders },
  provider: ProviderName,
) {
  const pending = decodePendingLogin(readCookie(step.request, deps.names.login));
  clearCookie(step.headers, deps.names.login, deps.secure);
  if (pending === null || pending.provider !== provider) {
    throw badRequest("sign-in expired or started in another browser; start again");
  }
  return pending;
}

/** Signs the profile's user in at identity and sets the session cookie. */
async function startSession(
  deps: AuthHandlerDeps,
  signIn: {
    provider: OAuthProvider;
    profile: ProviderProfile;
    request: Request;
    headers: SetCookieHeaders;
  },
): Promise<void> {
  const { provider, profile, request, headers } = signIn;
  const previous = readCookie(request, deps.names.session);
  if (previous !== null) {
    // A new sign-in never keeps a session the browser already had (no fixation). Ended first,
    // and a failure fails the sign-in: identity answers OK for any token it does not know, so
    // an error means it could not delete one it may hold (down, or the call shed).
    await deps.sessions.end(previous, () =>
      deps.identity.deleteSession({ sessionToken: previous }),
    );
  }
  const login = await deps.identity.completeOAuthLogin({
    provider: provider.name,
    providerUserId: profile.providerUserId,
    name: profile.name,
    email: profile.email,
    avatarUrl: profile.avatarUrl,
  });
  setCookie(headers, deps.names.session, login.sessionToken, {
    expires: login.sessionExpireTime ?? new Date(Date.now() + 86_400_000),
    secure: deps.secure,
  });
  deps.audit.signedIn(request, {
    userId: login.user?.id ?? "",
    token: login.sessionToken,
    provider: provider.name,
    newUser: login.newUser,
  });
}

/** POST /auth/logout: 204 whether or not the browser had a session. */
function logOut(deps: AuthHandlerDeps) {
  return async ({ set, request }: Pick<Context, "set" | "request">) => {
    const token = readCookie(request, deps.names.session);
    if (token !== null) {
      await signOut(deps.signOutDeps, token, request);
    }
    clearCookie(set.headers, deps.names.session, deps.secure);
    set.status = 204;
    return null;
  };
}

/** POST /auth/logout-everywhere: 204, or 401 without a live session. */
function logOutEverywhere(deps: AuthHandlerDeps) {
  return async ({ set, request }: Pick<Context, "set" | "request">) => {
    const token = readCookie(request, deps.names.session);
    if (token === null || !(await signOutEverywhere(deps.signOutDeps, token, request))) {
      throw unauthorized();
    }
    clearCookie(set.headers, deps.names.session, deps.secure);
    set.status = 204;
    return null;
  };
}

function providerNamed(providers: OAuthProviders, name: string): OAuthProvider {
  // A plain object: without the name check, `constructor` or `__proto__` would find a built-in.
  const provider = isProviderName(name) ? providers[name] : undefined;
  if (provider === undefined) {
    throw notFound(`unknown sign-in provider "${name.slice(0, 40)}"`);
  }
  return provider;
}
