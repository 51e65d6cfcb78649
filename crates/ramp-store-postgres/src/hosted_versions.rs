//! Hosted configuration versions: numbered per profile from the profile's counter (never
//! reused), with unique labels, and their bytes counted against a per-region total.

use ramp_domain::entities::{HostedVersion, HostedVersionInfo, NewHostedVersion};
use ramp_domain::store::{Conflict, Error, LabelFilter, Listed, ResourceKind, Result, Slice};
use sqlx::{PgConnection, PgExecutor, query};

use crate::applications;
use crate::rows::{self, after_descending, each, limit};
use crate::sql::{all_rows, execute, exists, get, insert, one_row, optional_row};

/// `AppConfigStore::create_hosted_version` in one transaction. Locking the profile's row first makes
/// every creation and deletion in the profile take turns, so the expected-latest and label
/// checks below hold until commit and the counter hands out consecutive numbers; the region's
/// byte total is checked and raised in one statement, which locks its row.
pub(crate) async fn create(
    conn: &mut PgConnection,
    region: &str,
    version: NewHostedVersion,
    expected_latest: Option<i64>,
    max_total_bytes: u64,
) -> Result<HostedVersionInfo> {
    let (app, profile) = (&version.application_id, &version.configuration_profile_id);
    let found = optional_row(
        &mut *conn,
        query(
            "SELECT p.kms_key_identifier, a.region FROM configuration_profiles p \
             JOIN applications a ON a.id = p.application_id WHERE p.application_id = $1 AND p.id = $2 \
             FOR NO KEY UPDATE OF p",
        )
        .bind(app)
        .bind(profile),
    )
    .await?;
    let kms_key_arn: Option<String> = match found {
        Some(row) if get::<String>(&row, 1)? == region => get(&row, 0)?,
        Some(_) => return Err(Error::NotFound(ResourceKind::Application)),
        None if applications::exists_with_id(conn, app).await? => {
            return Err(Error::NotFound(ResourceKind::ConfigurationProfile));
        }
        None => return Err(Error::NotFound(ResourceKind::Application)),
    };

    if let Some(expected) = expected_latest {
        let row = one_row(
            &mut *conn,
            query(
                "SELECT MAX(version_number) FROM hosted_versions \
                 WHERE application_id = $1 AND configuration_profile_id = $2",
            )
            .bind(app)
            .bind(profile),
        )
        .await?;
        let latest = get::<Option<i64>>(&row, 0)?.unwrap_or(0);
        if latest != expected {
            return Err(Error::Conflict(Conflict::LatestVersion {
                expected,
                actual: latest,
            }));
        }
    }

    if let Some(label) = &version.version_label
        && exists(
            &mut *conn,
            query(
                "SELECT 1 FROM hosted_versions \
                 WHERE application_id = $1 AND configuration_profile_id = $2 AND version_label = $3",
            )
            .bind(app)
            .bind(profile)
            .bind(label),
        )
        .await?
    {
        return Err(Error::Conflict(Conflict::LabelTaken { label: label.clone() }));
    }

    let size = i64::try_from(version.content.len()).map_err(|_| Error::Unavailable("content too large".to_owned()))?;
    let max = i64::try_from(max_total_bytes).unwrap_or(i64::MAX);
    // Adds `size` to the region's total only if the sum stays within `max`: no row comes back
    // when it would not. ON CONFLICT locks an existing row and re-checks against its latest value.
    let added = optional_row(
        &mut *conn,
        query(
            "INSERT INTO region_usage (region, hosted_bytes) SELECT $1, $2 WHERE $2 <= $3 \
             ON CONFLICT (region) DO UPDATE SET hosted_bytes = region_usage.hosted_bytes + excluded.hosted_bytes \
             WHERE region_usage.hosted_bytes + excluded.hosted_bytes <= $3 \
             RETURNING hosted_bytes",
        )
        .bind(region)
        .bind(size)
        .bind(max),
    )
    .await?;
    if added.is_none() {
        return Err(Error::QuotaExceeded);
    }

    let row = one_row(
        &mut *conn,
        query(
            "UPDATE configuration_profiles SET last_version_number = last_version_number + 1 \
             WHERE application_id = $1 AND id = $2 RETURNING last_version_number",
        )
        .bind(app)
        .bind(profile),
    )
    .await?;
    let number: i64 = get(&row, 0)?;

    insert(
        conn,
        query(
            "INSERT INTO hosted_versions \
             (application_id, configuration_profile_id, version_number, description, content_type, \
              version_label, kms_key_arn, content, content_size, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(app)
        .bind(profile)
        .bind(number)
        .bind(&version.description)
        .bind(&version.content_type)
        .bind(&version.version_label)
        .bind(&kms_key_arn)
        .bind(&version.content[..])
        .bind(size)
        .bind(version.created_at.millis()),
        ResourceKind::HostedConfigurationVersion,
    )
    .await?;

    Ok(HostedVersionInfo {
        application_id: version.application_id,
        configuration_profile_id: version.configuration_profile_id,
        version_number: number,
        description: version.description,
        content_type: version.content_type,
        version_label: version.version_label,
        kms_key_arn,
        created_at: version.created_at,
    })
}

pub(crate) async fn get_one<'c>(
    executor: impl PgExecutor<'c>,
    application_id: &str,
    profile_id: &str,
    number: i64,
) -> Result<Option<HostedVersion>> {
    let sql = concat!(
        "SELECT ",
        rows::hosted_columns!(),
        " FROM hosted_versions \
         WHERE application_id = $1 AND configuration_profile_id = $2 AND version_number = $3"
    );
    let row = optional_row(executor, query(sql).bind(application_id).bind(profile_id).bind(number)).await?;
    row.map(|r| rows::hosted(&r)).transpose()
}

pub(crate) async fn by_label<'c>(
    executor: impl PgExecutor<'c>,
    application_id: &str,
    profile_id: &str,
    label: &str,
) -> Result<Option<HostedVersion>> {
    let sql = concat!(
        "SELECT ",
        rows::hosted_columns!(),
        " FROM hosted_versions \
         WHERE application_id = $1 AND configuration_profile_id = $2 AND version_label = $3"
    );
    let row = optional_row(executor, query(sql).bind(application_id).bind(profile_id).bind(label)).await?;
    row.map(|r| rows::hosted(&r)).transpose()
}

pub(crate) async fn latest<'c>(
    executor: impl PgExecutor<'c>,
    application_id: &str,
    profile_id: &str,
) -> Result<Option<HostedVersion>> {
    let sql = concat!(
        "SELECT ",
        rows::hosted_columns!(),
        " FROM hosted_versions \
         WHERE application_id = $1 AND configuration_profile_id = $2 ORDER BY version_number DESC LIMIT 1"
    );
    let row = optional_row(executor, query(sql).bind(application_id).bind(profile_id)).await?;
    row.map(|r| rows::hosted(&r)).transpose()
}

/// Newest first, only those whose label matches `label` when it is given. A prefix is
/// compared with `starts_with`, which has no wildcards (unlike LIKE).
pub(crate) async fn list<'c>(
    executor: impl PgExecutor<'c>,
    application_id: &str,
    profile_id: &str,
    label: Option<&LabelFilter>,
    slice: Slice,
) -> Result<Vec<Listed<HostedVersionInfo>>> {
    let (exact, prefix) = match label {
        None => (None, None),
        Some(LabelFilter::Exact(label)) => (Some(label.as_str()), None),
        Some(LabelFilter::Prefix(prefix)) => (None, Some(prefix.as_str())),
    };
    let sql = concat!(
        "SELECT ",
        rows::hosted_info_columns!(),
        " FROM hosted_versions \
         WHERE application_id = $1 AND configuration_profile_id = $2 \
         AND ($3::text IS NULL OR version_label = $3) \
         AND ($4::text IS NULL OR starts_with(version_label, $4)) \
         AND version_number < $5 ORDER BY version_number DESC LIMIT $6"
    );
    let found = all_rows(
        executor,
        query(sql)
            .bind(application_id)
            .bind(profile_id)
            .bind(exact)
            .bind(prefix)
            .bind(after_descending(slice))
            .bind(limit(slice)),
    )
    .await?;
    each(&found, rows::hosted_info)
}

/// Also gives the version's bytes back to its region's total. Locks the profile first, like
/// `create`, so the two take turns (and the lock order stays profile → version → region).
pub(crate) async fn delete(conn: &mut PgConnection, application_id: &str, profile_id: &str, number: i64) -> Result<()> {
    execute(
        &mut *conn,
        query("SELECT 1 FROM configuration_profiles WHERE application_id = $1 AND id = $2 FOR NO KEY UPDATE")
            .bind(application_id)
            .bind(profile_id),
    )
    .await?;
    let deleted = optional_row(
        &mut *conn,
        query(
            "DELETE FROM hosted_versions \
             WHERE application_id = $1 AND configuration_profile_id = $2 AND version_number = $3 \
             RETURNING content_size",
        )
        .bind(application_id)
        .bind(profile_id)
        .bind(number),
    )
    .await?;
    let Some(deleted) = deleted else {
        return Err(Error::NotFound(ResourceKind::HostedConfigurationVersion));
    };
    let size: i64 = get(&deleted, 0)?;
    execute(
        conn,
        query(
            "UPDATE region_usage SET hosted_bytes = hosted_bytes - $2 \
             WHERE region = (SELECT region FROM applications WHERE id = $1)",
        )
        .bind(application_id)
        .bind(size),
    )
    .await?;
    Ok(())
}
