-- Accounts: coordinators and admins log in with a password; enumerator
-- devices will get tokens (see the server issue). Only hashes are stored.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'enumerator')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Published form versions. A version never changes once published.
CREATE TABLE form_versions (
    form_id      TEXT NOT NULL,
    version      TEXT NOT NULL,
    title        TEXT NOT NULL, -- JSON object: language code -> title
    languages    TEXT NOT NULL, -- JSON array of the form's languages
    default_language TEXT NOT NULL,
    definition   TEXT NOT NULL, -- the form file, as published
    is_open      INTEGER NOT NULL DEFAULT 1,
    published_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (form_id, version)
);
