-- Idempotent creates (the kit's createIdempotency): one record per user and Idempotency-Key,
-- with the request's hash and the answer given, for 24 hours.
CREATE TABLE idempotency_keys (
  user_id uuid NOT NULL,
  -- 1 to 255 visible ASCII characters, checked by the gateway and the kit.
  key text NOT NULL,
  -- SHA-256 of the RPC name and the request's protobuf bytes.
  request_hash bytea NOT NULL,
  -- The response message's protobuf bytes; set in the transaction that claims the key.
  response bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- The lock two concurrent creates with one key meet on: one creates, the other replays.
  PRIMARY KEY (user_id, key)
);

-- Finds expired records for the purge each new record runs.
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
