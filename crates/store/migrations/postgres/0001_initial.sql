-- Qyzmet storage, PostgreSQL dialect: the same tables as the SQLite migration of the same
-- number, with native types (timestamptz, jsonb, bytea, bigint, boolean).

CREATE TABLE organisations (
    id          text PRIMARY KEY,
    code        text NOT NULL UNIQUE,
    kind        text NOT NULL CHECK (kind IN ('provider', 'csc')),
    name_kk     text NOT NULL,
    name_ru     text NOT NULL,
    name_en     text NOT NULL,
    bin         text,
    created_at  timestamptz NOT NULL
);

CREATE TABLE users (
    id              text PRIMARY KEY,
    login           text NOT NULL UNIQUE,
    password_hash   text NOT NULL,
    full_name       text NOT NULL,
    organisation_id text REFERENCES organisations (id),
    language        text NOT NULL CHECK (language IN ('kk', 'ru', 'en')),
    created_at      timestamptz NOT NULL
);
CREATE INDEX users_organisation ON users (organisation_id);

CREATE TABLE user_roles (
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    text NOT NULL CHECK (role IN ('recipient', 'employee', 'signer', 'head', 'operator',
                                          'administrator', 'monitor')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE registration_counters (
    provider_id text   NOT NULL REFERENCES organisations (id),
    year        bigint NOT NULL,
    last        bigint NOT NULL,
    PRIMARY KEY (provider_id, year)
);

CREATE TABLE requests (
    id                 text PRIMARY KEY,
    number             text NOT NULL UNIQUE,
    provider_id        text NOT NULL REFERENCES organisations (id),
    regulation         text NOT NULL,
    regulation_version bigint NOT NULL,
    channel            text NOT NULL CHECK (channel IN ('portal', 'agency', 'csc')),
    recipient          text NOT NULL,
    submitted_by       text REFERENCES users (id),
    csc_id             text REFERENCES organisations (id),
    status             text NOT NULL,
    state              jsonb NOT NULL,
    deadline           timestamptz,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    revision           bigint NOT NULL
);
CREATE INDEX requests_recipient ON requests (recipient, created_at);
CREATE INDEX requests_queue ON requests (provider_id, status, deadline);
CREATE INDEX requests_csc ON requests (csc_id, created_at);

CREATE TABLE history (
    request_id text        NOT NULL REFERENCES requests (id),
    seq        bigint      NOT NULL,
    at         timestamptz NOT NULL,
    event      jsonb       NOT NULL,
    PRIMARY KEY (request_id, seq)
);
CREATE FUNCTION history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'history is append-only';
END;
$$;
CREATE TRIGGER history_no_update BEFORE UPDATE OR DELETE ON history
    FOR EACH ROW EXECUTE FUNCTION history_append_only();

CREATE TABLE notifications (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id      text REFERENCES requests (id),
    recipient       text,
    user_id         text REFERENCES users (id),
    organisation_id text REFERENCES organisations (id),
    status          text,
    text_kk         text NOT NULL,
    text_ru         text NOT NULL,
    text_en         text NOT NULL,
    created_at      timestamptz NOT NULL,
    is_read         boolean NOT NULL DEFAULT false,
    CHECK (num_nonnulls(recipient, user_id, organisation_id) = 1)
);
CREATE INDEX notifications_recipient ON notifications (recipient);
CREATE INDEX notifications_user ON notifications (user_id);
CREATE INDEX notifications_organisation ON notifications (organisation_id);

CREATE TABLE attachments (
    id         text PRIMARY KEY,
    request_id text   NOT NULL REFERENCES requests (id),
    name       text   NOT NULL,
    media_type text   NOT NULL,
    size       bigint NOT NULL,
    sha256     text   NOT NULL,
    content    bytea  NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX attachments_request ON attachments (request_id);

CREATE TABLE signatures (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id     text  NOT NULL REFERENCES requests (id),
    purpose        text  NOT NULL CHECK (purpose IN ('request', 'result')),
    signer         text  NOT NULL,
    signer_user_id text  REFERENCES users (id),
    cms            bytea NOT NULL,
    signed_at      timestamptz NOT NULL
);
CREATE INDEX signatures_request ON signatures (request_id);

CREATE TABLE idempotency (
    key        text PRIMARY KEY,
    request_id text NOT NULL REFERENCES requests (id) DEFERRABLE INITIALLY DEFERRED,
    created_at timestamptz NOT NULL
);

CREATE TABLE answers (
    request_id text PRIMARY KEY REFERENCES requests (id),
    answers    jsonb NOT NULL,
    at         timestamptz NOT NULL
);
