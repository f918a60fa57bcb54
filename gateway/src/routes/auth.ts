import type { Logger } from "@trellis/service-kit";
import { Elysia, t } from "elysia";
import { clearCookie, cookieNames, readCookie, setCookie } from "../auth/cookies.ts";
import {
  decodePendingLogin,
  encodePendingLogin,
  loginCookieTtlMs,
  safeReturnTo,
} from "../auth/login-cookie.ts";
import { LoginError, type OAuthProviders } from "../auth/provider.ts";
import type { RateLimiter } from "../auth/rate-limit.ts";
import type { IdentityClient } from "../clients.ts";
import { type GatewayConfig, isSecureOrigin, type ProviderName } from "../config.ts";
import { badRequest, HttpError } from "../errors.ts";
import { clientAddress } from "../http/client-address.ts";

export interface AuthRouteDeps {
  config: Pick<GatewayConfig, "appOrigin" | "trustProxy">;
  providers: OAuthProviders;
  identity: IdentityClient;
  limiter: RateLimiter;
  log: Logger;
}

const providerParam = t.Object({ provider: t.String() });

/** Sign-in through an OAuth provider, and sign-out. */
export function authRoutes(deps: AuthRouteDeps) {
  const names = cookieNames(deps.config);
  const secure = isSecureOrigin(deps.config);
  const providerOf = (name: string) => {
    const provider = deps.providers[name as ProviderName];
    if (provider === undefined) {
      throw new HttpError(404, "NOT_FOUND", `unknown sign-in provider "${name.slice(0, 40)}"`);
    }
    return provider;
  };

  return new Elysia({ prefix: "/auth", detail: { tags: ["auth"] } })
    .onBeforeHandle(({ request, server, set }) => {
      const retryAfter = deps.limiter.hit(clientAddress(request, server, deps.config.trustProxy));
      if (retryAfter !== null) {
        set.headers["retry-after"] = String(retryAfter);
        throw new HttpError(429, "RESOURCE_EXHAUSTED", "too many sign-in attempts; wait a minute");
      }
      set.headers["cache-control"] = "no-store";
    })
    .get(
      "/:provider/login",
      async ({ params, query, cookie, redirect }) => {
        const provider = providerOf(params.provider);
        const { url, attempt } = await provider.start().catch(loginFailed(deps.log, provider.name));
        const pending = {
          ...attempt,
          provider: provider.name,
          returnTo: safeReturnTo(query.returnTo),
        };
        setCookie(cookie, names.login, encodePendingLogin(pending), {
          expires: new Date(Date.now() + loginCookieTtlMs),
          secure,
        });
        return redirect(url.toString(), 302);
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
        const provider = providerOf(params.provider);
        // Single use: the pending login is cleared whatever happens next.
        const pending = decodePendingLogin(readCookie(cookie, names.login));
        clearCookie(cookie, names.login, secure);
        if (pending === null || pending.provider !== provider.name) {
          throw badRequest("sign-in expired or started in another browser; start again");
        }
        const profile = await provider
          .finish(new URL(request.url), pending)
          .catch(loginFailed(deps.log, provider.name));
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
          await deps.identity.deleteSession({ sessionToken: previous }).catch(() => undefined);
        }
        setCookie(cookie, names.session, login.sessionToken, {
          expires: login.sessionExpireTime ?? new Date(Date.now() + 86_400_000),
          secure,
        });
        deps.log.info({ provider: provider.name, new_user: login.newUser }, "signed in");
        return redirect(pending.returnTo, 302);
      },
      { params: providerParam, detail: { summary: "The provider's redirect back" } },
    )
    .post(
      "/logout",
      async ({ cookie, set }) => {
        const token = readCookie(cookie, names.session);
        if (token !== null) {
          await deps.identity.deleteSession({ sessionToken: token });
        }
        clearCookie(cookie, names.session, secure);
        set.status = 204;
        return null;
      },
      { detail: { summary: "Sign out: deletes the session and expires the cookie" } },
    );
}

/** A failed sign-in as the answer to the browser; a provider's own failure is logged with why. */
function loginFailed(log: Logger, provider: string): (error: unknown) => never {
  return (error) => {
    if (!(error instanceof LoginError)) {
      throw error;
    }
    if (error.kind === "exchange") {
      log.warn({ provider, err: error.cause ?? error }, "sign-in failed at the provider");
    }
    throw new HttpError(error.kind === "exchange" ? 502 : 400, "LOGIN_FAILED", error.message);
  };
}
