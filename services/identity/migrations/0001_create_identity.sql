CREATE TABLE users (
  -- UUIDv7 from the service; the id the gateway signs into every call to a service.
  id uuid PRIMARY KEY,
  -- Profile as the provider gave it at the latest login.
  name text NOT NULL DEFAULT '',
  email text NOT NULL DEFAULT '',
  avatar_url text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A user is found by the provider's immutable account id, never by email: an email can change
-- hands, be unverified, or be shared by accounts at two providers.
CREATE TABLE oauth_accounts (
  provider text NOT NULL,
  provider_user_id text NOT NULL,
  user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, provider_user_id)
);

CREATE INDEX oauth_accounts_user_id_idx ON oauth_accounts (user_id);

-- Lucia's design: the token is `<id>.<secret>` and only SHA-256(secret) is kept, so a copy of
-- this table does not let anyone act as a user.
CREATE TABLE sessions (
  id text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE,
  secret_hash bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

-- Logging a user out everywhere, and the user cascade.
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
-- The hourly sweep of expired sessions.
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
