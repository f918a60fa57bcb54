/** One Set-Cookie header, parsed. */
export interface SetCookie {
  name: string;
  value: string;
  /** From Expires (or Max-Age); null for a session cookie. */
  expires: Date | null;
  /** Lower-cased attribute names to their values (`true` for flags such as HttpOnly). */
  attributes: Record<string, string | true>;
}

export function parseSetCookie(header: string): SetCookie {
  const [pair = "", ...rest] = header.split(";");
  const equals = pair.indexOf("=");
  const name = pair.slice(0, equals).trim();
  const value = pair.slice(equals + 1).trim();
  const attributes: Record<string, string | true> = {};
  for (const part of rest) {
    const at = part.indexOf("=");
    const key = (at === -1 ? part : part.slice(0, at)).trim().toLowerCase();
    attributes[key] = at === -1 ? true : part.slice(at + 1).trim();
  }
  const maxAge = attributes["max-age"];
  const expires =
    typeof maxAge === "string"
      ? new Date(Date.now() + Number(maxAge) * 1000)
      : typeof attributes.expires === "string"
        ? new Date(attributes.expires)
        : null;
  return { name, value: decodeURIComponent(value), expires, attributes };
}

/** Whether a Set-Cookie tells the browser to drop the cookie. */
export function isExpiring(cookie: SetCookie): boolean {
  return cookie.value === "" || (cookie.expires !== null && cookie.expires.getTime() <= Date.now());
}

/** The Set-Cookie headers of `response` named `name`. */
export function setCookiesNamed(response: Response, name: string): SetCookie[] {
  return response.headers
    .getSetCookie()
    .map(parseSetCookie)
    .filter((cookie) => cookie.name === name);
}

/** A browser's cookies for the one origin the tests talk to (names are unique there). */
export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  delete(name: string): void;
  /** The Cookie request header, or null when the jar is empty. */
  header(): string | null;
  /** Applies a response's Set-Cookie headers, as a browser would. */
  store(response: Response): void;
}

export function createCookieJar(): CookieJar {
  const cookies = new Map<string, string>();
  return {
    get: (name) => cookies.get(name),
    set: (name, value) => {
      cookies.set(name, value);
    },
    delete: (name) => {
      cookies.delete(name);
    },
    header() {
      if (cookies.size === 0) {
        return null;
      }
      return [...cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("; ");
    },
    store(response) {
      for (const cookie of response.headers.getSetCookie().map(parseSetCookie)) {
        if (isExpiring(cookie)) {
          cookies.delete(cookie.name);
        } else {
          cookies.set(cookie.name, cookie.value);
        }
      }
    },
  };
}
