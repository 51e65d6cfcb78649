-- The access log, one row per (region, app) per appended batch instead of one row per
-- request: at tens of thousands of requests a second, a row (and two index entries) per
-- request cost a quarter of the server's CPU. The old table is dropped, not converted: the
-- access log is a log, and losing the entries written before the upgrade is acceptable.
--
-- `entries` holds the batch's entries for the app, postcard-encoded (a Vec<AccessLogEntry>).
-- postcard is not self-describing: a change to AccessLogEntry's fields needs a migration that
-- empties this table, as this one does. Pruning deletes the rows whose `last_time` is before
-- the cutoff (summing `entry_count`, without decoding them) and rewrites the few rows that
-- straddle it.
DROP TABLE amplify_access_log;

CREATE TABLE amplify_access_log_batches (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region      TEXT COLLATE "C" NOT NULL,
    app_id      TEXT COLLATE "C" NOT NULL,
    first_time  BIGINT  NOT NULL, -- the batch's earliest entry, in ms
    last_time   BIGINT  NOT NULL, -- the batch's latest entry, in ms
    entry_count BIGINT  NOT NULL, -- how many entries `entries` holds
    entries     BYTEA   NOT NULL
);
-- Reads ask for recent ranges: `last_time >= from` picks the overlapping rows.
CREATE INDEX amplify_access_log_batches_by_app ON amplify_access_log_batches (region, app_id, last_time, first_time);
-- Pruning: the rows wholly before the cutoff, then those straddling it.
CREATE INDEX amplify_access_log_batches_by_last_time ON amplify_access_log_batches (last_time);
CREATE INDEX amplify_access_log_batches_by_first_time ON amplify_access_log_batches (first_time);
