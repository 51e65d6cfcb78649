-- ramp's storage schema, version 4: the transactional outbox. Each deployment write (a
-- transition) inserts its messages here in its own transaction; the holder of the outbox lease
-- delivers them, each deployment's in id order, and marks them delivered. Times are ramp's
-- clock, epoch milliseconds. No foreign key: a message outlives the deployment it is about
-- (deleting an environment deletes its deployments, not what they still have to say).
CREATE TABLE outbox (
    id                INTEGER PRIMARY KEY AUTOINCREMENT, -- commit order (one writer)
    application_id    TEXT    NOT NULL,
    environment_id    TEXT    NOT NULL,
    deployment_number INTEGER NOT NULL,
    revision          INTEGER NOT NULL, -- the deployment's revision as that write stored it
    topic             TEXT    NOT NULL,
    payload           TEXT    NOT NULL, -- JSON
    created_at        INTEGER NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0, -- failed deliveries so far
    next_attempt_at   INTEGER,          -- NULL: at once
    last_error        TEXT,
    delivered_at      INTEGER           -- NULL until every handler took it
);
-- Pending messages by deployment, oldest first: the deliverer's queue and its per-deployment order.
CREATE INDEX outbox_pending
    ON outbox (application_id, environment_id, deployment_number, id)
    WHERE delivered_at IS NULL;
-- Delivered messages, for pruning.
CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE delivered_at IS NOT NULL;
