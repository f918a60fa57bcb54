import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";

/** A file of the built app, found for a URL path. */
export interface StaticFile {
  /** Absolute path on disk. */
  file: string;
  size: number;
  /** Changes whenever the content may have: a rebuild rewrites the file. */
  etag: string;
  contentType: string;
  /** Vite puts content-hashed names under /assets: their URL changes with their content. */
  immutable: boolean;
}

/** Whether `dir` holds a built app (Vite writes index.html last). */
export function hasBuiltApp(dir: string): boolean {
  return existsSync(join(dir, "index.html"));
}

/**
 * The file under `root` that `pathname` names, or null. Only plain names are looked up: no
 * `..`, no backslashes, no NUL and no dot-files (`.vite/`), so nothing outside the build and
 * nothing hidden in it is reachable, whatever the encoding tricks.
 */
export async function findStaticFile(root: string, pathname: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const segments = decoded.split("/").slice(1);
  if (
    segments.length === 0 ||
    segments.some((s) => s === "" || s.startsWith(".") || s.includes("\\") || s.includes("\0"))
  ) {
    return null;
  }
  const base = resolve(root);
  const file = resolve(base, ...segments);
  if (!file.startsWith(base + sep)) {
    return null;
  }
  const info = await stat(file).catch(() => null);
  if (info === null || !info.isFile()) {
    return null;
  }
  return {
    file,
    size: info.size,
    etag: `"${info.size.toString(36)}-${Math.trunc(info.mtimeMs).toString(36)}"`,
    contentType: Bun.file(file).type,
    immutable: segments[0] === "assets" && segments.length > 1,
  };
}
