//! Extension versions: one row each in `extension_versions`, below their extension's row in
//! `extensions`, which holds the name (one id per name per region) and the list order.

use ramp_domain::entities::Tags;
use ramp_domain::extensions::Extension;
use ramp_domain::store::{Conflict, Error, ExtensionRef, Listed, ResourceKind, Result, Slice, next_extension_version};
use rusqlite::{Connection, params};

use crate::rows::{after_ascending, limit};
use crate::sqlite::sql::{
    all_rows, doc, execute, insert, json, listed, must_exist, no_children, one_row, optional_row, within_quota,
};
use crate::sqlite::tags;

/// `ExtensionStore::create_extension` (whose doc gives the contract) in one write job. The
/// document is encoded here, not before the job: its id and number are decided here.
pub(super) fn create(
    conn: &Connection,
    new: &Extension,
    arn_base: &str,
    tags: &Tags,
    latest_version_number: Option<i64>,
    max: u64,
) -> Result<Extension> {
    let existing: Option<String> = optional_row(
        conn,
        "SELECT id FROM extensions WHERE region = ?1 AND name = ?2",
        [&new.region, &new.name],
        |row| row.get(0),
    )?;
    let (id, number) = match existing {
        None => {
            if let Some(expected) = latest_version_number.filter(|n| *n != 0) {
                return Err(Error::Conflict(Conflict::LatestVersion { expected, actual: 0 }));
            }
            within_quota(
                conn,
                "SELECT COUNT(*) FROM extensions WHERE region = ?1",
                &new.region,
                max,
            )?;
            insert(
                conn,
                "INSERT INTO extensions (region, id, name) VALUES (?1, ?2, ?3)",
                [&new.region, &new.id, &new.name],
                ResourceKind::Extension,
            )?;
            (new.id.clone(), 1)
        }
        Some(id) => {
            let actual = latest_number(conn, &new.region, &id)?;
            (id, next_extension_version(latest_version_number, actual)?)
        }
    };
    let stored = Extension {
        id,
        version_number: number,
        ..new.clone()
    };
    insert(
        conn,
        "INSERT INTO extension_versions (region, id, version_number, doc) VALUES (?1, ?2, ?3, ?4)",
        params![stored.region, stored.id, number, json(&stored)?],
        ResourceKind::Extension,
    )?;
    tags::put(conn, &format!("{arn_base}{}/{number}", stored.id), tags)?;
    Ok(stored)
}

/// The highest version number of the extension (0 when it has none).
fn latest_number(conn: &Connection, region: &str, id: &str) -> Result<i64> {
    let latest: Option<i64> = one_row(
        conn,
        "SELECT MAX(version_number) FROM extension_versions WHERE region = ?1 AND id = ?2",
        [region, id],
        |row| row.get(0),
    )?;
    Ok(latest.unwrap_or(0))
}

pub(super) fn get(
    conn: &Connection,
    region: &str,
    extension: &ExtensionRef,
    version: Option<i64>,
) -> Result<Option<Extension>> {
    match extension {
        ExtensionRef::Id(id) => optional_row(
            conn,
            "SELECT doc FROM extension_versions WHERE region = ?1 AND id = ?2 \
             AND (?3 IS NULL OR version_number = ?3) ORDER BY version_number DESC LIMIT 1",
            params![region, id, version],
            |row| doc(row, 0),
        ),
        ExtensionRef::Name(name) => optional_row(
            conn,
            "SELECT v.doc FROM extensions e JOIN extension_versions v ON v.region = e.region AND v.id = e.id \
             WHERE e.region = ?1 AND e.name = ?2 AND (?3 IS NULL OR v.version_number = ?3) \
             ORDER BY v.version_number DESC LIMIT 1",
            params![region, name, version],
            |row| doc(row, 0),
        ),
    }
}

/// The latest version of each extension, in the order their first versions were created.
pub(super) fn list(
    conn: &Connection,
    region: &str,
    name: Option<&str>,
    slice: Slice,
) -> Result<Vec<Listed<Extension>>> {
    all_rows(
        conn,
        "SELECT e.seq, v.doc FROM extensions e JOIN extension_versions v ON v.region = e.region AND v.id = e.id \
         AND v.version_number = \
             (SELECT MAX(version_number) FROM extension_versions w WHERE w.region = e.region AND w.id = e.id) \
         WHERE e.region = ?1 AND (?2 IS NULL OR e.name = ?2) AND e.seq > ?3 ORDER BY e.seq LIMIT ?4",
        params![region, name, after_ascending(slice), limit(slice)],
        listed,
    )
}

/// Replaces what UpdateExtension may change; the name, id and creation time stay as stored.
pub(super) fn update(conn: &Connection, extension: &Extension) -> Result<()> {
    let key = params![extension.region, extension.id, extension.version_number];
    let stored: Extension = optional_row(
        conn,
        "SELECT doc FROM extension_versions WHERE region = ?1 AND id = ?2 AND version_number = ?3",
        key,
        |row| doc(row, 0),
    )?
    .ok_or(Error::NotFound(ResourceKind::Extension))?;
    let updated = Extension {
        description: extension.description.clone(),
        actions: extension.actions.clone(),
        parameters: extension.parameters.clone(),
        ..stored
    };
    execute(
        conn,
        "UPDATE extension_versions SET doc = ?4 WHERE region = ?1 AND id = ?2 AND version_number = ?3",
        params![
            extension.region,
            extension.id,
            extension.version_number,
            json(&updated)?
        ],
    )?;
    Ok(())
}

/// Deletes one version and its tags; the extension's row goes with its last version, so the
/// name is free again.
pub(super) fn delete(conn: &Connection, region: &str, id: &str, version: i64, arn: &str) -> Result<()> {
    let key = params![region, id, version];
    must_exist(
        conn,
        "SELECT 1 FROM extension_versions WHERE region = ?1 AND id = ?2 AND version_number = ?3",
        key,
        ResourceKind::Extension,
    )?;
    no_children(
        conn,
        "SELECT 1 FROM extension_associations \
         WHERE region = ?1 AND extension_id = ?2 AND extension_version_number = ?3",
        key,
        ResourceKind::ExtensionAssociation,
    )?;
    execute(
        conn,
        "DELETE FROM extension_versions WHERE region = ?1 AND id = ?2 AND version_number = ?3",
        key,
    )?;
    execute(
        conn,
        "DELETE FROM extensions WHERE region = ?1 AND id = ?2 \
         AND NOT EXISTS (SELECT 1 FROM extension_versions WHERE region = ?1 AND id = ?2)",
        [region, id],
    )?;
    tags::delete(conn, arn)
}
