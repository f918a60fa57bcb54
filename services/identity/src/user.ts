import type { User } from "@trellis/contracts/identity/v1";
import { invalidArgument, requireText, type TextRule } from "@trellis/service-kit";

/** A user as the service stores it. */
export interface UserRecord {
  id: string;
  name: string;
  email: string;
  avatarUrl: string;
  createdAt: Date;
}

/** The profile fields a login refreshes. */
export type Profile = Pick<UserRecord, "name" | "email" | "avatarUrl">;

/** The provider identity a user is keyed on. */
export interface OAuthAccount {
  provider: Provider;
  providerUserId: string;
}

export const providers = ["github", "google", "dev"] as const;
export type Provider = (typeof providers)[number];

export const providerUserIdRule: TextRule = { min: 1, max: 255 };
export const nameRule: TextRule = { min: 0, max: 200 };
// RFC 5321 caps a forward path at 256 octets; 320 is the common upper bound (64 + 1 + 255).
export const emailRule: TextRule = { min: 0, max: 320 };
export const avatarUrlRule: TextRule = { min: 0, max: 2048 };

/** Returns `value` as a Provider, or throws INVALID_ARGUMENT naming `field`. */
export function requireProvider(value: string, field: string): Provider {
  const provider = providers.find((known) => known === value);
  if (provider === undefined) {
    throw invalidArgument(`${field}: must be one of ${providers.join(", ")}`);
  }
  return provider;
}

/**
 * Returns `value` when it is empty or an http(s) URL, or throws INVALID_ARGUMENT naming `field`.
 * The frontend puts it in an <img src>: a javascript: or data: URL must never get there.
 */
export function requireAvatarUrl(value: string, field: string): string {
  const url = requireText(value, field, avatarUrlRule);
  if (url === "") {
    return url;
  }
  // URL parsing forgives surrounding and embedded whitespace; a stored URL should not need it.
  const protocol = /[\s\p{Cc}]/u.test(url) ? undefined : URL.parse(url)?.protocol;
  if (protocol !== "http:" && protocol !== "https:") {
    throw invalidArgument(`${field}: must be an http(s) URL`);
  }
  return url;
}

/** The API shape of a stored user. */
export function toUserMessage(record: UserRecord): User {
  return {
    id: record.id,
    name: record.name,
    email: record.email,
    avatarUrl: record.avatarUrl,
    createTime: record.createdAt,
  };
}
