//! Configuration profiles: children of an application, parents of hosted versions.
//! `validators` arrive already encoded as JSON.

use ramp_clock::Timestamp;
use ramp_domain::entities::{ConfigurationProfile, Tags};
use ramp_domain::store::{Listed, ResourceKind, Result, Slice};
use sqlx::{PgConnection, PgExecutor, query};

use crate::rows::{self, after_ascending, each, limit};
use crate::sql::{all_rows, changed, execute, insert, no_children, optional_row, unprotected, within_quota};
use crate::{applications, tags};

/// Counts the application's profiles with its row locked (see `applications::lock_parent`).
pub(crate) async fn create(
    conn: &mut PgConnection,
    profile: &ConfigurationProfile,
    validators: &str,
    arn: &str,
    tags: &Tags,
    max_per_application: u64,
) -> Result<()> {
    applications::lock_parent(conn, &profile.application_id).await?;
    within_quota(
        conn,
        query("SELECT COUNT(*) FROM configuration_profiles WHERE application_id = $1").bind(&profile.application_id),
        max_per_application,
    )
    .await?;
    insert(
        conn,
        query(
            "INSERT INTO configuration_profiles \
             (application_id, id, name, description, location_uri, retrieval_role_arn, validators, \
              profile_type, kms_key_identifier, created_at, last_accessed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&profile.application_id)
        .bind(&profile.id)
        .bind(&profile.name)
        .bind(&profile.description)
        .bind(&profile.location_uri)
        .bind(&profile.retrieval_role_arn)
        .bind(validators)
        .bind(&profile.profile_type)
        .bind(&profile.kms_key_identifier)
        .bind(profile.created_at.millis())
        .bind(profile.last_accessed_at.map(|t| t.millis())),
        ResourceKind::ConfigurationProfile,
    )
    .await?;
    tags::put(conn, arn, tags).await
}

pub(crate) async fn get<'c>(
    executor: impl PgExecutor<'c>,
    application_id: &str,
    id: &str,
) -> Result<Option<ConfigurationProfile>> {
    let sql = concat!(
        "SELECT ",
        rows::profile_columns!(),
        " FROM configuration_profiles WHERE application_id = $1 AND id = $2"
    );
    let row = optional_row(executor, query(sql).bind(application_id).bind(id)).await?;
    row.map(|r| rows::profile(&r).map(|l| l.item)).transpose()
}

/// In creation order, only those of `profile_type` when it is given.
pub(crate) async fn list<'c>(
    executor: impl PgExecutor<'c>,
    application_id: &str,
    profile_type: Option<&str>,
    slice: Slice,
) -> Result<Vec<Listed<ConfigurationProfile>>> {
    let sql = concat!(
        "SELECT ",
        rows::profile_columns!(),
        " FROM configuration_profiles \
         WHERE application_id = $1 AND ($2::text IS NULL OR profile_type = $2) AND seq > $3 ORDER BY seq LIMIT $4"
    );
    let found = all_rows(
        executor,
        query(sql)
            .bind(application_id)
            .bind(profile_type)
            .bind(after_ascending(slice))
            .bind(limit(slice)),
    )
    .await?;
    each(&found, rows::profile)
}

/// The editable members only: the last access and the version counter are never overwritten.
pub(crate) async fn update<'c>(
    executor: impl PgExecutor<'c>,
    profile: &ConfigurationProfile,
    validators: &str,
) -> Result<()> {
    let n = execute(
        executor,
        query(
            "UPDATE configuration_profiles SET name = $3, description = $4, location_uri = $5, \
             retrieval_role_arn = $6, validators = $7, profile_type = $8, kms_key_identifier = $9 \
             WHERE application_id = $1 AND id = $2",
        )
        .bind(&profile.application_id)
        .bind(&profile.id)
        .bind(&profile.name)
        .bind(&profile.description)
        .bind(&profile.location_uri)
        .bind(&profile.retrieval_role_arn)
        .bind(validators)
        .bind(&profile.profile_type)
        .bind(&profile.kms_key_identifier),
    )
    .await?;
    changed(n, ResourceKind::ConfigurationProfile)
}

/// Refused while the profile has hosted versions. The row lock makes a concurrent
/// `create_hosted_version` (which locks the profile first) take turns with this check.
pub(crate) async fn delete(
    conn: &mut PgConnection,
    application_id: &str,
    id: &str,
    arn: &str,
    protected_if_accessed_after: Option<Timestamp>,
) -> Result<()> {
    unprotected(
        conn,
        query("SELECT last_accessed_at FROM configuration_profiles WHERE application_id = $1 AND id = $2 FOR UPDATE")
            .bind(application_id)
            .bind(id),
        ResourceKind::ConfigurationProfile,
        protected_if_accessed_after,
    )
    .await?;
    no_children(
        conn,
        query("SELECT 1 FROM hosted_versions WHERE application_id = $1 AND configuration_profile_id = $2 LIMIT 1")
            .bind(application_id)
            .bind(id),
        ResourceKind::HostedConfigurationVersion,
    )
    .await?;
    execute(
        &mut *conn,
        query("DELETE FROM configuration_profiles WHERE application_id = $1 AND id = $2")
            .bind(application_id)
            .bind(id),
    )
    .await?;
    tags::delete(conn, arn).await
}
