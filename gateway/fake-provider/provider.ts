import { avatarResponse } from "./avatar.ts";
import type { ProviderFaults } from "./faults.ts";
import { createGithubRoutes } from "./github.ts";
import { json } from "./http.ts";
import { defaultIdentity } from "./identity.ts";
import { createSigningKey } from "./keys.ts";
import { createOidcRoutes } from "./oidc.ts";
import { dispatch, type Routes } from "./routing.ts";

export type FakeProviderOptions = {
  /** Public origin the clients use, e.g. "http://127.0.0.1:4010", no trailing slash. */
  issuerBase: string;
  clientId: string;
  clientSecret: string;
  /** Milliseconds since the epoch; tests move it to expire codes and tokens. */
  now?: () => number;
  /** Tests only: make the OIDC providers misbehave (faults.ts). main.ts never sets it. */
  faults?: ProviderFaults;
};

export type FakeProvider = {
  fetch(request: Request): Promise<Response>;
};

/**
 * A fake GitHub (`/github`), Google (`/google`) and dev OIDC provider (`/dev`) in one fetch
 * handler. Nothing listens here: see serve.ts.
 */
export function createFakeProvider(options: FakeProviderOptions): FakeProvider {
  const now = options.now ?? Date.now;
  const client = { clientId: options.clientId, clientSecret: options.clientSecret };
  const avatar = `${options.issuerBase}/avatar.svg`;
  // Generated once, awaited by the endpoints that sign or publish: keeps this factory sync.
  const key = createSigningKey();
  const oidc = (providerName: string, prefix: string, id: string, name: string): Routes =>
    createOidcRoutes({
      providerName,
      issuer: `${options.issuerBase}${prefix}`,
      client,
      defaultIdentity: defaultIdentity(id, name, avatar),
      key,
      now,
      faults: options.faults,
    });
  const providers: [string, Routes][] = [
    [
      "/github",
      createGithubRoutes({
        client,
        defaultIdentity: defaultIdentity("1001", "Octo Dev", avatar),
        now,
      }),
    ],
    ["/google", oidc("Google", "/google", "google-user-1", "Gia Google")],
    ["/dev", oidc("Dev", "/dev", "dev-user-1", "Dev User")],
  ];
  return {
    async fetch(request) {
      try {
        return await route(providers, request);
      } catch (error) {
        // A fake may show its own failure: the message helps whoever debugs a test.
        const message = error instanceof Error ? error.message : String(error);
        return json({ error: "server_error", error_description: message }, 500);
      }
    },
  };
}

function route(providers: [string, Routes][], request: Request): Promise<Response> | Response {
  const url = new URL(request.url);
  if (url.pathname === "/avatar.svg") {
    return avatarResponse();
  }
  const match = providers.find(([prefix]) => url.pathname.startsWith(`${prefix}/`));
  if (match === undefined) {
    return json({ error: "not_found", error_description: `no endpoint at ${url.pathname}` }, 404);
  }
  const [prefix, routes] = match;
  return dispatch(routes, url.pathname.slice(prefix.length), request, url);
}
