// Shared by the gateway (at /login and again at /callback) and the web app (its sign-in page),
// so that the two cannot drift: this module imports nothing and runs in a browser as well.

/**
 * The longest `returnTo` kept. It rides in the login cookie, which `decodePendingLogin` caps at
 * 4096 base64url characters (about 3 KB of JSON).
 */
export const maxReturnToLength = 2048;

/**
 * `returnTo` as a path on `appOrigin` that a browser cannot read as another host, else "/".
 *
 * The decision is taken on the URL a browser would see, never on the raw string: `/.//evil`,
 * `/a/..//evil`, `/%2e//evil`, `/./\evil` and `/\t/evil` all pass a check of their first
 * characters, yet URL parsing turns each into the path `//evil`, which a browser given it as
 * `Location` resolves again, as the host `evil`. So the value is resolved against `appOrigin`,
 * kept only on that origin, rebuilt from its path, query and fragment, refused when that path
 * starts with `//`, and re-read once more to be sure the answer means what was checked.
 * `appOrigin` is spelled as `URL.origin` spells it (the gateway's config and `location.origin`
 * both are).
 */
export function safeReturnTo(returnTo: string | null | undefined, appOrigin: string): string {
  if (
    returnTo === null ||
    returnTo === undefined ||
    // A path, not a URL: even one naming this origin is refused, as is a relative "notes".
    !returnTo.startsWith("/") ||
    returnTo.length > maxReturnToLength
  ) {
    return "/";
  }
  const target = samePagePath(returnTo, appOrigin);
  // What a browser does with the answer: resolve it again. It must come back unchanged.
  return target !== null && samePagePath(target, appOrigin) === target ? target : "/";
}

/** The path, query and fragment `value` resolves to, or null when it leaves `appOrigin`. */
function samePagePath(value: string, appOrigin: string): string | null {
  let url: URL;
  try {
    url = new URL(value, appOrigin);
  } catch {
    return null;
  }
  // A path-absolute "//host/x" is a network-path reference: the browser reads "host" as the host.
  if (url.origin !== appOrigin || url.pathname.startsWith("//")) {
    return null;
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Percent-encoding can triple the length of non-ASCII text: cap what goes into the cookie.
  return path.length <= maxReturnToLength ? path : null;
}
