import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

export type Encoding = "br" | "gzip";
/** Bytes a Response body accepts under every lib (DOM's BodyInit wants a plain ArrayBuffer). */
type Bytes = Uint8Array<ArrayBuffer>;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

// Below this, headers and the compressor's framing cost more than they save.
const MIN_BYTES = 1024;
const COMPRESSIBLE = /^(text\/|application\/(javascript|json|manifest\+json|xml)|image\/svg\+xml)/;

/** Whether a response of this type and size is worth compressing. */
export function isCompressible(contentType: string, size: number): boolean {
  return size >= MIN_BYTES && COMPRESSIBLE.test(contentType);
}

/**
 * The encoding to answer with for an Accept-Encoding header: brotli (smaller) before gzip,
 * honouring `q=0` ("not this one"); null for neither.
 */
export function pickEncoding(acceptEncoding: string | null): Encoding | null {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? "").split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const wildcard = accepted.get("*") ?? 0;
  const weight = (name: Encoding): number => accepted.get(name) ?? wildcard;
  if (weight("br") > 0) {
    return "br";
  }
  return weight("gzip") > 0 ? "gzip" : null;
}

/**
 * Compressed copies of files, made on first request and kept: the built app is a few hundred
 * KiB, and brotli at its best quality is too slow to repeat per request. `key` must change
 * when the content does (path + size + mtime). The oldest entries go past `maxEntries`.
 */
export function createCompressionCache(maxEntries = 512): {
  get(key: string, encoding: Encoding, read: () => Promise<Uint8Array>): Promise<Bytes>;
} {
  const entries = new Map<string, Promise<Bytes>>();
  return {
    get(key, encoding, read) {
      const cacheKey = `${encoding}:${key}`;
      let entry = entries.get(cacheKey);
      if (entry === undefined) {
        entry = read().then((bytes) => compress(bytes, encoding));
        // A failed read is not cached: the next request tries again.
        entry.catch(() => entries.delete(cacheKey));
        entries.set(cacheKey, entry);
        if (entries.size > maxEntries) {
          const oldest = entries.keys().next().value;
          if (oldest !== undefined) {
            entries.delete(oldest);
          }
        }
      }
      return entry;
    },
  };
}

async function compress(bytes: Uint8Array, encoding: Encoding): Promise<Bytes> {
  if (encoding === "gzip") {
    return new Uint8Array(await gzipAsync(bytes, { level: 9 }));
  }
  const params = {
    [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
    [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
  };
  return new Uint8Array(await brotli(bytes, { params }));
}
