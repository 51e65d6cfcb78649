-- ramp's PostgreSQL schema, version 1: SQLite's migrations 001 + 002 + 003 in one file (nothing
-- was released on PostgreSQL before them). Table for table the same as SQLite, so that the two
-- are reviewed together:
--   * timestamps are BIGINT epoch milliseconds; ids and ARNs are TEXT; content is BYTEA;
--     monitors, validators and event logs are JSON TEXT;
--   * `seq` is a creation sequence that is never reused (list cursors are `seq` values);
--   * counters that must be checked atomically live in columns the write transaction updates
--     (profile version counter, environment deployment counter, per-region hosted bytes).
--   * ids, ARNs and names compare bytewise (COLLATE "C"), as SQLite's BINARY collation does,
--     whatever the database's default collation: the tag range `[arn/, arn0)` and the orders
--     of lists (alarms by name, the due queue's tie-break) depend on it.

CREATE TABLE applications (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          TEXT COLLATE "C" NOT NULL UNIQUE,
    region      TEXT COLLATE "C" NOT NULL,
    name        TEXT   NOT NULL,
    description TEXT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX applications_by_region ON applications (region, seq);

CREATE TABLE environments (
    seq                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id         TEXT COLLATE "C" NOT NULL REFERENCES applications (id),
    id                     TEXT COLLATE "C" NOT NULL,
    name                   TEXT   NOT NULL,
    description            TEXT,
    state                  TEXT   NOT NULL,
    monitors               TEXT   NOT NULL, -- JSON array of Monitor
    created_at             BIGINT NOT NULL,
    last_accessed_at       BIGINT,
    -- Highest deployment number ever assigned in the environment; never decreases. Starting a
    -- deployment increments it first, which locks the row against a concurrent start.
    last_deployment_number BIGINT NOT NULL DEFAULT 0,
    UNIQUE (application_id, id)
);
CREATE INDEX environments_by_application ON environments (application_id, seq);

CREATE TABLE configuration_profiles (
    seq                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id      TEXT COLLATE "C" NOT NULL REFERENCES applications (id),
    id                  TEXT COLLATE "C" NOT NULL,
    name                TEXT   NOT NULL,
    description         TEXT,
    location_uri        TEXT   NOT NULL,
    retrieval_role_arn  TEXT,
    validators          TEXT   NOT NULL, -- JSON array of Validator
    profile_type        TEXT,
    kms_key_identifier  TEXT,
    created_at          BIGINT NOT NULL,
    last_accessed_at    BIGINT,
    -- Highest hosted version number ever assigned; never decreases, so numbers are never reused.
    last_version_number BIGINT NOT NULL DEFAULT 0,
    UNIQUE (application_id, id)
);
CREATE INDEX configuration_profiles_by_application ON configuration_profiles (application_id, seq);

CREATE TABLE hosted_versions (
    application_id           TEXT COLLATE "C" NOT NULL,
    configuration_profile_id TEXT COLLATE "C" NOT NULL,
    version_number           BIGINT NOT NULL,
    description              TEXT,
    content_type             TEXT   NOT NULL,
    version_label            TEXT COLLATE "C",
    kms_key_arn              TEXT,
    content                  BYTEA  NOT NULL,
    content_size             BIGINT NOT NULL, -- bytes of content, kept for the region total
    created_at               BIGINT NOT NULL,
    PRIMARY KEY (application_id, configuration_profile_id, version_number),
    FOREIGN KEY (application_id, configuration_profile_id)
        REFERENCES configuration_profiles (application_id, id)
);
-- Labels are unique within a profile; NULL labels are distinct (NULLS DISTINCT is the default).
CREATE UNIQUE INDEX hosted_versions_by_label
    ON hosted_versions (application_id, configuration_profile_id, version_label);

-- Running total of hosted content bytes per region (the max_total_bytes quota).
CREATE TABLE region_usage (
    region       TEXT COLLATE "C" PRIMARY KEY,
    hosted_bytes BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE deployment_strategies (
    seq                            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                             TEXT COLLATE "C" NOT NULL UNIQUE,
    region                         TEXT COLLATE "C" NOT NULL,
    name                           TEXT             NOT NULL,
    description                    TEXT,
    deployment_duration_in_minutes BIGINT           NOT NULL,
    growth_type                    TEXT             NOT NULL,
    growth_factor                  DOUBLE PRECISION NOT NULL,
    final_bake_time_in_minutes     BIGINT           NOT NULL,
    replicate_to                   TEXT             NOT NULL,
    created_at                     BIGINT           NOT NULL
);
CREATE INDEX deployment_strategies_by_region ON deployment_strategies (region, seq);

-- Tags by resource ARN (a child's ARN extends its application's ARN with '/...').
CREATE TABLE tags (
    arn   TEXT COLLATE "C" NOT NULL,
    key   TEXT COLLATE "C" NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (arn, key)
);

CREATE TABLE account_settings (
    region                       TEXT COLLATE "C" PRIMARY KEY,
    deletion_protection_enabled  BOOLEAN NOT NULL,
    protection_period_in_minutes BIGINT  NOT NULL
);

CREATE TABLE secrets (
    name  TEXT COLLATE "C" PRIMARY KEY,
    value BYTEA NOT NULL
);

CREATE TABLE deployments (
    application_id                 TEXT COLLATE "C" NOT NULL,
    environment_id                 TEXT COLLATE "C" NOT NULL,
    deployment_number              BIGINT           NOT NULL,
    configuration_profile_id       TEXT             NOT NULL,
    deployment_strategy_id         TEXT             NOT NULL,
    configuration_name             TEXT             NOT NULL,
    configuration_location_uri     TEXT             NOT NULL,
    configuration_version          TEXT             NOT NULL, -- as the caller gave it
    hosted_version_number          BIGINT           NOT NULL, -- what it resolved to
    version_label                  TEXT,
    description                    TEXT,
    -- The strategy as it was when the deployment started.
    deployment_duration_in_minutes BIGINT           NOT NULL,
    growth_type                    TEXT             NOT NULL, -- LINEAR | EXPONENTIAL
    growth_factor                  DOUBLE PRECISION NOT NULL,
    final_bake_time_in_minutes     BIGINT           NOT NULL,
    step_timing                    TEXT             NOT NULL, -- OBSERVED | DOCUMENTED
    state                          TEXT             NOT NULL, -- DeploymentState, SCREAMING_SNAKE_CASE
    percentage_complete            DOUBLE PRECISION NOT NULL,
    started_at                     BIGINT           NOT NULL,
    completed_at                   BIGINT,
    event_log                      TEXT             NOT NULL, -- JSON array of DeploymentEvent, oldest first
    kms_key_identifier             TEXT,
    monitors                       TEXT             NOT NULL, -- JSON array of Monitor
    next_due_at                    BIGINT,                    -- NULL once the deployment is finished
    revision                       BIGINT           NOT NULL, -- compare-and-set counter
    PRIMARY KEY (application_id, environment_id, deployment_number),
    FOREIGN KEY (application_id, environment_id) REFERENCES environments (application_id, id)
);
-- The engine's queue: due deployments earliest first (finished ones carry no due time).
CREATE INDEX deployments_due
    ON deployments (next_due_at, application_id, environment_id, deployment_number)
    WHERE next_due_at IS NOT NULL;
-- Deployments in progress (at most one per environment). Queries must repeat this exact
-- predicate for the planner to use the index.
CREATE INDEX deployments_in_progress
    ON deployments (application_id, environment_id, deployment_number)
    WHERE state IN ('DEPLOYING', 'BAKING', 'VALIDATING', 'ROLLING_BACK');

-- The configuration a deployment delivers, apart so that reading a deployment doesn't load it.
CREATE TABLE deployment_content (
    application_id    TEXT COLLATE "C" NOT NULL,
    environment_id    TEXT COLLATE "C" NOT NULL,
    deployment_number BIGINT NOT NULL,
    content_type      TEXT   NOT NULL,
    content           BYTEA  NOT NULL,
    PRIMARY KEY (application_id, environment_id, deployment_number),
    FOREIGN KEY (application_id, environment_id, deployment_number)
        REFERENCES deployments (application_id, environment_id, deployment_number)
);

-- ramp's alarms, global, by name (the NAME of a monitor's CloudWatch alarm ARN).
CREATE TABLE alarms (
    name       TEXT COLLATE "C" PRIMARY KEY,
    state      TEXT   NOT NULL, -- OK | ALARM | INSUFFICIENT_DATA
    reason     TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Leases, through which the nodes sharing a store agree on who does a piece of work (the
-- deployment engine's milestones). Times are real epoch milliseconds, never a ramp clock.
CREATE TABLE leases (
    name       TEXT COLLATE "C" PRIMARY KEY,
    holder     TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
