import { oauthError } from "./http.ts";

export type ClientCredentials = { clientId: string; clientSecret: string };

/**
 * Authenticates the client by client_secret_basic or client_secret_post. Returns null when it
 * is the configured client, else the error response (401 invalid_client).
 */
export function authenticateClient(
  request: Request,
  form: URLSearchParams,
  expected: ClientCredentials,
): Response | null {
  const header = request.headers.get("authorization");
  const basic = header === null ? null : parseBasic(header);
  const postSecret = form.get("client_secret");
  if (basic !== null && postSecret !== null) {
    return oauthError(400, "invalid_request", "use one client authentication method, not two");
  }
  const given =
    basic ??
    (postSecret === null
      ? null
      : { clientId: form.get("client_id") ?? "", clientSecret: postSecret });
  if (given === null) {
    return oauthError(401, "invalid_client", "client authentication required");
  }
  const formClientId = form.get("client_id");
  if (formClientId !== null && formClientId !== given.clientId) {
    return oauthError(401, "invalid_client", "client_id does not match the authenticated client");
  }
  if (given.clientId !== expected.clientId || given.clientSecret !== expected.clientSecret) {
    return oauthError(401, "invalid_client", "unknown client or wrong client secret");
  }
  return null;
}

/** Reads `Basic base64(id:secret)`; both parts are form-urlencoded first (RFC 6749 2.3.1). */
function parseBasic(header: string): ClientCredentials | null {
  const [scheme, encoded] = header.split(" ");
  if (scheme?.toLowerCase() !== "basic" || encoded === undefined) {
    return null;
  }
  try {
    const decoded = atob(encoded);
    const colon = decoded.indexOf(":");
    if (colon < 0) {
      return null;
    }
    return {
      clientId: formDecode(decoded.slice(0, colon)),
      clientSecret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    // Bad base64 or a bad percent-escape: not credentials at all.
    return null;
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replaceAll("+", " "));
}
