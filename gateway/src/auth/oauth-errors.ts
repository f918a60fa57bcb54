import * as oauth from "oauth4webapi";
import { LoginError } from "./login-error.ts";

/** Reads the callback parameters; a bad state or a provider error becomes a LoginError. */
export function validateCallback(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  callbackUrl: URL,
  expectedState: string,
): URLSearchParams {
  try {
    return oauth.validateAuthResponse(as, client, callbackUrl, expectedState);
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      throw new LoginError("denied", `the provider refused the sign-in (${error.error})`, {
        cause: error,
      });
    }
    throw new LoginError("state", "the sign-in link is invalid or expired; start again", {
      cause: error,
    });
  }
}

/**
 * Runs the token exchange and what follows. A refused code is a LoginError "state"; any other
 * failure there is "exchange".
 */
export async function exchanging<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof LoginError) {
      throw error;
    }
    // The token endpoint refused the code: already redeemed (a replayed callback), expired, or
    // not matching the PKCE verifier. A bad attempt the user fixes by starting again, not an
    // outage of the provider.
    if (error instanceof oauth.ResponseBodyError && error.error === "invalid_grant") {
      throw new LoginError("state", "the sign-in link is invalid or expired; start again", {
        cause: error,
      });
    }
    throw new LoginError("exchange", "the provider did not complete the sign-in", { cause: error });
  }
}
