-- ramp's storage schema, version 1.
--
-- Portable by construction so a PostgreSQL store can mirror it table for table:
--   * timestamps are INTEGER epoch milliseconds (BIGINT in PostgreSQL);
--   * ids and ARNs are TEXT; content is BLOB (BYTEA); monitors and validators are JSON TEXT;
--   * `seq` is a creation sequence that is never reused (INTEGER PRIMARY KEY AUTOINCREMENT here,
--     BIGINT GENERATED ALWAYS AS IDENTITY in PostgreSQL); list cursors are `seq` values.
--   * counts and totals that must be checked atomically live in columns/tables that the
--     write transaction updates (profile version counter, per-region hosted bytes).

CREATE TABLE applications (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT    NOT NULL UNIQUE,
    region      TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    description TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX applications_by_region ON applications (region, seq);

CREATE TABLE environments (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id   TEXT    NOT NULL REFERENCES applications (id),
    id               TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    description      TEXT,
    state            TEXT    NOT NULL,
    monitors         TEXT    NOT NULL, -- JSON array of Monitor
    created_at       INTEGER NOT NULL,
    last_accessed_at INTEGER,
    UNIQUE (application_id, id)
);
CREATE INDEX environments_by_application ON environments (application_id, seq);

CREATE TABLE configuration_profiles (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id      TEXT    NOT NULL REFERENCES applications (id),
    id                  TEXT    NOT NULL,
    name                TEXT    NOT NULL,
    description         TEXT,
    location_uri        TEXT    NOT NULL,
    retrieval_role_arn  TEXT,
    validators          TEXT    NOT NULL, -- JSON array of Validator
    profile_type        TEXT,
    kms_key_identifier  TEXT,
    created_at          INTEGER NOT NULL,
    last_accessed_at    INTEGER,
    -- Highest hosted version number ever assigned; never decreases, so numbers are never reused.
    last_version_number INTEGER NOT NULL DEFAULT 0,
    UNIQUE (application_id, id)
);
CREATE INDEX configuration_profiles_by_application ON configuration_profiles (application_id, seq);

CREATE TABLE hosted_versions (
    application_id           TEXT    NOT NULL,
    configuration_profile_id TEXT    NOT NULL,
    version_number           INTEGER NOT NULL,
    description              TEXT,
    content_type             TEXT    NOT NULL,
    version_label            TEXT,
    kms_key_arn              TEXT,
    content                  BLOB    NOT NULL,
    content_size             INTEGER NOT NULL, -- bytes of content, kept for the region total
    created_at               INTEGER NOT NULL,
    PRIMARY KEY (application_id, configuration_profile_id, version_number),
    FOREIGN KEY (application_id, configuration_profile_id)
        REFERENCES configuration_profiles (application_id, id)
);
-- Labels are unique within a profile; NULL labels are distinct in SQLite and PostgreSQL alike.
CREATE UNIQUE INDEX hosted_versions_by_label
    ON hosted_versions (application_id, configuration_profile_id, version_label);

-- Running total of hosted content bytes per region (the max_total_bytes quota).
CREATE TABLE region_usage (
    region       TEXT    PRIMARY KEY,
    hosted_bytes INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE deployment_strategies (
    seq                            INTEGER PRIMARY KEY AUTOINCREMENT,
    id                             TEXT    NOT NULL UNIQUE,
    region                         TEXT    NOT NULL,
    name                           TEXT    NOT NULL,
    description                    TEXT,
    deployment_duration_in_minutes INTEGER NOT NULL,
    growth_type                    TEXT    NOT NULL,
    growth_factor                  REAL    NOT NULL,
    final_bake_time_in_minutes     INTEGER NOT NULL,
    replicate_to                   TEXT    NOT NULL,
    created_at                     INTEGER NOT NULL
);
CREATE INDEX deployment_strategies_by_region ON deployment_strategies (region, seq);

-- Tags by resource ARN (a child's ARN extends its application's ARN with '/...').
CREATE TABLE tags (
    arn   TEXT NOT NULL,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (arn, key)
);

CREATE TABLE account_settings (
    region                       TEXT    PRIMARY KEY,
    deletion_protection_enabled  INTEGER NOT NULL, -- 0/1 (BOOLEAN in PostgreSQL)
    protection_period_in_minutes INTEGER NOT NULL
);

CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
