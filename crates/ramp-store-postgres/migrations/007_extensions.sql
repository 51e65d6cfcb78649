-- ramp's PostgreSQL schema, version 7 (the SQLite store's 007_extensions.sql, table for table):
-- AppConfig extensions (spec/appconfig.md §8). Keys compare bytewise (COLLATE "C") as in SQLite.
--
-- As Amplify's tables (005): each resource is a JSON document (`doc`, the serde form of the
-- domain type) beside its key columns and the columns the store's rules query, which are
-- written from the same value as `doc`. No foreign keys: a delete removes the rows below it
-- itself, in its transaction.

-- One row per extension of a region (whatever its number of versions): it holds the rule
-- "one id per name per region" as two UNIQUE constraints, its `seq` is the creation order of
-- the extension's first version (ListExtensions' order and cursor), and it is the row a new
-- version's writer locks. Deleting the last version deletes it.
CREATE TABLE extensions (
    seq    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region TEXT COLLATE "C" NOT NULL,
    id     TEXT COLLATE "C" NOT NULL,
    name   TEXT COLLATE "C" NOT NULL,
    UNIQUE (region, id),
    UNIQUE (region, name)
);
CREATE INDEX extensions_by_region ON extensions (region, seq);

-- Each version of an extension (its ARN ends in `{id}/{version_number}`).
CREATE TABLE extension_versions (
    region         TEXT COLLATE "C" NOT NULL,
    id             TEXT COLLATE "C" NOT NULL,
    version_number BIGINT  NOT NULL,
    doc            TEXT    NOT NULL, -- JSON Extension
    PRIMARY KEY (region, id, version_number)
);

-- Associations of an extension (version) with an application, environment or profile. `arn`
-- is the association's own ARN, kept so that deleting the associations below a resource can
-- delete their tags. One association per extension and resource.
CREATE TABLE extension_associations (
    seq                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region                   TEXT COLLATE "C" NOT NULL,
    id                       TEXT COLLATE "C" NOT NULL,
    extension_id             TEXT COLLATE "C" NOT NULL,
    extension_version_number BIGINT  NOT NULL,
    resource_arn             TEXT COLLATE "C" NOT NULL,
    arn                      TEXT COLLATE "C" NOT NULL,
    doc                      TEXT    NOT NULL, -- JSON ExtensionAssociation
    UNIQUE (region, id),
    UNIQUE (region, extension_id, resource_arn) -- also serves the filter by extension
);
CREATE INDEX extension_associations_by_resource ON extension_associations (region, resource_arn, seq);
CREATE INDEX extension_associations_by_region ON extension_associations (region, seq);

-- Invocations of actions recorded after the deployment transition that caused them, shown in
-- event `event_index` of the deployment. Recording the same invocation again (a retry) updates
-- its row in place, so `seq` keeps the order in which each was first recorded.
CREATE TABLE extension_invocations (
    seq               BIGINT GENERATED ALWAYS AS IDENTITY,
    application_id    TEXT COLLATE "C" NOT NULL,
    environment_id    TEXT COLLATE "C" NOT NULL,
    deployment_number BIGINT  NOT NULL,
    invocation_id     TEXT COLLATE "C" NOT NULL,
    event_index       BIGINT  NOT NULL,
    doc               TEXT    NOT NULL, -- JSON ActionInvocation
    PRIMARY KEY (application_id, environment_id, deployment_number, invocation_id)
);
CREATE INDEX extension_invocations_in_order
    ON extension_invocations (application_id, environment_id, deployment_number, seq);

-- The extensions a deployment applies, taken when it starts (JSON array of AppliedExtension).
ALTER TABLE deployments ADD COLUMN applied_extensions TEXT NOT NULL DEFAULT '[]';
