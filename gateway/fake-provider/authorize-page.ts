import type { AuthorizeRequest } from "./authorize-request.ts";
import type { Identity, ProviderKind } from "./identity.ts";

type Field = {
  name: string;
  label: string;
  value: string;
  /** Extra attributes, written as is: they never hold request data. */
  attributes: string;
};

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}
label{display:block;margin-top:.75rem;font-weight:600}input:not([type=checkbox]){width:100%;padding:.4rem;box-sizing:border-box}
.check{display:flex;gap:.5rem;align-items:center;font-weight:400}.actions{margin-top:1.25rem;display:flex;gap:.75rem}
button{padding:.5rem 1.25rem;font-size:1rem}`;

/** Escapes a value for HTML text and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** The fake consent page: pick an identity, then "Sign in" or "Deny". */
export function renderSignInPage(page: {
  providerName: string;
  kind: ProviderKind;
  action: string;
  request: AuthorizeRequest;
  identity: Identity;
}): string {
  const title = `Fake ${page.providerName} sign-in`;
  const hidden = page.request.params.map(([name, value]) => hiddenInput(name, value)).join("\n");
  const fields = identityFields(page.kind, page.identity).map(textInput).join("\n");
  const verified = page.kind === "oidc" ? emailVerifiedInput(page.identity.emailVerified) : "";
  return document(
    title,
    `<main>
<h1>${escapeHtml(title)}</h1>
<p><code>${escapeHtml(page.request.clientId)}</code> asks you to sign in. This provider is a
stand-in for development and tests: type any identity.</p>
<form method="post" action="${escapeHtml(page.action)}">
${hidden}
${fields}
${verified}
<div class="actions">
<button type="submit" name="decision" value="approve">Sign in</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>
</main>`,
  );
}

/** Shown instead of redirecting when the request cannot be trusted. */
export function renderErrorPage(message: string): string {
  return document(
    "Sign-in request refused",
    `<main>
<h1>Sign-in request refused</h1>
<p role="alert">${escapeHtml(message)}</p>
</main>`,
  );
}

function identityFields(kind: ProviderKind, identity: Identity): Field[] {
  const id: Field =
    kind === "github"
      ? {
          name: "id",
          label: "User id (a number)",
          value: identity.id,
          attributes: 'required inputmode="numeric" pattern="[1-9][0-9]*"',
        }
      : { name: "id", label: "Subject (sub)", value: identity.id, attributes: "required" };
  const login: Field[] =
    kind === "github"
      ? [{ name: "login", label: "Login", value: identity.login, attributes: "required" }]
      : [];
  return [
    id,
    ...login,
    { name: "name", label: "Name", value: identity.name, attributes: 'type="text"' },
    { name: "email", label: "Email", value: identity.email, attributes: 'type="email"' },
    {
      name: "avatar_url",
      label: "Avatar URL",
      value: identity.avatarUrl,
      attributes: 'type="url"',
    },
  ];
}

function textInput(field: Field): string {
  const id = `field-${field.name}`;
  return `<label for="${id}">${escapeHtml(field.label)}</label>
<input id="${id}" name="${field.name}" value="${escapeHtml(field.value)}" ${field.attributes}>`;
}

function hiddenInput(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

function emailVerifiedInput(checked: boolean): string {
  return `<label class="check"><input type="checkbox" name="email_verified" value="true"${
    checked ? " checked" : ""
  }> Email verified</label>`;
}

function document(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
