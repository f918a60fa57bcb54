-- The insert baseline's table: the notes service's own (service-template/migrations), so that
-- pgbench writes rows of the same shape, through the same constraints and indexes.
DROP TABLE IF EXISTS notes;

CREATE TABLE notes (
  id uuid PRIMARY KEY,
  owner_id uuid NOT NULL,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  body text NOT NULL DEFAULT '' CHECK (char_length(body) <= 20000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX notes_owner_id_id_idx ON notes (owner_id, id DESC);
