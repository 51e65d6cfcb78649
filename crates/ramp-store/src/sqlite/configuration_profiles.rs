//! Configuration profiles: children of an application, parents of hosted versions.
//! `validators` arrive already encoded as JSON.

use ramp_clock::Timestamp;
use ramp_domain::entities::{ConfigurationProfile, Tags};
use ramp_domain::store::{Listed, ResourceKind, Result, Slice};
use rusqlite::{Connection, params};

use super::sql::{all_rows, changed, execute, insert, no_children, optional_item, unprotected, within_quota};
use super::{applications, tags};
use crate::rows::{self, after_ascending, limit};

pub(super) fn create(
    conn: &Connection,
    profile: &ConfigurationProfile,
    validators: &str,
    arn: &str,
    tags: &Tags,
    max_per_application: u64,
) -> Result<()> {
    applications::require_parent(conn, &profile.application_id)?;
    within_quota(
        conn,
        "SELECT COUNT(*) FROM configuration_profiles WHERE application_id = ?1",
        &profile.application_id,
        max_per_application,
    )?;
    insert(
        conn,
        "INSERT INTO configuration_profiles \
         (application_id, id, name, description, location_uri, retrieval_role_arn, validators, \
          profile_type, kms_key_identifier, created_at, last_accessed_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            profile.application_id,
            profile.id,
            profile.name,
            profile.description,
            profile.location_uri,
            profile.retrieval_role_arn,
            validators,
            profile.profile_type,
            profile.kms_key_identifier,
            profile.created_at.millis(),
            profile.last_accessed_at.map(|t| t.millis()),
        ],
        ResourceKind::ConfigurationProfile,
    )?;
    tags::put(conn, arn, tags)
}

pub(super) fn get(conn: &Connection, application_id: &str, id: &str) -> Result<Option<ConfigurationProfile>> {
    let sql = concat!(
        "SELECT ",
        rows::profile_columns!(),
        " FROM configuration_profiles ",
        "WHERE application_id = ?1 AND id = ?2"
    );
    optional_item(conn, sql, [application_id, id], rows::profile)
}

/// In creation order, only those of `profile_type` when it is given.
pub(super) fn list(
    conn: &Connection,
    application_id: &str,
    profile_type: Option<&str>,
    slice: Slice,
) -> Result<Vec<Listed<ConfigurationProfile>>> {
    let sql = concat!(
        "SELECT ",
        rows::profile_columns!(),
        " FROM configuration_profiles ",
        "WHERE application_id = ?1 AND (?2 IS NULL OR profile_type = ?2) AND seq > ?3 ORDER BY seq LIMIT ?4"
    );
    all_rows(
        conn,
        sql,
        params![application_id, profile_type, after_ascending(slice), limit(slice)],
        rows::profile,
    )
}

pub(super) fn update(conn: &Connection, profile: &ConfigurationProfile, validators: &str) -> Result<()> {
    let n = execute(
        conn,
        "UPDATE configuration_profiles SET name = ?3, description = ?4, location_uri = ?5, \
         retrieval_role_arn = ?6, validators = ?7, profile_type = ?8, kms_key_identifier = ?9 \
         WHERE application_id = ?1 AND id = ?2",
        params![
            profile.application_id,
            profile.id,
            profile.name,
            profile.description,
            profile.location_uri,
            profile.retrieval_role_arn,
            validators,
            profile.profile_type,
            profile.kms_key_identifier,
        ],
    )?;
    changed(n, ResourceKind::ConfigurationProfile)
}

/// Refused while the profile has hosted versions.
pub(super) fn delete(
    conn: &Connection,
    application_id: &str,
    id: &str,
    arn: &str,
    protected_if_accessed_after: Option<Timestamp>,
) -> Result<()> {
    unprotected(
        conn,
        "SELECT last_accessed_at FROM configuration_profiles WHERE application_id = ?1 AND id = ?2",
        [application_id, id],
        ResourceKind::ConfigurationProfile,
        protected_if_accessed_after,
    )?;
    no_children(
        conn,
        "SELECT 1 FROM hosted_versions WHERE application_id = ?1 AND configuration_profile_id = ?2",
        [application_id, id],
        ResourceKind::HostedConfigurationVersion,
    )?;
    execute(
        conn,
        "DELETE FROM configuration_profiles WHERE application_id = ?1 AND id = ?2",
        [application_id, id],
    )?;
    tags::delete(conn, arn)
}
