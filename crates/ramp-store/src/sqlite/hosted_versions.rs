//! Hosted configuration versions: numbered per profile from the profile's counter (never
//! reused), with unique labels, and their bytes counted against a per-region total.

use ramp_domain::entities::{HostedVersion, HostedVersionInfo, NewHostedVersion};
use ramp_domain::store::{Conflict, Error, LabelFilter, Listed, ResourceKind, Result, Slice};
use rusqlite::{Connection, params};

use super::applications;
use super::sql::{all_rows, execute, exists, insert, one_row, optional_row};
use crate::rows::{self, after_descending, limit};

/// `SqliteStore::create_hosted_version` (whose doc gives the contract) in one write job: checks
/// the profile and its region, `expected_latest`, the label and the byte total, then takes the
/// profile's next number.
pub(super) fn create(
    conn: &Connection,
    region: &str,
    version: NewHostedVersion,
    expected_latest: Option<i64>,
    max_total_bytes: u64,
) -> Result<HostedVersionInfo> {
    let app = (&version.application_id, &version.configuration_profile_id);
    let profile = optional_row(
        conn,
        "SELECT p.kms_key_identifier, a.region FROM configuration_profiles p \
         JOIN applications a ON a.id = p.application_id WHERE p.application_id = ?1 AND p.id = ?2",
        [app.0, app.1],
        |row| Ok((row.get::<_, Option<String>>(0)?, row.get::<_, String>(1)?)),
    )?;
    let kms_key_arn = match profile {
        Some((kms, app_region)) if app_region == region => kms,
        Some(_) => return Err(Error::NotFound(ResourceKind::Application)),
        None if applications::exists_with_id(conn, app.0)? => {
            return Err(Error::NotFound(ResourceKind::ConfigurationProfile));
        }
        None => return Err(Error::NotFound(ResourceKind::Application)),
    };

    if let Some(expected) = expected_latest {
        let latest: Option<i64> = one_row(
            conn,
            "SELECT MAX(version_number) FROM hosted_versions \
             WHERE application_id = ?1 AND configuration_profile_id = ?2",
            [app.0, app.1],
            |row| row.get(0),
        )?;
        let latest = latest.unwrap_or(0);
        if latest != expected {
            return Err(Error::Conflict(Conflict::LatestVersion {
                expected,
                actual: latest,
            }));
        }
    }

    if let Some(label) = &version.version_label
        && exists(
            conn,
            "SELECT 1 FROM hosted_versions \
             WHERE application_id = ?1 AND configuration_profile_id = ?2 AND version_label = ?3",
            [app.0, app.1, label],
        )?
    {
        return Err(Error::Conflict(Conflict::LabelTaken { label: label.clone() }));
    }

    let size = i64::try_from(version.content.len()).map_err(|_| Error::Unavailable("content too large".to_owned()))?;
    let used: i64 = optional_row(
        conn,
        "SELECT hosted_bytes FROM region_usage WHERE region = ?1",
        [region],
        |row| row.get(0),
    )?
    .unwrap_or(0);
    if i128::from(used) + i128::from(size) > i128::from(max_total_bytes) {
        return Err(Error::QuotaExceeded);
    }
    execute(
        conn,
        "INSERT INTO region_usage (region, hosted_bytes) VALUES (?1, ?2) \
         ON CONFLICT (region) DO UPDATE SET hosted_bytes = region_usage.hosted_bytes + excluded.hosted_bytes",
        params![region, size],
    )?;

    let number: i64 = one_row(
        conn,
        "UPDATE configuration_profiles SET last_version_number = last_version_number + 1 \
         WHERE application_id = ?1 AND id = ?2 RETURNING last_version_number",
        [app.0, app.1],
        |row| row.get(0),
    )?;

    insert(
        conn,
        "INSERT INTO hosted_versions \
         (application_id, configuration_profile_id, version_number, description, content_type, \
          version_label, kms_key_arn, content, content_size, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            version.application_id,
            version.configuration_profile_id,
            number,
            version.description,
            version.content_type,
            version.version_label,
            kms_key_arn,
            &version.content[..],
            size,
            version.created_at.millis(),
        ],
        ResourceKind::HostedConfigurationVersion,
    )?;

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

pub(super) fn get(
    conn: &Connection,
    application_id: &str,
    profile_id: &str,
    number: i64,
) -> Result<Option<HostedVersion>> {
    let sql = concat!(
        "SELECT ",
        rows::hosted_columns!(),
        " FROM hosted_versions ",
        "WHERE application_id = ?1 AND configuration_profile_id = ?2 AND version_number = ?3"
    );
    optional_row(conn, sql, params![application_id, profile_id, number], rows::hosted)
}

pub(super) fn by_label(
    conn: &Connection,
    application_id: &str,
    profile_id: &str,
    label: &str,
) -> Result<Option<HostedVersion>> {
    let sql = concat!(
        "SELECT ",
        rows::hosted_columns!(),
        " FROM hosted_versions ",
        "WHERE application_id = ?1 AND configuration_profile_id = ?2 AND version_label = ?3"
    );
    optional_row(conn, sql, [application_id, profile_id, label], rows::hosted)
}

pub(super) fn latest(conn: &Connection, application_id: &str, profile_id: &str) -> Result<Option<HostedVersion>> {
    let sql = concat!(
        "SELECT ",
        rows::hosted_columns!(),
        " FROM hosted_versions ",
        "WHERE application_id = ?1 AND configuration_profile_id = ?2 ORDER BY version_number DESC LIMIT 1"
    );
    optional_row(conn, sql, [application_id, profile_id], rows::hosted)
}

/// Newest first, only those whose label matches `label` when it is given.
pub(super) fn list(
    conn: &Connection,
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
        " FROM hosted_versions ",
        "WHERE application_id = ?1 AND configuration_profile_id = ?2 \
         AND (?3 IS NULL OR version_label = ?3) \
         AND (?4 IS NULL OR substr(version_label, 1, length(?4)) = ?4) \
         AND version_number < ?5 ORDER BY version_number DESC LIMIT ?6"
    );
    all_rows(
        conn,
        sql,
        params![
            application_id,
            profile_id,
            exact,
            prefix,
            after_descending(slice),
            limit(slice)
        ],
        rows::hosted_info,
    )
}

/// Also gives the version's bytes back to its region's total.
pub(super) fn delete(conn: &Connection, application_id: &str, profile_id: &str, number: i64) -> Result<()> {
    let size: Option<i64> = optional_row(
        conn,
        "DELETE FROM hosted_versions \
         WHERE application_id = ?1 AND configuration_profile_id = ?2 AND version_number = ?3 \
         RETURNING content_size",
        params![application_id, profile_id, number],
        |row| row.get(0),
    )?;
    let Some(size) = size else {
        return Err(Error::NotFound(ResourceKind::HostedConfigurationVersion));
    };
    execute(
        conn,
        "UPDATE region_usage SET hosted_bytes = hosted_bytes - ?2 \
         WHERE region = (SELECT region FROM applications WHERE id = ?1)",
        params![application_id, size],
    )?;
    Ok(())
}
