-- ramp's PostgreSQL schema, version 4 (the SQLite store's 004_outbox.sql, table for table): the
-- transactional outbox. Each deployment write (a transition) inserts its messages in its own
-- transaction; the holder of the outbox lease delivers them, each deployment's in id order.
-- Ids come from an identity column: not commit order across deployments, but within one
-- deployment they are, since its writes are serialized by the deployment's row lock and take
-- their id after it. No foreign key: a message outlives the deployment it is about.
CREATE TABLE outbox (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id    TEXT   NOT NULL,
    environment_id    TEXT   NOT NULL,
    deployment_number BIGINT NOT NULL,
    revision          BIGINT NOT NULL, -- the deployment's revision as that write stored it
    topic             TEXT   NOT NULL,
    payload           TEXT   NOT NULL, -- JSON
    created_at        BIGINT NOT NULL,
    attempts          BIGINT NOT NULL DEFAULT 0, -- failed deliveries so far
    next_attempt_at   BIGINT,          -- NULL: at once
    last_error        TEXT,
    delivered_at      BIGINT           -- NULL until every handler took it
);
CREATE INDEX outbox_pending
    ON outbox (application_id, environment_id, deployment_number, id)
    WHERE delivered_at IS NULL;
CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE delivered_at IS NOT NULL;
