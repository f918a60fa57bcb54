import { isPageLoad } from "../http/page-load.ts";
import { createCompressionCache, isCompressible, pickEncoding } from "./compression.ts";
import { findStaticFile, type StaticFile } from "./static-files.ts";

const IMMUTABLE = "public, max-age=31536000, immutable";

type CompressionCache = ReturnType<typeof createCompressionCache>;

/**
 * The files of the app's build under `distDir`, and its index.html for any other page a browser
 * asks for, so client routes such as /signin load on reload; null when neither fits.
 */
export function builtAppFiles(
  distDir: string,
  htmlHeaders: Record<string, string>,
): (request: Request, pathname: string) => Promise<Response | null> {
  const compressed = createCompressionCache();
  return async (request, pathname) => {
    const file = await findStaticFile(distDir, pathname);
    if (file !== null) {
      return fileResponse(request, file, htmlHeaders, compressed);
    }
    // A missing hashed asset (an old build's chunk) must fail as itself, not parse as HTML.
    const isPage = !pathname.startsWith("/assets/") && isPageLoad(request);
    const index = isPage ? await findStaticFile(distDir, "/index.html") : null;
    return index === null ? null : fileResponse(request, index, htmlHeaders, compressed);
  };
}

async function fileResponse(
  request: Request,
  file: StaticFile,
  htmlHeaders: Record<string, string>,
  compressed: CompressionCache,
): Promise<Response> {
  const isHtml = file.contentType.startsWith("text/html");
  const headers: Record<string, string> = {
    "content-type": file.contentType,
    "cache-control": file.immutable ? IMMUTABLE : "no-cache",
    ...(isHtml ? htmlHeaders : {}),
  };
  const compressible = isCompressible(file.contentType, file.size);
  const encoding = compressible ? pickEncoding(request.headers.get("accept-encoding")) : null;
  if (compressible) {
    headers.vary = "Accept-Encoding";
  }
  // Each encoding is its own representation, with its own validator.
  headers.etag = encoding === null ? file.etag : `${file.etag.slice(0, -1)}-${encoding}"`;
  if (matchesEtag(request.headers.get("if-none-match"), headers.etag)) {
    return new Response(null, { status: 304, headers });
  }
  if (encoding === null) {
    return new Response(Bun.file(file.file), { headers });
  }
  const body = await compressed.get(`${file.file}:${file.etag}`, encoding, () =>
    Bun.file(file.file).bytes(),
  );
  headers["content-encoding"] = encoding;
  return new Response(body, { headers });
}

function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) {
    return false;
  }
  return ifNoneMatch
    .split(",")
    .some((tag) => tag.trim() === "*" || tag.trim().replace(/^W\//, "") === etag);
}
