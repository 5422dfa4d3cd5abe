-- Fieldform's schema for SQLite. `migrations/postgres/0001_init.sql` is the
-- same schema for PostgreSQL: keep the two in step (same tables, columns and
-- constraints), since one set of queries (`src/store/sql.rs`) serves both.
-- Times are milliseconds since the Unix epoch, computed by the server, so
-- that both databases store and compare them the same way.

-- Accounts. Coordinators and admins log in with a password; enumerator
-- devices use device tokens. Only hashes are stored.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'enumerator')),
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Login sessions: the bearer token's SHA-256, never the token itself.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Long-lived device tokens for enumerator tablets, scoped to forms.
CREATE TABLE device_tokens (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    label       TEXT NOT NULL,
    forms       TEXT NOT NULL, -- JSON array of form ids this device may use
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

-- Published form versions. A version never changes once published.
CREATE TABLE form_versions (
    form_id          TEXT NOT NULL,
    version          TEXT NOT NULL,
    title            TEXT NOT NULL, -- JSON object: language code -> title
    languages        TEXT NOT NULL, -- JSON array of the form's languages
    default_language TEXT NOT NULL,
    definition       TEXT NOT NULL, -- the form file, as published
    etag             TEXT NOT NULL, -- SHA-256 of `definition`
    is_open          BOOLEAN NOT NULL,
    published_at     INTEGER NOT NULL,
    PRIMARY KEY (form_id, version)
);

-- Submitted responses. A correction adds a revision and marks the previous
-- one superseded; exactly one revision per instance is current.
CREATE TABLE submissions (
    id           INTEGER PRIMARY KEY,
    instance_id  TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    form_id      TEXT NOT NULL,
    form_version TEXT NOT NULL,
    answers      TEXT NOT NULL, -- canonical JSON (sorted keys)
    content_hash TEXT NOT NULL, -- SHA-256 of form id, version and answers
    superseded   BOOLEAN NOT NULL,
    submitted_by TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    UNIQUE (instance_id, revision),
    FOREIGN KEY (form_id, form_version) REFERENCES form_versions (form_id, version)
);
CREATE UNIQUE INDEX submissions_current ON submissions (instance_id) WHERE NOT superseded;
CREATE INDEX submissions_by_form ON submissions (form_id, form_version);

-- Who did what: account and role changes, tokens, publishing, opening and closing forms.
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    details TEXT NOT NULL -- JSON
);
