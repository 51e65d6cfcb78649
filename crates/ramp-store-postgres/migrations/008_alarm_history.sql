-- ramp's PostgreSQL schema, version 8 (the SQLite store's 008_alarm_history.sql): the history
-- of each alarm. Every put of an alarm appends its new state in the same transaction; the
-- store keeps the newest ALARM_HISTORY_KEPT (100) entries per alarm. `id` orders the entries.
CREATE TABLE alarm_history (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT COLLATE "C" NOT NULL,
    state      TEXT   NOT NULL, -- OK | ALARM | INSUFFICIENT_DATA
    reason     TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX alarm_history_by_name ON alarm_history (name, id);

-- The alarms stored before this version start their history with their current state.
INSERT INTO alarm_history (name, state, reason, updated_at)
    SELECT name, state, reason, updated_at FROM alarms ORDER BY updated_at, name;
