-- The submission's metadata (PostgreSQL; `migrations/sqlite/0003_submission_meta.sql`
-- is the same schema for SQLite: keep the two in step).
-- Canonical JSON of the known `meta` keys the device sent (start, end,
-- enumerator, device); submissions stored before this column have `{}`.
ALTER TABLE submissions ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';
