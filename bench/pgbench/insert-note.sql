-- pgbench script of the insert baseline: one note per transaction, as notes.CreateNote writes
-- it (one INSERT, its own commit), owned by one of 500 users like the bench's seed. The id is a
-- random UUID (Postgres 15 has no UUIDv7; the service's ids are v7, which only makes its
-- primary-key inserts more local than these).
\set owner random(1, 500)
INSERT INTO notes (id, owner_id, title, body)
  VALUES (gen_random_uuid(), CAST(md5(CAST(:owner AS text)) AS uuid), 'bench note', 'written by pgbench');
