CREATE TABLE notes (
  -- UUIDv7 from the service: ordering by id is ordering by creation time.
  id uuid PRIMARY KEY,
  owner_id uuid NOT NULL,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  body text NOT NULL DEFAULT '' CHECK (char_length(body) <= 20000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Serves every query of the service: one owner's notes, newest first, resumed after an id.
CREATE INDEX notes_owner_id_id_idx ON notes (owner_id, id DESC);
