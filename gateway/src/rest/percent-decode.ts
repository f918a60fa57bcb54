// Percent-decoding of path segments as http.proto asks: a single-segment variable gets every
// character back; a multi-segment one keeps "%2F" / "%2f" as written, so a slash inside one
// segment stays distinguishable from the separators between segments.

const encodedSlash = /(%2[fF])/;

/** The decoded text, or null when `raw` has a malformed escape or is not UTF-8 once decoded. */
export function decodeAll(raw: string): string | null {
  if (!raw.includes("%")) {
    return raw;
  }
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** Like decodeAll, but "%2F" and "%2f" are left as they are. */
export function decodeKeepingSlash(raw: string): string | null {
  if (!raw.includes("%")) {
    return raw;
  }
  const pieces = raw.split(encodedSlash);
  for (let i = 0; i < pieces.length; i += 2) {
    const decoded = decodeAll(pieces[i] ?? "");
    if (decoded === null) {
      return null;
    }
    pieces[i] = decoded;
  }
  return pieces.join("");
}
