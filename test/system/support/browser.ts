import { approveSignIn, type SignInIdentity } from "@trellis/gateway/fake-provider/sign-in";
import type { ProviderName } from "@trellis/gateway/provider-names";
import { type CookieJar, createCookieJar } from "./cookie-jar.ts";

export type { ProviderName };

export interface ApiInit extends RequestInit {
  /** Sent as an application/json body. */
  json?: unknown;
  /** The Origin header: the gateway's own by default, null for none. */
  origin?: string | null;
  /** Send the jar's cookies (default true). Set-Cookie answers are stored either way. */
  cookies?: boolean;
}

/** One browser: a cookie jar and the requests it makes to the gateway. */
export interface Browser {
  jar: CookieJar;
  /** A request to the gateway that follows no redirects; `path` may be a full gateway URL. */
  api(path: string, init?: ApiInit): Promise<Response>;
  /** GET /auth/<provider>/login: the response and the provider URL it redirects to. */
  startLogin(
    provider: ProviderName,
    options?: { returnTo?: string },
  ): Promise<{ response: Response; authorizeUrl: string }>;
  /** Signs in at the fake provider and follows it back: returns the gateway callback's answer. */
  login(
    provider: ProviderName,
    identity?: SignInIdentity,
    options?: { returnTo?: string },
  ): Promise<Response>;
  /** `login`, checked to succeed: returns the new session token. */
  signIn(provider: ProviderName, identity?: SignInIdentity): Promise<string>;
}

export function createBrowser(gatewayUrl: string): Browser {
  const jar = createCookieJar();
  const api = browserApi(gatewayUrl, jar);

  const startLogin: Browser["startLogin"] = async (provider, options = {}) => {
    const query = options.returnTo === undefined ? "" : `?${new URLSearchParams(options)}`;
    const response = await api(`/auth/${provider}/login${query}`, { origin: null });
    const authorizeUrl = response.headers.get("location");
    if (response.status !== 302 || authorizeUrl === null) {
      throw new Error(`login start answered ${response.status}: ${await response.text()}`);
    }
    return { response, authorizeUrl };
  };

  const login: Browser["login"] = async (provider, identity, options) => {
    const { authorizeUrl } = await startLogin(provider, options);
    const callbackUrl = await approveSignIn(authorizeUrl, identity);
    return api(callbackUrl, { origin: null });
  };

  return {
    jar,
    api,
    startLogin,
    login,
    async signIn(provider, identity) {
      const response = await login(provider, identity);
      const token = jar.get("session");
      if (response.status !== 302 || token === undefined) {
        throw new Error(`sign-in answered ${response.status}: ${await response.text()}`);
      }
      return token;
    },
  };
}

/** Requests with this browser's Origin and cookies, following no redirect; answers' cookies kept. */
function browserApi(gatewayUrl: string, jar: CookieJar): Browser["api"] {
  return async (path: string, init: ApiInit = {}): Promise<Response> => {
    const { json, origin = gatewayUrl, cookies = true, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (origin !== null && !headers.has("origin")) {
      headers.set("origin", origin);
    }
    const cookie = jar.header();
    if (cookies && cookie !== null && !headers.has("cookie")) {
      headers.set("cookie", cookie);
    }
    let body = rest.body;
    if (json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(json);
    }
    const response = await fetch(new URL(path, gatewayUrl), {
      ...rest,
      headers,
      body,
      redirect: "manual",
    });
    jar.store(response);
    return response;
  };
}
