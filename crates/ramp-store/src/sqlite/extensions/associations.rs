//! Extension associations: one row each, with the columns the filters and the rule "one
//! association per extension and resource" query, and the association's own ARN (its tags).

use ramp_domain::entities::Tags;
use ramp_domain::extensions::{AssociationFilter, ExtensionAssociation};
use ramp_domain::store::{Conflict, Error, Listed, ResourceKind, Result, Slice};
use rusqlite::{Connection, params};

use crate::rows::{after_ascending, limit};
use crate::sqlite::sql::{
    all_rows, changed, doc, execute, exists, insert, json, listed, must_exist, optional_row, within_quota,
};
use crate::sqlite::tags;

/// `ExtensionStore::create_extension_association` in one write job, its checks in the order
/// the contract lists them.
pub(super) fn create(
    conn: &Connection,
    association: &ExtensionAssociation,
    doc: &str,
    arn: &str,
    tags: &Tags,
    extension_stored: bool,
    max: u64,
) -> Result<()> {
    let a = association;
    if extension_stored {
        must_exist(
            conn,
            "SELECT 1 FROM extension_versions WHERE region = ?1 AND id = ?2 AND version_number = ?3",
            params![a.region, a.extension_id, a.extension_version_number],
            ResourceKind::Extension,
        )?;
    }
    if exists(
        conn,
        "SELECT 1 FROM extension_associations WHERE region = ?1 AND extension_id = ?2 AND resource_arn = ?3",
        [&a.region, &a.extension_id, &a.resource_arn],
    )? {
        return Err(Error::Conflict(Conflict::AlreadyExists(
            ResourceKind::ExtensionAssociation,
        )));
    }
    within_quota(
        conn,
        "SELECT COUNT(*) FROM extension_associations WHERE region = ?1",
        &a.region,
        max,
    )?;
    insert(
        conn,
        "INSERT INTO extension_associations \
         (region, id, extension_id, extension_version_number, resource_arn, arn, doc) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            a.region,
            a.id,
            a.extension_id,
            a.extension_version_number,
            a.resource_arn,
            arn,
            doc
        ],
        ResourceKind::ExtensionAssociation,
    )?;
    tags::put(conn, arn, tags)
}

pub(super) fn get(conn: &Connection, region: &str, id: &str) -> Result<Option<ExtensionAssociation>> {
    optional_row(
        conn,
        "SELECT doc FROM extension_associations WHERE region = ?1 AND id = ?2",
        [region, id],
        |row| doc(row, 0),
    )
}

pub(super) fn list(
    conn: &Connection,
    region: &str,
    filter: &AssociationFilter,
    slice: Slice,
) -> Result<Vec<Listed<ExtensionAssociation>>> {
    all_rows(
        conn,
        "SELECT seq, doc FROM extension_associations WHERE region = ?1 \
         AND (?2 IS NULL OR resource_arn = ?2) AND (?3 IS NULL OR extension_id = ?3) \
         AND (?4 IS NULL OR extension_version_number = ?4) AND seq > ?5 ORDER BY seq LIMIT ?6",
        params![
            region,
            filter.resource_arn,
            filter.extension_id,
            filter.extension_version_number,
            after_ascending(slice),
            limit(slice)
        ],
        listed,
    )
}

/// `resource_arns` arrives as a JSON array: one statement whatever their number.
pub(super) fn on_resources(conn: &Connection, region: &str, resource_arns: &str) -> Result<Vec<ExtensionAssociation>> {
    all_rows(
        conn,
        "SELECT doc FROM extension_associations \
         WHERE region = ?1 AND resource_arn IN (SELECT value FROM json_each(?2)) ORDER BY seq",
        [region, resource_arns],
        |row| doc(row, 0),
    )
}

/// Replaces the parameters, the only member UpdateExtensionAssociation changes.
pub(super) fn update(conn: &Connection, association: &ExtensionAssociation) -> Result<()> {
    let stored =
        get(conn, &association.region, &association.id)?.ok_or(Error::NotFound(ResourceKind::ExtensionAssociation))?;
    let updated = ExtensionAssociation {
        parameters: association.parameters.clone(),
        ..stored
    };
    let n = execute(
        conn,
        "UPDATE extension_associations SET doc = ?3 WHERE region = ?1 AND id = ?2",
        params![association.region, association.id, json(&updated)?],
    )?;
    changed(n, ResourceKind::ExtensionAssociation)
}

pub(super) fn delete(conn: &Connection, region: &str, id: &str, arn: &str) -> Result<()> {
    let n = execute(
        conn,
        "DELETE FROM extension_associations WHERE region = ?1 AND id = ?2",
        [region, id],
    )?;
    changed(n, ResourceKind::ExtensionAssociation)?;
    tags::delete(conn, arn)
}

/// Deletes the associations on `resource_arn` and below it with their tags; how many. The
/// range `[arn/, arn0)` holds exactly the ARNs starting with `arn/` (see `tags::delete_below`),
/// so `…/abc1234` does not take `…/abc12345` along.
pub(super) fn delete_under(conn: &Connection, region: &str, resource_arn: &str) -> Result<u64> {
    let arns: Vec<String> = all_rows(
        conn,
        "DELETE FROM extension_associations WHERE region = ?1 \
         AND (resource_arn = ?2 OR (resource_arn >= ?2 || '/' AND resource_arn < ?2 || '0')) RETURNING arn",
        [region, resource_arn],
        |row| row.get(0),
    )?;
    for arn in &arns {
        tags::delete(conn, arn)?;
    }
    Ok(u64::try_from(arns.len()).unwrap_or(u64::MAX))
}
