-- Issue 14, form attachments: the data files of `select_one_from_file`,
-- `pulldata()` and `instance('name')`, published with their form version
-- and, like it, never changed afterwards. Keep in step with
-- migrations/postgres/0006_form_attachments.sql.
CREATE TABLE form_attachments (
    form_id      TEXT NOT NULL,
    version      TEXT NOT NULL,
    name         TEXT NOT NULL, -- a plain file name (`villages.csv`), checked by `attachments::check_name`
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL, -- bytes
    sha256       TEXT NOT NULL, -- hex, of `content`
    content      BLOB NOT NULL,
    PRIMARY KEY (form_id, version, name),
    FOREIGN KEY (form_id, version) REFERENCES form_versions (form_id, version)
);
