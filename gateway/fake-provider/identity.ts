/**
 * Who the user signs in as. Empty strings stand for "the provider has no value": GitHub then
 * answers `null` (a user may hide their email or leave their name unset) and the OIDC
 * providers leave the claim out, so the gateway can be tested against both.
 */
export type Identity = {
  /** GitHub's numeric id (digits only) or the OIDC `sub`. */
  id: string;
  /** GitHub's `login`; the OIDC providers ignore it. */
  login: string;
  name: string;
  email: string;
  avatarUrl: string;
  /** The OIDC `email_verified` claim; GitHub's /user has no such field. */
  emailVerified: boolean;
};

export type ProviderKind = "github" | "oidc";

/** Pre-filled on the sign-in page, and what `approveSignIn` signs in as by default. */
export function defaultIdentity(id: string, name: string, avatarUrl: string): Identity {
  const login = name.toLowerCase().replaceAll(" ", "-");
  return {
    id,
    login,
    name,
    email: `${login}@example.test`,
    avatarUrl,
    emailVerified: true,
  };
}

/** Reads the identity fields of the sign-in form. Returns an error message when unusable. */
export function readIdentity(form: URLSearchParams, kind: ProviderKind): Identity | string {
  const id = (form.get("id") ?? "").trim();
  if (id === "") {
    return "id: must not be empty";
  }
  // GitHub ids are positive integers that JSON numbers hold exactly.
  if (kind === "github" && !/^[1-9][0-9]{0,14}$/.test(id)) {
    return "id: GitHub ids are positive integers";
  }
  const login = (form.get("login") ?? "").trim();
  if (kind === "github" && login === "") {
    return "login: must not be empty";
  }
  return {
    id,
    login,
    name: (form.get("name") ?? "").trim(),
    email: (form.get("email") ?? "").trim(),
    avatarUrl: (form.get("avatar_url") ?? "").trim(),
    emailVerified: form.get("email_verified") === "true",
  };
}
