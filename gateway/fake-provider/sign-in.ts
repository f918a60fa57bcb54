// What a browser does on the fake sign-in page, in plain fetch: for the gateway's tests and the
// workspace's system tests (the export @trellis/gateway/fake-provider/sign-in).
import type { Identity } from "./identity.ts";

/** Overrides of the page's pre-filled identity; unset fields keep the defaults. */
export type SignInIdentity = Partial<Identity>;

const FORM_FIELDS = {
  id: "id",
  login: "login",
  name: "name",
  email: "email",
  avatarUrl: "avatar_url",
} as const satisfies Record<Exclude<keyof Identity, "emailVerified">, string>;

/**
 * Opens the authorize URL, fills the form (defaults, then `identity`) and presses "Sign in".
 * Returns the redirect Location: `redirect_uri?code=...&state=...` (and `iss` for OIDC).
 * Throws when the page refuses the request or does not redirect.
 */
export function approveSignIn(
  authorizeUrl: string,
  identity: SignInIdentity = {},
): Promise<string> {
  return submitSignIn(authorizeUrl, "approve", identity);
}

/** Presses "Deny": returns the Location `redirect_uri?error=access_denied&state=...`. */
export function denySignIn(authorizeUrl: string): Promise<string> {
  return submitSignIn(authorizeUrl, "deny", {});
}

async function submitSignIn(
  authorizeUrl: string,
  decision: "approve" | "deny",
  identity: SignInIdentity,
): Promise<string> {
  const page = await fetch(authorizeUrl, { redirect: "manual" });
  const html = await page.text();
  if (page.status !== 200) {
    throw new Error(`authorize page answered ${page.status}: ${html}`);
  }
  const form = readForm(html);
  for (const [key, field] of Object.entries(FORM_FIELDS)) {
    const value = identity[key as keyof typeof FORM_FIELDS];
    if (value !== undefined) {
      form.fields.set(field, value);
    }
  }
  if (identity.emailVerified !== undefined) {
    form.fields.delete("email_verified");
    if (identity.emailVerified) {
      form.fields.set("email_verified", "true");
    }
  }
  form.fields.set("decision", decision);
  const answer = await fetch(new URL(form.action, authorizeUrl), {
    method: "POST",
    body: form.fields,
    redirect: "manual",
  });
  const location = answer.headers.get("location");
  if (answer.status !== 302 || location === null) {
    throw new Error(`sign-in form answered ${answer.status}: ${await answer.text()}`);
  }
  return location;
}

/** The form's action and the values a browser would submit (buttons aside). */
function readForm(html: string): { action: string; fields: URLSearchParams } {
  const fields = new URLSearchParams();
  let action = "";
  new HTMLRewriter()
    .on("form", {
      element(element) {
        action = unescapeHtml(element.getAttribute("action") ?? "");
      },
    })
    .on("input", {
      element(element) {
        const name = element.getAttribute("name");
        const checkbox = element.getAttribute("type") === "checkbox";
        if (name !== null && (!checkbox || element.hasAttribute("checked"))) {
          fields.append(name, unescapeHtml(element.getAttribute("value") ?? ""));
        }
      },
    })
    .transform(html);
  return { action, fields };
}

// HTMLRewriter hands attributes over undecoded; these are the entities the page writes.
const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
};

function unescapeHtml(value: string): string {
  return value.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}
