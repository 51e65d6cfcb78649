-- ramp's storage schema, version 5: Amplify Hosting (spec/amplify.md).
--
-- Each resource is a JSON document (`doc`, the serde form of the domain type, which tolerates
-- members added later) beside the key columns and what the store's rules query. Who owns what:
--   * the key columns are the truth for the key; `seq` is the creation order (list cursor);
--   * `amplify_branches.active_job_id` and `total_number_of_jobs` are the truth for those two
--     members: job writes change them, `update_branch` replaces only `doc`, and a read puts the
--     columns into the branch it returns;
--   * `amplify_jobs.status`, `revision` and `end_time` are written with `doc`, from the same
--     value, by every job write (the revision column is what compare-and-set compares).
-- No foreign keys: a delete removes the rows below it itself, in its transaction, and a create
-- checks its parent (under the parent's row lock on PostgreSQL).

CREATE TABLE amplify_apps (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    region TEXT    NOT NULL,
    app_id TEXT    NOT NULL,
    doc    TEXT    NOT NULL, -- JSON App
    UNIQUE (region, app_id)
);
CREATE INDEX amplify_apps_by_region ON amplify_apps (region, seq);

CREATE TABLE amplify_branches (
    seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
    region               TEXT    NOT NULL,
    app_id               TEXT    NOT NULL,
    branch_name          TEXT    NOT NULL,
    active_job_id        INTEGER,
    total_number_of_jobs INTEGER NOT NULL DEFAULT 0, -- job numbers are allocated from it
    doc                  TEXT    NOT NULL, -- JSON Branch
    UNIQUE (region, app_id, branch_name)
);
CREATE INDEX amplify_branches_by_app ON amplify_branches (region, app_id, seq);

CREATE TABLE amplify_jobs (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    region      TEXT    NOT NULL,
    app_id      TEXT    NOT NULL,
    branch_name TEXT    NOT NULL,
    number      INTEGER NOT NULL,
    status      TEXT    NOT NULL, -- JobStatus, as the API spells it
    revision    INTEGER NOT NULL,
    end_time    INTEGER,
    doc         TEXT    NOT NULL, -- JSON Job
    UNIQUE (region, app_id, branch_name, number)
);
CREATE INDEX amplify_jobs_unfinished ON amplify_jobs (seq)
    WHERE status NOT IN ('SUCCEED', 'FAILED', 'CANCELLED');

CREATE TABLE amplify_uploads (
    region      TEXT    NOT NULL,
    app_id      TEXT    NOT NULL,
    branch_name TEXT    NOT NULL,
    number      INTEGER NOT NULL,
    path        TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    PRIMARY KEY (region, app_id, branch_name, number, path)
);

CREATE TABLE amplify_domains (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    region      TEXT    NOT NULL,
    app_id      TEXT    NOT NULL,
    domain_name TEXT    NOT NULL,
    doc         TEXT    NOT NULL, -- JSON DomainAssociation
    UNIQUE (region, domain_name) -- one app per domain in a region
);
CREATE INDEX amplify_domains_by_app ON amplify_domains (region, app_id, seq);

CREATE TABLE amplify_webhooks (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    region     TEXT    NOT NULL,
    app_id     TEXT    NOT NULL,
    webhook_id TEXT    NOT NULL,
    doc        TEXT    NOT NULL, -- JSON Webhook
    UNIQUE (region, webhook_id)
);
CREATE INDEX amplify_webhooks_by_app ON amplify_webhooks (region, app_id, seq);

CREATE TABLE amplify_backend_environments (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    region           TEXT    NOT NULL,
    app_id           TEXT    NOT NULL,
    environment_name TEXT    NOT NULL,
    doc              TEXT    NOT NULL, -- JSON BackendEnvironment
    UNIQUE (region, app_id, environment_name)
);
CREATE INDEX amplify_backend_environments_by_app ON amplify_backend_environments (region, app_id, seq);

-- What the hosted sites answered (GenerateAccessLogs); `id` orders entries of the same time.
CREATE TABLE amplify_access_log (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    region TEXT    NOT NULL,
    app_id TEXT    NOT NULL,
    time   INTEGER NOT NULL,
    doc    TEXT    NOT NULL -- JSON AccessLogEntry
);
CREATE INDEX amplify_access_log_by_app ON amplify_access_log (region, app_id, time, id);
CREATE INDEX amplify_access_log_by_time ON amplify_access_log (time);

-- One row: bumped by every Amplify resource write, in its transaction, so a node sees with
-- one read that its site table is stale.
CREATE TABLE amplify_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO amplify_generation (id, generation) VALUES (1, 0);
