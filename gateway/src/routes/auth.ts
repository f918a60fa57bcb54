import type { Logger } from "@trellis/service-kit";
import { Elysia, t } from "elysia";
import { type AuditLog, auditLog } from "../auth/audit.ts";
import { clearCookie, cookieNames, readCookie, setCookie } from "../auth/cookies.ts";
import { decodePendingLogin, encodePendingLogin, loginCookieTtlMs } from "../auth/login-cookie.ts";
import { LoginError } from "../auth/login-error.ts";
import type { OAuthProviders } from "../auth/oauth-provider.ts";
import { type ProviderName, providerNames } from "../auth/provider-names.ts";
import { safeReturnTo } from "../auth/return-to.ts";
import type { SessionValidator } from "../auth/session-cache.ts";
import { signOut, signOutEverywhere } from "../auth/sign-out.ts";
import type { IdentityClient } from "../clients.ts";
import { type GatewayConfig, isSecureOrigin } from "../config.ts";

import { badRequest, HttpError, tooManyRequests, unauthorized } from "../errors.ts";
import { clientAddress } from "../http/client-address.ts";
import { clientKey } from "../http/client-key.ts";
import { setRateLimitHeaders } from "../http/rate-limit-headers.ts";
import type { RateLimiter } from "../http/rate-limiter.ts";
import { requestIdOf } from "../http/request-context.ts";
import {
  isPageLoad,
  loginHttpError,
  logLoginFailure,
  signInErrorCode,
  signInErrorPage,
} from "./sign-in-failure.ts";

export interface AuthRouteDeps {
  config: Pick<GatewayConfig, "appOrigin" | "trustProxy">;
  providers: OAuthProviders;
  identity: IdentityClient;
  /** Told of every session this gateway ends, so that its cache drops it at once. */
  sessions: SessionValidator;
  limiter: RateLimiter;
  log: Logger;
}

const providerParam = t.Object({ provider: t.String() });

/** Sign-in through an OAuth provider, and sign-out (of this browser, or everywhere). */
export function authRoutes(deps: AuthRouteDeps) {
  const names = cookieNames(deps.config);
  const secure = isSecureOrigin(deps.config);
  const configured = providerNames.filter((name) => deps.providers[name] !== undefined);
  const providerOf = (name: string) => {
    const provider = deps.providers[name as ProviderName];
    if (provider === undefined) {
      throw new HttpError(404, "NOT_FOUND", `unknown sign-in provider "${name.slice(0, 40)}"`);
    }
    return provider;
  };
  const audit = auditLog(deps.log);
  const failed = signInFailed(deps.log, audit);
  const signOutDeps = { identity: deps.identity, sessions: deps.sessions, audit };

  return new Elysia({ prefix: "/auth", detail: { tags: ["auth"] } })
    .get(
      "/providers",
      ({ set }) => {
        set.headers["cache-control"] = "no-store";
        return { providers: configured };
      },
      {
        response: t.Object({ providers: t.Array(t.UnionEnum(providerNames)) }),
        // Registered before the rate limit below: showing the sign-in page is not an attempt.
        detail: { summary: "The sign-in providers offered (dev only in development)" },
      },
    )
    .onBeforeHandle(async ({ request, server, set }) => {
      set.headers["cache-control"] = "no-store";
      const address = clientAddress(request, server, deps.config.trustProxy);
      const decision = await deps.limiter.hit(clientKey(address));
      setRateLimitHeaders(set.headers, deps.limiter.policy, decision);
      if (!decision.allowed) {
        if (isPageLoad(request)) {
          return seeOther(signInErrorPage("rate_limited"));
        }
        throw tooManyRequests("too many sign-in attempts; wait a minute");
      }
    })
    .get(
      "/:provider/login",
      async ({ params, query, cookie, redirect, request }) => {
        try {
          const provider = providerOf(params.provider);
          const { url, attempt } = await provider.start();
          const pending = {
            ...attempt,
            provider: provider.name,
            returnTo: safeReturnTo(query.returnTo, deps.config.appOrigin),
          };
          setCookie(cookie, names.login, encodePendingLogin(pending), {
            expires: new Date(Date.now() + loginCookieTtlMs),
            secure,
          });
          return redirect(url.toString(), 302);
        } catch (error) {
          return failed(request, error, params.provider);
        }
      },
      {
        params: providerParam,
        query: t.Object({ returnTo: t.Optional(t.String()) }),
        detail: { summary: "Start signing in: redirects to the provider" },
      },
    )
    .get(
      "/:provider/callback",
      async ({ params, request, cookie, redirect }) => {
        try {
          const provider = providerOf(params.provider);
          // Single use: the pending login is cleared whatever happens next.
          const pending = decodePendingLogin(readCookie(cookie, names.login));
          clearCookie(cookie, names.login, secure);
          if (pending === null || pending.provider !== provider.name) {
            throw badRequest("sign-in expired or started in another browser; start again");
          }
          const profile = await provider.finish(new URL(request.url), pending);
          const previous = readCookie(cookie, names.session);
          const login = await deps.identity.completeOAuthLogin({
            provider: provider.name,
            providerUserId: profile.providerUserId,
            name: profile.name,
            email: profile.email,
            avatarUrl: profile.avatarUrl,
          });
          if (previous !== null) {
            // A new sign-in never keeps a session the browser already had (no fixation).
            await deps.sessions.end(previous, () =>
              deps.identity.deleteSession({ sessionToken: previous }).catch(() => undefined),
            );
          }
          setCookie(cookie, names.session, login.sessionToken, {
            expires: login.sessionExpireTime ?? new Date(Date.now() + 86_400_000),
            secure,
          });
          audit.signedIn(request, {
            userId: login.user?.id ?? "",
            token: login.sessionToken,
            provider: provider.name,
            newUser: login.newUser,
          });
          // Checked again: the login cookie is only base64 JSON, not signed, so its returnTo
          // is input too (and one set by an older gateway was checked by older rules).
          return redirect(safeReturnTo(pending.returnTo, deps.config.appOrigin), 302);
        } catch (error) {
          return failed(request, error, params.provider);
        }
      },
      { params: providerParam, detail: { summary: "The provider's redirect back" } },
    )
    .post(
      "/logout",
      async ({ cookie, set, request }) => {
        const token = readCookie(cookie, names.session);
        if (token !== null) {
          await signOut(signOutDeps, token, request);
        }
        clearCookie(cookie, names.session, secure);
        set.status = 204;
        return null;
      },
      { detail: { summary: "Sign out: deletes the session and expires the cookie" } },
    )
    .post(
      "/logout-everywhere",
      async ({ cookie, set, request }) => {
        const token = readCookie(cookie, names.session);
        if (token === null || !(await signOutEverywhere(signOutDeps, token, request))) {
          throw unauthorized();
        }
        clearCookie(cookie, names.session, secure);
        set.status = 204;
        return null;
      },
      {
        detail: {
          summary: "Sign out everywhere: ends every session of the signed-in user",
          description:
            "Other browsers and devices are signed out on their next request (through another " +
            "gateway replica, within SESSION_CACHE_TTL_MS).",
        },
      },
    );
}

/**
 * A failed sign-in step. A page load is sent to the app's sign-in page with a code saying why;
 * an API client gets the JSON error. A provider's own failure is logged with its cause.
 */
function signInFailed(
  log: Logger,
  audit: AuditLog,
): (request: Request, error: unknown, provider: string) => Response {
  return (request, error, provider) => {
    const known = providerNames.find((name) => name === provider) ?? "unknown";
    audit.signInFailed(request, { provider: known, reason: signInErrorCode(error) });
    if (error instanceof LoginError) {
      logLoginFailure(log, provider, error);
    }
    if (!isPageLoad(request)) {
      throw error instanceof LoginError ? loginHttpError(error) : error;
    }
    const code = signInErrorCode(error);
    if (code === "internal") {
      // Not thrown, so the error hook that logs failures never sees it: log it here.
      log.error({ request_id: requestIdOf(request), err: error }, "sign-in failed");
    }
    return seeOther(signInErrorPage(code));
  };
}

function seeOther(location: string): Response {
  return new Response(null, { status: 302, headers: { location } });
}
