import type { Identity } from "./identity.ts";

export type OidcClaims = {
  sub: string;
  name?: string;
  email?: string;
  email_verified?: boolean;
  picture?: string;
};

/** The profile claims of the ID token and the userinfo response; empty values are left out. */
export function oidcClaims(identity: Identity): OidcClaims {
  return {
    sub: identity.id,
    ...(identity.name === "" ? {} : { name: identity.name }),
    ...(identity.email === ""
      ? {}
      : { email: identity.email, email_verified: identity.emailVerified }),
    ...(identity.avatarUrl === "" ? {} : { picture: identity.avatarUrl }),
  };
}

export type GithubUser = {
  id: number;
  login: string;
  name: string | null;
  email: string | null;
  avatar_url: string;
};

/** GitHub's GET /user shape: a numeric id that never changes, null for hidden fields. */
export function githubUser(identity: Identity): GithubUser {
  return {
    id: Number(identity.id),
    login: identity.login,
    name: identity.name === "" ? null : identity.name,
    email: identity.email === "" ? null : identity.email,
    avatar_url: identity.avatarUrl,
  };
}
