-- ramp's storage schema, version 3: leases, through which the nodes sharing a store agree on
-- who does a piece of work (the deployment engine's milestones). Times are real epoch
-- milliseconds, never the scaled or manual ramp clock.
CREATE TABLE leases (
    name       TEXT    PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
