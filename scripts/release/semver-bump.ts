/** A changeset's release type, in increasing order of what it allows. */
export type Bump = "patch" | "minor" | "major";

const rank: Record<Bump, number> = { patch: 1, minor: 2, major: 3 };

/** The larger of two bumps; `null` stands for no bump at all. */
export function largerBump(a: Bump | null, b: Bump | null): Bump | null {
  if (a === null) {
    return b;
  }
  return b === null || rank[a] >= rank[b] ? a : b;
}

/** Whether `given` is at least `required`. */
export function bumpCovers(given: Bump | null, required: Bump): boolean {
  return given !== null && rank[given] >= rank[required];
}

/** The bump a breaking change needs after `version`: major, or minor while the major is 0. */
export function breakingBump(version: string): Bump {
  return parse(version)[0] === 0 ? "minor" : "major";
}

/**
 * The bump already applied from `from` to `to` (what `changeset version` did in a "Version
 * Packages" pull request, whose changesets are gone by then), or `null` when `to` is not newer.
 */
export function bumpBetween(from: string, to: string): Bump | null {
  const [a, b] = [parse(from), parse(to)];
  if (b[0] !== a[0]) {
    return b[0] > a[0] ? "major" : null;
  }
  if (b[1] !== a[1]) {
    return b[1] > a[1] ? "minor" : null;
  }
  return b[2] > a[2] ? "patch" : null;
}

function parse(version: string): [number, number, number] {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (match === null) {
    throw new Error(`not a semver version: ${version}`);
  }
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}
