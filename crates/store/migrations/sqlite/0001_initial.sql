-- Qyzmet storage, SQLite dialect. Times are UTC, written by the store as RFC 3339 text
-- ("2025-01-02T03:04:05.123456+00:00"), so that text order is time order. JSON is text.
-- The PostgreSQL migration of the same number holds the same tables.

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY,                 -- UUID
    code        TEXT NOT NULL UNIQUE,             -- e.g. "ALM-AKIMAT"; prefixes registration numbers
    kind        TEXT NOT NULL CHECK (kind IN ('provider', 'csc')),
    name_kk     TEXT NOT NULL,
    name_ru     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    bin         TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id              TEXT PRIMARY KEY,             -- UUID
    login           TEXT NOT NULL UNIQUE,         -- IIN or BIN for recipients
    password_hash   TEXT NOT NULL,                -- argon2 PHC string, made by the caller
    full_name       TEXT NOT NULL,
    organisation_id TEXT REFERENCES organisations (id),
    language        TEXT NOT NULL CHECK (language IN ('kk', 'ru', 'en')),
    created_at      TEXT NOT NULL
);
CREATE INDEX users_organisation ON users (organisation_id);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('recipient', 'employee', 'signer', 'head', 'operator',
                                          'administrator', 'monitor')),
    PRIMARY KEY (user_id, role)
);

-- The last registration number given per provider and year; incremented in the transaction
-- that registers the request, so numbers have no gaps and never repeat.
CREATE TABLE registration_counters (
    provider_id TEXT    NOT NULL REFERENCES organisations (id),
    year        INTEGER NOT NULL,
    last        INTEGER NOT NULL,
    PRIMARY KEY (provider_id, year)
);

CREATE TABLE requests (
    id                 TEXT PRIMARY KEY,          -- UUID
    number             TEXT NOT NULL UNIQUE,      -- <PROVIDER-CODE>-<YYYY>-<NNNNNN>
    provider_id        TEXT NOT NULL REFERENCES organisations (id),
    regulation         TEXT NOT NULL,
    regulation_version INTEGER NOT NULL,          -- pinned when the request was opened
    channel            TEXT NOT NULL CHECK (channel IN ('portal', 'agency', 'csc')),
    recipient          TEXT NOT NULL,             -- IIN or BIN
    submitted_by       TEXT REFERENCES users (id),
    csc_id             TEXT REFERENCES organisations (id),
    status             TEXT NOT NULL,
    state              TEXT NOT NULL,             -- the engine's state, JSON
    deadline           TEXT,                      -- the current action's due instant
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    revision           INTEGER NOT NULL           -- optimistic concurrency: +1 per update
);
CREATE INDEX requests_recipient ON requests (recipient, created_at);
CREATE INDEX requests_queue ON requests (provider_id, status, deadline);
CREATE INDEX requests_csc ON requests (csc_id, created_at);

-- Append-only: triggers refuse UPDATE and DELETE.
CREATE TABLE history (
    request_id TEXT    NOT NULL REFERENCES requests (id),
    seq        INTEGER NOT NULL,                  -- 1, 2, 3… per request
    at         TEXT    NOT NULL,
    event      TEXT    NOT NULL,                  -- JSON
    PRIMARY KEY (request_id, seq)
);
CREATE TRIGGER history_no_update BEFORE UPDATE ON history
BEGIN
    SELECT RAISE(ABORT, 'history is append-only');
END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON history
BEGIN
    SELECT RAISE(ABORT, 'history is append-only');
END;

-- A notice goes to a recipient's cabinet (by IIN/BIN, so that it waits for a recipient who has
-- not registered yet), to one user, or to an organisation (a CSC).
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    request_id      TEXT REFERENCES requests (id),
    recipient       TEXT,
    user_id         TEXT REFERENCES users (id),
    organisation_id TEXT REFERENCES organisations (id),
    status          TEXT,
    text_kk         TEXT NOT NULL,
    text_ru         TEXT NOT NULL,
    text_en         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    is_read         INTEGER NOT NULL DEFAULT 0,
    CHECK ((recipient IS NOT NULL) + (user_id IS NOT NULL) + (organisation_id IS NOT NULL) = 1)
);
CREATE INDEX notifications_recipient ON notifications (recipient);
CREATE INDEX notifications_user ON notifications (user_id);
CREATE INDEX notifications_organisation ON notifications (organisation_id);

CREATE TABLE attachments (
    id         TEXT PRIMARY KEY,                  -- UUID
    request_id TEXT    NOT NULL REFERENCES requests (id),
    name       TEXT    NOT NULL,
    media_type TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    sha256     TEXT    NOT NULL,                  -- lowercase hex, computed by the store
    content    BLOB    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX attachments_request ON attachments (request_id);

CREATE TABLE signatures (
    id             INTEGER PRIMARY KEY,
    request_id     TEXT NOT NULL REFERENCES requests (id),
    purpose        TEXT NOT NULL CHECK (purpose IN ('request', 'result')),
    signer         TEXT NOT NULL,                 -- IIN or BIN of the signer's certificate
    signer_user_id TEXT REFERENCES users (id),
    cms            BLOB NOT NULL,                 -- CMS (CAdES) DER
    signed_at      TEXT NOT NULL
);
CREATE INDEX signatures_request ON signatures (request_id);

-- A submission's key (e.g. the SHA-256 of its signed CMS): a replay finds the first request.
-- The key is claimed before the request row is written, hence the deferred reference.
CREATE TABLE idempotency (
    key        TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id) DEFERRABLE INITIALLY DEFERRED,
    created_at TEXT NOT NULL
);

CREATE TABLE answers (
    request_id TEXT PRIMARY KEY REFERENCES requests (id),
    answers    TEXT NOT NULL,                     -- JSON
    at         TEXT NOT NULL
);
