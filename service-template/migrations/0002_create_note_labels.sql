-- Labels on notes. No RPC uses them yet: they give the template a child table, so its
-- repository shows how a foreign-key violation is reported (src/db/note-labels.ts).
CREATE TABLE note_labels (
  -- A note's labels go with it; a label for a note that is gone is refused (23503).
  note_id uuid NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
  label text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 50),
  -- A note has a label once (23505 on the second time).
  PRIMARY KEY (note_id, label)
);
