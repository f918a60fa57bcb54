import { unauthenticated } from "../errors.ts";
import type { ReadMetadata } from "../wire/read-metadata.ts";
import type { CallerPublicKey, CallerSigningKey } from "./caller-keys.ts";
import {
  type ImportedSigningKey,
  importPublicKeys,
  importSigningKey,
  MAX_TOKEN_LIFETIME_SECONDS,
  signCallerToken,
  verifyCallerToken,
} from "./caller-token.ts";

/** Who is calling, and how long they are willing to wait. */
export interface Caller {
  /** The authenticated user, as vouched for by the gateway's signature. */
  userId: string;
  /** Aborts when the call's deadline passes or the client goes away; pass it to queries. */
  signal: AbortSignal;
  /**
   * The call's Idempotency-Key (`idempotency-key` metadata), already checked; absent when the
   * call carries none. Creates pass the caller to `Idempotency.run`.
   */
  idempotencyKey?: string;
}

/**
 * The subject of calls the gateway makes as itself, on no user's behalf (completing a login,
 * checking a session). Only RPCs bound with `internal()` accept it, and they accept nothing else.
 */
export const GATEWAY_SUBJECT = "gateway";

// The one place that decides how identity travels between the gateway and services:
//   x-trellis-caller: <a JWT signed by the gateway's Ed25519 key; see caller-token.ts>
// Services hold public keys only, so a service (or anyone on the network) cannot mint one, and
// each token names the service and the RPC it is for, so a captured one opens nothing else.
export const CALLER_HEADER = "x-trellis-caller";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Long enough for a call to reach its service, short enough that a captured token soon dies. */
const TOKEN_TTL_SECONDS = 30;
/**
 * Expiry times are rounded up to this grid, so a (subject, method) pair keeps one token this long
 * and one signature serves all of a busy user's calls in that time (a token then lives 30 to
 * 40 s). Ed25519 signing costs about 50 µs and verifying 85 µs here: per call, that would be a
 * large share of a hop. Each subject's grid is shifted by a whole number of seconds drawn from
 * it (`stepOffset`), so that users' tokens are renewed spread over the step, not all in its first
 * second: with one grid for all, every active user's next call signed (and every service
 * verified) at once, a burst that grows with the users (500 of them: 55-65 ms of the gateway's
 * CPU in a moment, every 10 s).
 */
const EXPIRY_STEP_SECONDS = 10;
/** Bound on the tokens kept per generation (a step) on each side: memory stays bounded. */
const MAX_KEPT_TOKENS = 20_000;

/** The service an RPC path names: "/trellis.notes.v1.NotesService/GetNote" -> its service. */
export function serviceOfMethod(path: string): string {
  return path.slice(1, path.lastIndexOf("/"));
}

/**
 * The CALLER_HEADER value that names `subject` as the caller of `method`, minted once per
 * (subject, method) and expiry step. Resolves at once (a string) when the token is kept.
 */
export function callerSigner(
  signingKey: CallerSigningKey,
): (subject: string, method: string, nowMs?: number) => string | Promise<string> {
  let imported: Promise<ImportedSigningKey> | undefined;
  // A token is used for one step of its subject's grid: kept one to two steps.
  const kept = twoGenerations<string | Promise<string>>(EXPIRY_STEP_SECONDS * 1000);
  return (subject, method, nowMs = Date.now()) => {
    const issuedAt = Math.floor(nowMs / 1000);
    const offset = stepOffset(subject);
    const step = Math.ceil((issuedAt + TOKEN_TTL_SECONDS + offset) / EXPIRY_STEP_SECONDS);
    const name = `${step} ${method} ${subject}`;
    const known = kept.get(name, nowMs);
    if (known !== undefined) {
      return known;
    }
    imported ??= importSigningKey(signingKey);
    const minting = imported.then((key) =>
      signCallerToken(
        key,
        { subject, audience: serviceOfMethod(method), method },
        { issuedAt, expires: step * EXPIRY_STEP_SECONDS - offset },
      ),
    );
    kept.set(name, minting, nowMs);
    // Once minted, later calls get the string itself and skip an await.
    minting.then(
      (token) => kept.get(name, nowMs) === minting && kept.set(name, token, nowMs),
      () => kept.get(name, nowMs) === minting && kept.delete(name),
    );
    return minting;
  };
}

/**
 * Verifies the caller token of a call to `method` of the service `audience`, with the keys
 * services trust; resolves to its subject: a lower-case user id or GATEWAY_SUBJECT. Rejects with
 * UNAUTHENTICATED when the token is missing, malformed, forged, expired, too long-lived, or for
 * another service or method; the message never says which, so it teaches a forger nothing.
 * Accepted tokens are remembered until they expire (only accepted ones: a forger's cannot fill
 * the memory), so a busy user's calls cost one verification per token.
 */
export function callerVerifier(
  publicKeys: CallerPublicKey[],
  audience: string,
): (metadata: ReadMetadata, method: string, nowMs?: number) => string | Promise<string> {
  const keys = importPublicKeys(publicKeys);
  const accepted = twoGenerations<{ subject: string; method: string; expiresMs: number }>(
    MAX_TOKEN_LIFETIME_SECONDS * 1000,
  );
  return (metadata, method, nowMs = Date.now()) => {
    const [token] = metadata.get(CALLER_HEADER);
    if (typeof token !== "string" || token === "") {
      throw unauthenticated(`missing caller identity (${CALLER_HEADER} metadata)`);
    }
    const known = accepted.get(token, nowMs);
    if (known !== undefined && known.method === method && known.expiresMs >= nowMs) {
      return known.subject;
    }
    return verifyFresh(token, keys, { audience, method }, nowMs).then((verified) => {
      accepted.set(token, { ...verified, method }, nowMs);
      return verified.subject;
    });
  };
}

async function verifyFresh(
  token: string,
  keys: Promise<Map<string, CryptoKey>>,
  expected: { audience: string; method: string },
  nowMs: number,
): Promise<{ subject: string; expiresMs: number }> {
  try {
    const verified = await verifyCallerToken(token, await keys, expected, nowMs);
    if (verified.subject === GATEWAY_SUBJECT || UUID.test(verified.subject)) {
      return verified;
    }
  } catch {
    // Every reason answers the same below.
  }
  throw unauthenticated(`invalid caller identity (${CALLER_HEADER} metadata)`);
}

/** Whole seconds, 0 to EXPIRY_STEP_SECONDS - 1, by which a subject's grid is shifted (FNV-1a). */
function stepOffset(subject: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < subject.length; i++) {
    hash = Math.imul(hash ^ subject.charCodeAt(i), 0x01000193);
  }
  return (hash >>> 0) % EXPIRY_STEP_SECONDS;
}

/**
 * A bounded memo whose entries live one to two periods: every `periodMs` the older generation is
 * dropped whole, so eviction is O(1) and nothing is swept entry by entry.
 */
function twoGenerations<Value>(periodMs: number): {
  get(key: string, nowMs: number): Value | undefined;
  set(key: string, value: Value, nowMs: number): void;
  delete(key: string): void;
} {
  let started = Number.NEGATIVE_INFINITY;
  let current = new Map<string, Value>();
  let previous = new Map<string, Value>();
  const turn = (nowMs: number): void => {
    if (nowMs - started >= periodMs) {
      previous = nowMs - started >= 2 * periodMs ? new Map() : current;
      current = new Map();
      started = nowMs;
    }
  };
  return {
    get(key, nowMs) {
      turn(nowMs);
      return current.get(key) ?? previous.get(key);
    },
    set(key, value, nowMs) {
      turn(nowMs);
      if (current.size < MAX_KEPT_TOKENS) {
        current.set(key, value);
      }
    },
    delete(key) {
      current.delete(key);
      previous.delete(key);
    },
  };
}
