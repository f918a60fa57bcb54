import type {
  CompleteOAuthLoginRequest,
  CompleteOAuthLoginResponse,
} from "@trellis/contracts/identity/v1";
import { type InternalUnary, requireText } from "@trellis/service-kit";
import type { Deps } from "../deps.ts";
import { expiryFrom } from "../session.ts";
import { formatSessionToken, hashSecret } from "../session-token.ts";
import {
  emailRule,
  nameRule,
  providerUserIdRule,
  requireAvatarUrl,
  requireProvider,
  toUserMessage,
} from "../user.ts";

/**
 * Finds or creates the user of a provider identity, refreshes their profile and starts a new
 * session. Internal: the gateway calls it before it knows a user. Errors: INVALID_ARGUMENT.
 */
export function completeOAuthLogin({
  users,
  sessions,
  newId,
  now,
  newSessionToken,
  sessionAbsoluteLifetimeMs,
}: Deps): InternalUnary<CompleteOAuthLoginRequest, CompleteOAuthLoginResponse> {
  return async (request, { signal }) => {
    const account = {
      provider: requireProvider(request.provider, "provider"),
      providerUserId: requireText(request.providerUserId, "provider_user_id", providerUserIdRule),
    };
    const profile = {
      name: requireText(request.name, "name", nameRule),
      email: requireText(request.email, "email", emailRule),
      avatarUrl: requireAvatarUrl(request.avatarUrl, "avatar_url"),
    };
    const { user, created } = await users.upsertForAccount(account, profile, newId(), signal);
    // Always a new session: reusing one would let a token fixed before login survive it.
    const token = newSessionToken();
    const createdAt = now();
    const session = await sessions.create(
      {
        id: token.id,
        userId: user.id,
        secretHash: hashSecret(token.secret),
        createdAt,
        expiresAt: expiryFrom(createdAt, createdAt, sessionAbsoluteLifetimeMs),
      },
      signal,
    );
    return {
      user: toUserMessage(user),
      sessionToken: formatSessionToken(token),
      sessionExpireTime: session.expiresAt,
      newUser: created,
    };
  };
}
