import { createHash } from "node:crypto";
import type { Caller } from "../caller/caller.ts";
import { idempotencyKeyReused } from "../errors.ts";
import { beginWithSignal } from "./begin-with-signal.ts";
import type { Sql, TransactionSql } from "./pool.ts";
import { withSignal } from "./with-signal.ts";

/** How long a key holds its answer; an older record counts as absent (the key is free again). */
export const IDEMPOTENCY_WINDOW_HOURS = 24;

/** Expired records each keyed create deletes on its way, so the table never outgrows a window. */
const PURGE_BATCH = 10;

/** What ts-proto generates for each message: enough to store an answer and read it back. */
export interface MessageCodec<Message> {
  encode(message: Message): { finish(): Uint8Array };
  decode(bytes: Uint8Array): Message;
}

/** One create: who asks, under which key, and what exactly (the RPC and its request). */
export interface IdempotentCall<Request> {
  caller: Pick<Caller, "userId" | "signal" | "idempotencyKey">;
  /** The RPC's name: one key used on two RPCs is two different requests. */
  rpc: string;
  request: Request;
}

/** Runs creates once per (user, Idempotency-Key). */
export interface Idempotency<Repo> {
  /**
   * Without a key, `create(repo)` on the pool, as any call. With one, the first call runs
   * `create` on a repo inside a transaction that also stores the answer; calls with the key
   * and the same request get that answer back and create nothing; concurrent ones wait for the
   * first. Errors: IDEMPOTENCY_KEY_REUSED when the key came with another request.
   */
  run<Request, Response>(
    call: IdempotentCall<Request>,
    codecs: { request: MessageCodec<Request>; response: MessageCodec<Response> },
    create: (repo: Repo) => Promise<Response>,
  ): Promise<Response>;
}

/**
 * Idempotent creates over the service's `idempotency_keys` table (see the kit's README for its
 * migration). `repoOf` builds the service's repository on the pool or on a transaction.
 */
export function createIdempotency<Repo>(sql: Sql, repoOf: (sql: Sql) => Repo): Idempotency<Repo> {
  const pooled = repoOf(sql);
  return {
    async run(call, codecs, create) {
      const key = call.caller.idempotencyKey;
      if (key === undefined) {
        return create(pooled);
      }
      const hash = requestHash(call.rpc, codecs.request.encode(call.request).finish());
      const record = { userId: call.caller.userId, key, hash };
      const signal = call.caller.signal;
      const answer: Uint8Array = await beginWithSignal(sql, signal, async (tx) => {
        if (!(await claim(tx, record, signal))) {
          return storedAnswer(tx, record, signal);
        }
        const bytes = codecs.response.encode(await create(repoOf(tx))).finish();
        await keep(tx, record, bytes, signal);
        await purgeSome(tx, signal);
        return bytes;
      });
      // Decoded on both paths, so the first answer and its replays are alike to the last field.
      return codecs.response.decode(answer);
    },
  };
}

interface KeyRecord {
  userId: string;
  key: string;
  hash: Buffer;
}

/** SHA-256 of the RPC name and the request's protobuf bytes. */
function requestHash(rpc: string, request: Uint8Array): Buffer {
  return createHash("sha256").update(rpc).update("\0").update(request).digest();
}

const WINDOW = `${IDEMPOTENCY_WINDOW_HOURS} hours`;

/**
 * Takes the key for this request: true when it was free (or its record expired). A concurrent
 * call with the key waits here on the row lock until the first commits, then finds it taken.
 */
async function claim(tx: TransactionSql, record: KeyRecord, signal: AbortSignal): Promise<boolean> {
  const rows = await withSignal(
    tx`
      INSERT INTO idempotency_keys AS k (user_id, key, request_hash)
      VALUES (${record.userId}, ${record.key}, ${record.hash})
      ON CONFLICT (user_id, key) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, response = NULL, created_at = now()
        WHERE k.created_at < now() - ${WINDOW}::interval
      RETURNING 1`,
    signal,
  );
  return rows.length === 1;
}

/** The answer kept for the key, when it was given for this same request. */
async function storedAnswer(
  tx: TransactionSql,
  record: KeyRecord,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const [row] = await withSignal(
    tx<{ request_hash: Buffer; response: Buffer | null }[]>`
      SELECT request_hash, response FROM idempotency_keys
      WHERE user_id = ${record.userId} AND key = ${record.key}`,
    signal,
  );
  if (row === undefined || row.response === null) {
    // A record is claimed and answered in one transaction: another state is a bug.
    throw new Error("idempotency record without an answer");
  }
  if (!row.request_hash.equals(record.hash)) {
    throw idempotencyKeyReused(
      `Idempotency-Key: already used for a different request in the last ${WINDOW}; use a new key`,
    );
  }
  return row.response;
}

async function keep(
  tx: TransactionSql,
  record: KeyRecord,
  response: Uint8Array,
  signal: AbortSignal,
): Promise<void> {
  await withSignal(
    tx`
      UPDATE idempotency_keys SET response = ${Buffer.from(response)}
      WHERE user_id = ${record.userId} AND key = ${record.key}`,
    signal,
  );
}

/**
 * Deletes a few expired records. Each new record removes up to PURGE_BATCH old ones, so the
 * table holds about one window of keys with no job to run; SKIP LOCKED keeps concurrent creates
 * from waiting on (or deadlocking over) the same old rows.
 */
async function purgeSome(tx: TransactionSql, signal: AbortSignal): Promise<void> {
  await withSignal(
    tx`
      DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY (
        SELECT ctid FROM idempotency_keys
        WHERE created_at < now() - ${WINDOW}::interval
        LIMIT ${PURGE_BATCH} FOR UPDATE SKIP LOCKED))`,
    signal,
  );
}
