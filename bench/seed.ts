import type { Sql } from "@trellis/service-kit";
import { pool } from "./stack.ts";

// Users, sessions and notes written straight into the services' databases (after they have
// migrated them), the way the services themselves store them: a session token is
// `<id>.<secret>` and only SHA-256(secret) is kept.

export interface SeededUser {
  id: string;
  /** The session cookie's value, `<id>.<secret>`. */
  token: string;
}

export interface Seed {
  users: SeededUser[];
  /** One note and its owner, for the one-hop baseline's GetNote. */
  sampleNote: { id: string; ownerId: string };
  notesPerUser: number;
}

const ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
const SESSION_DAYS = 30;
const BATCH = 1_000;

export async function seed(
  urls: Record<"identity" | "notes", string>,
  counts: { users: number; notesPerUser: number },
): Promise<Seed> {
  const users = Array.from({ length: counts.users }, (_, index) => ({
    id: Bun.randomUUIDv7(),
    name: `Bench User ${index}`,
    email: `bench-${index}@example.test`,
    session: { id: tokenPart(), secret: tokenPart() },
  }));
  await seedIdentity(urls.identity, users);
  const notes = await seedNotes(urls.notes, users, counts.notesPerUser);
  const first = notes[0];
  if (first === undefined) {
    throw new Error("the seed needs at least one user with one note");
  }
  return {
    users: users.map((user) => ({
      id: user.id,
      token: `${user.session.id}.${user.session.secret}`,
    })),
    sampleNote: { id: first.id, ownerId: first.owner_id },
    notesPerUser: counts.notesPerUser,
  };
}

/** A user to seed, with the one session whose token the bench sends. */
interface NewUser {
  id: string;
  name: string;
  email: string;
  session: { id: string; secret: string };
}

/** Each user and their session, in the identity database. */
async function seedIdentity(url: string, users: NewUser[]): Promise<void> {
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000);
  const identity = pool(url, 2);
  try {
    await insertAll(
      identity,
      "users",
      users.map(({ id, name, email }) => ({ id, name, email })),
    );
    await insertAll(
      identity,
      "sessions",
      users.map((user) => ({
        id: user.session.id,
        user_id: user.id,
        secret_hash: sha256(user.session.secret),
        expires_at: expiresAt,
      })),
    );
    await identity`ANALYZE`;
  } finally {
    await identity.end({ timeout: 5 });
  }
}

/** `notesPerUser` notes of each user, in the notes database; returns the rows written. */
async function seedNotes(
  url: string,
  users: NewUser[],
  notesPerUser: number,
): Promise<{ id: string; owner_id: string }[]> {
  const notes = users.flatMap((user) =>
    Array.from({ length: notesPerUser }, (_, index) => ({
      id: Bun.randomUUIDv7(),
      owner_id: user.id,
      title: `Seeded note ${index}`,
      body: `Written by the bench seed for ${user.name}. `.repeat(4),
    })),
  );
  const notesDb = pool(url, 2);
  try {
    await insertAll(notesDb, "notes", notes);
    await notesDb`ANALYZE`;
  } finally {
    await notesDb.end({ timeout: 5 });
  }
  return notes;
}

async function insertAll<Row extends Record<string, unknown>>(
  sql: Sql,
  table: string,
  rows: Row[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    await sql`INSERT INTO ${sql(table)} ${sql(batch as Record<string, unknown>[])}`;
  }
}

/** 24 symbols of the identity service's alphabet: what its token parser accepts. */
function tokenPart(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(bytes, (byte) => ALPHABET[byte >> 3]).join("");
}

function sha256(text: string): Buffer {
  return Buffer.from(new Bun.CryptoHasher("sha256").update(text).digest());
}
