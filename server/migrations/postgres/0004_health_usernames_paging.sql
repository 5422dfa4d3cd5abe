-- Issue 12, item 10 and the smaller items. Keep in step with
-- migrations/sqlite/0004_health_usernames_paging.sql.

-- The health check's write probe: one row, upserted and committed on every
-- check, so a database that reads but cannot write answers 503.
CREATE TABLE health_probe (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at BIGINT NOT NULL
);

-- Usernames are case-insensitive: new ones are stored lowercased, and
-- logins and lookups compare lowercased. Not UNIQUE: a database from
-- before may hold names that differ only in case (`Ana`, `ana`); they are
-- kept (an exact match wins at login), and creating a user refuses any
-- name one of them already has in another case.
CREATE INDEX users_by_lower_username ON users (lower(username));

-- Paging a form's submissions in id order (`GET /api/forms/{id}/submissions`).
CREATE INDEX submissions_by_form_and_id ON submissions (form_id, id);
