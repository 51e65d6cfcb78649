-- ramp's storage schema, version 7: AppConfig extensions (spec/appconfig.md §8).
--
-- As Amplify's tables (005): each resource is a JSON document (`doc`, the serde form of the
-- domain type) beside its key columns and the columns the store's rules query, which are
-- written from the same value as `doc`. No foreign keys: a delete removes the rows below it
-- itself, in its transaction.

-- One row per extension of a region (whatever its number of versions): it holds the rule
-- "one id per name per region" as two UNIQUE constraints, its `seq` is the creation order of
-- the extension's first version (ListExtensions' order and cursor), and on PostgreSQL it is
-- the row a new version's writer locks. Deleting the last version deletes it.
CREATE TABLE extensions (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    region TEXT    NOT NULL,
    id     TEXT    NOT NULL,
    name   TEXT    NOT NULL,
    UNIQUE (region, id),
    UNIQUE (region, name)
);
CREATE INDEX extensions_by_region ON extensions (region, seq);

-- Each version of an extension (its ARN ends in `{id}/{version_number}`).
CREATE TABLE extension_versions (
    region         TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    version_number INTEGER NOT NULL,
    doc            TEXT    NOT NULL, -- JSON Extension
    PRIMARY KEY (region, id, version_number)
);

-- Associations of an extension (version) with an application, environment or profile. `arn`
-- is the association's own ARN, kept so that deleting the associations below a resource can
-- delete their tags. One association per extension and resource.
CREATE TABLE extension_associations (
    seq                      INTEGER PRIMARY KEY AUTOINCREMENT,
    region                   TEXT    NOT NULL,
    id                       TEXT    NOT NULL,
    extension_id             TEXT    NOT NULL,
    extension_version_number INTEGER NOT NULL,
    resource_arn             TEXT    NOT NULL,
    arn                      TEXT    NOT NULL,
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
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id    TEXT    NOT NULL,
    environment_id    TEXT    NOT NULL,
    deployment_number INTEGER NOT NULL,
    invocation_id     TEXT    NOT NULL,
    event_index       INTEGER NOT NULL,
    doc               TEXT    NOT NULL, -- JSON ActionInvocation
    UNIQUE (application_id, environment_id, deployment_number, invocation_id)
);
CREATE INDEX extension_invocations_in_order
    ON extension_invocations (application_id, environment_id, deployment_number, seq);

-- The extensions a deployment applies, taken when it starts (JSON array of AppliedExtension).
ALTER TABLE deployments ADD COLUMN applied_extensions TEXT NOT NULL DEFAULT '[]';
