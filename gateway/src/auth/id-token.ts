import * as oauth from "oauth4webapi";
import { LoginError } from "./login-error.ts";

/** The token endpoint's answer, once its ID token passed every check. */
export interface VerifiedTokens {
  tokens: oauth.TokenEndpointResponse;
  claims: oauth.IDToken;
}

/**
 * Reads the token endpoint's answer and verifies its ID token: iss, aud, exp, nonce and sub by
 * oauth4webapi, then the signature against the issuer's JWK set. A token that fails a check is
 * a LoginError "rejected" whose reason names the check; an error answer or a provider that
 * cannot be reached is left to the caller (`exchanging`).
 */
export async function verifyIdToken(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  response: Response,
  expectedNonce: string | null,
  http: () => oauth.HttpRequestOptions<"GET">,
): Promise<VerifiedTokens> {
  const tokens = await oauth
    .processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: expectedNonce ?? oauth.expectNoNonce,
      requireIdToken: true,
    })
    .catch(refusing(claimCheck));
  await oauth
    .validateApplicationLevelSignature(as, response, http())
    .catch(refusing(signatureCheck));
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  if (claims === undefined) {
    throw rejected("id_token missing");
  }
  return { tokens, claims };
}

/** Rethrows `error` as a refusal when `check` names what it failed, else as it came. */
function refusing(check: (error: oauth.OperationProcessingError) => string | null) {
  return (error: unknown): never => {
    const reason = error instanceof oauth.OperationProcessingError ? check(error) : null;
    throw reason === null ? error : rejected(reason, error);
  };
}

function rejected(reason: string, cause?: unknown): LoginError {
  return new LoginError("rejected", "the provider's answer failed verification; start again", {
    reason,
    cause,
  });
}

// oauth4webapi names a missing or mistyped claim only in its message, e.g.
// `JWT "sub" (subject) claim missing`.
const claimProblem = /^(?:unexpected )?JWT "(\w+)" \([\w ]+\) claim (missing|type)$/;

/** The ID token claim that failed, e.g. "id_token aud", "id_token sub missing"; else null. */
function claimCheck(error: oauth.OperationProcessingError): string | null {
  if (error.code === oauth.JWT_CLAIM_COMPARISON || error.code === oauth.JWT_TIMESTAMP_CHECK) {
    const cause: unknown = error.cause;
    const claim =
      typeof cause === "object" && cause !== null && "claim" in cause ? cause.claim : null;
    return typeof claim === "string" ? `id_token ${claim}` : "id_token claims";
  }
  const problem = error.code === oauth.INVALID_RESPONSE ? claimProblem.exec(error.message) : null;
  return problem === null ? null : `id_token ${problem[1]} ${problem[2]}`;
}

/**
 * Once a key is chosen, a failed signature is the one check left. A JWK set that cannot be
 * fetched or read is the provider's outage, not a refusal: null.
 */
function signatureCheck(error: oauth.OperationProcessingError): string | null {
  if (error.code === oauth.KEY_SELECTION) {
    return "id_token kid not in the JWK set";
  }
  return error.message === "JWT signature verification failed" ? "id_token signature" : null;
}
