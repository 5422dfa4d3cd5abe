-- Review statuses (SQLite; `migrations/postgres/0002_reviews.sql` is the same
-- schema for PostgreSQL: keep the two in step).
-- A coordinator's verdict on one revision of a submission. Reviews are only
-- ever added, never changed: an instance's status is its latest review
-- (highest id), and the history stays for the console and the audit.
CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    instance_id TEXT NOT NULL,
    revision    INTEGER NOT NULL, -- the revision that was current when reviewed
    status      TEXT NOT NULL
                CHECK (status IN ('received', 'approved', 'has_issues', 'rejected')),
    comment     TEXT NOT NULL,
    author      TEXT NOT NULL, -- `user:<name>`, as `submissions.submitted_by`
    created_at  INTEGER NOT NULL,
    FOREIGN KEY (instance_id, revision) REFERENCES submissions (instance_id, revision)
);
CREATE INDEX reviews_by_instance ON reviews (instance_id);

-- Every device asks for its corrections at each sync: find its current
-- submissions without scanning everyone's.
CREATE INDEX submissions_current_by_submitter ON submissions (submitted_by) WHERE NOT superseded;
