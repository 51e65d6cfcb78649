-- ramp's storage schema, version 2: deployments, the content they deliver, and alarms.
--
-- Same conventions as version 1 (INTEGER epoch milliseconds, TEXT ids, BLOB content, JSON TEXT
-- for lists). Everything here exists in PostgreSQL as written, partial indexes included
-- (REAL becomes DOUBLE PRECISION, BLOB becomes BYTEA).

-- Highest deployment number ever assigned in the environment; never decreases, so numbers are
-- never reused. Starting a deployment increments it first, which in PostgreSQL also locks the
-- environment row against a concurrent start.
ALTER TABLE environments ADD COLUMN last_deployment_number INTEGER NOT NULL DEFAULT 0;

CREATE TABLE deployments (
    application_id                 TEXT    NOT NULL,
    environment_id                 TEXT    NOT NULL,
    deployment_number              INTEGER NOT NULL,
    configuration_profile_id       TEXT    NOT NULL,
    deployment_strategy_id         TEXT    NOT NULL,
    configuration_name             TEXT    NOT NULL,
    configuration_location_uri     TEXT    NOT NULL,
    configuration_version          TEXT    NOT NULL, -- as the caller gave it
    hosted_version_number          INTEGER NOT NULL, -- what it resolved to
    version_label                  TEXT,
    description                    TEXT,
    -- The strategy as it was when the deployment started.
    deployment_duration_in_minutes INTEGER NOT NULL,
    growth_type                    TEXT    NOT NULL, -- LINEAR | EXPONENTIAL
    growth_factor                  REAL    NOT NULL,
    final_bake_time_in_minutes     INTEGER NOT NULL,
    step_timing                    TEXT    NOT NULL, -- OBSERVED | DOCUMENTED
    state                          TEXT    NOT NULL, -- DeploymentState, SCREAMING_SNAKE_CASE
    percentage_complete            REAL    NOT NULL,
    started_at                     INTEGER NOT NULL,
    completed_at                   INTEGER,
    event_log                      TEXT    NOT NULL, -- JSON array of DeploymentEvent, oldest first
    kms_key_identifier             TEXT,
    monitors                       TEXT    NOT NULL, -- JSON array of Monitor
    next_due_at                    INTEGER,          -- NULL once the deployment is finished
    revision                       INTEGER NOT NULL, -- compare-and-set counter
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
    application_id    TEXT    NOT NULL,
    environment_id    TEXT    NOT NULL,
    deployment_number INTEGER NOT NULL,
    content_type      TEXT    NOT NULL,
    content           BLOB    NOT NULL,
    PRIMARY KEY (application_id, environment_id, deployment_number),
    FOREIGN KEY (application_id, environment_id, deployment_number)
        REFERENCES deployments (application_id, environment_id, deployment_number)
);

-- ramp's alarms, global, by name (the NAME of a monitor's CloudWatch alarm ARN).
CREATE TABLE alarms (
    name       TEXT    PRIMARY KEY,
    state      TEXT    NOT NULL, -- OK | ALARM | INSUFFICIENT_DATA
    reason     TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);
