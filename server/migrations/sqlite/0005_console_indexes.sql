-- Issue 13, the console's submissions table and the exports. Keep in step
-- with migrations/postgres/0005_console_indexes.sql.

-- The table: a form's current revisions in a received range, newest
-- first, a page at a time (`store::console_rows`); `id` breaks ties. The
-- last three columns make it covering for the counts: the total with a
-- review filter, the charts' counts and the export's count (`export_rows`)
-- read no table rows (a submission row holds kilobytes of answers).
CREATE INDEX submissions_table
    ON submissions (form_id, superseded, received_at, id, submitted_by, instance_id, revision);

-- The table filtered or sorted by submitter (both directions), its list of
-- submitters and the per-sender chart, covering likewise (SQLite at
-- 100,000 submissions: one submitter's page and total 30 ms -> 2 ms,
-- sorted by submitter 26 ms -> 8 ms).
CREATE INDEX submissions_by_form_submitter
    ON submissions (form_id, superseded, submitted_by, received_at, id, instance_id, revision);

-- The latest review of one revision (the table's and the export's status).
CREATE INDEX reviews_by_revision ON reviews (instance_id, revision, id);
