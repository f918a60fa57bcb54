/**
 * .dockerignore matching as BuildKit does it (moby/patternmatcher): patterns in order, the last
 * one that matches a path or one of its parent folders decides, `!` re-includes; `*` and `?`
 * stay within one path segment, `**` spans any number of them.
 */
export interface IgnoreRules {
  isExcluded(path: string): boolean;
}

interface Pattern {
  negated: boolean;
  regex: RegExp;
}

export function parseDockerignore(text: string): IgnoreRules {
  const patterns = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map(toPattern);
  return {
    isExcluded(path) {
      const candidates = selfAndParents(clean(path));
      let excluded = false;
      for (const pattern of patterns) {
        if (candidates.some((candidate) => pattern.regex.test(candidate))) {
          excluded = !pattern.negated;
        }
      }
      return excluded;
    },
  };
}

function toPattern(line: string): Pattern {
  const negated = line.startsWith("!");
  const body = clean(negated ? line.slice(1).trim() : line);
  let source = "";
  for (let i = 0; i < body.length; i++) {
    const char = body[i] ?? "";
    if (char === "*" && body[i + 1] === "*") {
      // `**/` may also match no folder at all; a trailing `**` matches everything below.
      const slash = body[i + 2] === "/";
      source += slash ? "(.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (char === "*") {
      source += "[^/]*";
    } else if (char === "?") {
      source += "[^/]";
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return { negated, regex: new RegExp(`^${source}$`) };
}

/** Docker cleans each pattern and path: no leading `/` or `./`, no trailing `/`. */
function clean(path: string): string {
  return path.replace(/^(\.?\/)+/, "").replace(/\/+$/, "");
}

function selfAndParents(path: string): string[] {
  const parts = path.split("/");
  return parts.map((_, index) => parts.slice(0, index + 1).join("/"));
}
