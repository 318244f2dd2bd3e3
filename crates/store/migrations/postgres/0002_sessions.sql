-- Sessions: the SHA-256 of each session token (never the token), its user and its expiry.
CREATE TABLE sessions (
    token_digest text PRIMARY KEY,
    user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- A person's IIN: for recipients it is their login; staff log in by name, and their IIN is what
-- their signing certificate must carry when they sign a request or a result.
ALTER TABLE users ADD COLUMN iin TEXT;
