//! Extension associations: one row each, with the columns the filters and the rule "one
//! association per extension and resource" query, and the association's own ARN (its tags).
//!
//! Locks, in order: the extension version's row (`FOR KEY SHARE`: its deletion waits, then
//! sees the association), the region's advisory lock for association creations (the
//! duplicate and quota checks hold until commit), the association's row, then tags.

use ramp_domain::entities::Tags;
use ramp_domain::extensions::{AssociationFilter, ExtensionAssociation};
use ramp_domain::store::{Conflict, Error, Listed, ResourceKind, Result, Slice};
use sqlx::{PgConnection, PgExecutor, query};

use crate::rows::{after_ascending, each, limit};
use crate::sql::{
    all_rows, changed, execute, exists, from_json, get, insert, json, listed, lock, must_exist, optional_row,
    within_quota,
};
use crate::tags;

/// `ExtensionStore::create_extension_association` in one transaction, its checks in the
/// order the contract lists them.
pub(super) async fn create(
    conn: &mut PgConnection,
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
            query(
                "SELECT 1 FROM extension_versions WHERE region = $1 AND id = $2 AND version_number = $3 \
                 FOR KEY SHARE",
            )
            .bind(&a.region)
            .bind(&a.extension_id)
            .bind(a.extension_version_number),
            ResourceKind::Extension,
        )
        .await?;
    }
    lock(conn, "extension_associations", &a.region).await?;
    if exists(
        &mut *conn,
        query("SELECT 1 FROM extension_associations WHERE region = $1 AND extension_id = $2 AND resource_arn = $3")
            .bind(&a.region)
            .bind(&a.extension_id)
            .bind(&a.resource_arn),
    )
    .await?
    {
        return Err(Error::Conflict(Conflict::AlreadyExists(
            ResourceKind::ExtensionAssociation,
        )));
    }
    within_quota(
        conn,
        query("SELECT COUNT(*) FROM extension_associations WHERE region = $1").bind(&a.region),
        max,
    )
    .await?;
    insert(
        conn,
        query(
            "INSERT INTO extension_associations \
             (region, id, extension_id, extension_version_number, resource_arn, arn, doc) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&a.region)
        .bind(&a.id)
        .bind(&a.extension_id)
        .bind(a.extension_version_number)
        .bind(&a.resource_arn)
        .bind(arn.to_owned())
        .bind(doc.to_owned()),
        ResourceKind::ExtensionAssociation,
    )
    .await?;
    tags::put(conn, arn, tags).await
}

pub(super) async fn get_one<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    id: &str,
) -> Result<Option<ExtensionAssociation>> {
    let row = optional_row(
        executor,
        query("SELECT doc FROM extension_associations WHERE region = $1 AND id = $2")
            .bind(region.to_owned())
            .bind(id.to_owned()),
    )
    .await?;
    row.map(|r| from_json(&r, 0)).transpose()
}

pub(super) async fn list<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    filter: &AssociationFilter,
    slice: Slice,
) -> Result<Vec<Listed<ExtensionAssociation>>> {
    let found = all_rows(
        executor,
        query(
            "SELECT seq, doc FROM extension_associations WHERE region = $1 \
             AND ($2::TEXT IS NULL OR resource_arn = $2) AND ($3::TEXT IS NULL OR extension_id = $3) \
             AND ($4::BIGINT IS NULL OR extension_version_number = $4) AND seq > $5 ORDER BY seq LIMIT $6",
        )
        .bind(region.to_owned())
        .bind(filter.resource_arn.clone())
        .bind(filter.extension_id.clone())
        .bind(filter.extension_version_number)
        .bind(after_ascending(slice))
        .bind(limit(slice)),
    )
    .await?;
    each(&found, listed)
}

pub(super) async fn on_resources<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    resource_arns: &[String],
) -> Result<Vec<ExtensionAssociation>> {
    let found = all_rows(
        executor,
        query("SELECT doc FROM extension_associations WHERE region = $1 AND resource_arn = ANY($2) ORDER BY seq")
            .bind(region.to_owned())
            .bind(resource_arns.to_vec()),
    )
    .await?;
    each(&found, |row| from_json(row, 0))
}

/// Replaces the parameters, the only member UpdateExtensionAssociation changes; the row is
/// locked while its document is merged.
pub(super) async fn update(conn: &mut PgConnection, association: &ExtensionAssociation) -> Result<()> {
    let row = optional_row(
        &mut *conn,
        query("SELECT doc FROM extension_associations WHERE region = $1 AND id = $2 FOR NO KEY UPDATE")
            .bind(&association.region)
            .bind(&association.id),
    )
    .await?
    .ok_or(Error::NotFound(ResourceKind::ExtensionAssociation))?;
    let stored: ExtensionAssociation = from_json(&row, 0)?;
    let updated = ExtensionAssociation {
        parameters: association.parameters.clone(),
        ..stored
    };
    let n = execute(
        conn,
        query("UPDATE extension_associations SET doc = $3 WHERE region = $1 AND id = $2")
            .bind(&association.region)
            .bind(&association.id)
            .bind(json(&updated)?),
    )
    .await?;
    changed(n, ResourceKind::ExtensionAssociation)
}

/// The row goes first: its delete waits for a tag write holding it, whose tags are then seen.
pub(super) async fn delete(conn: &mut PgConnection, region: &str, id: &str, arn: &str) -> Result<()> {
    let n = execute(
        &mut *conn,
        query("DELETE FROM extension_associations WHERE region = $1 AND id = $2")
            .bind(region.to_owned())
            .bind(id.to_owned()),
    )
    .await?;
    changed(n, ResourceKind::ExtensionAssociation)?;
    tags::delete(conn, arn).await
}

/// Deletes the associations on `resource_arn` and below it with their tags; how many. The
/// range `[arn/, arn0)` holds exactly the ARNs starting with `arn/` (see `tags::delete_below`),
/// so `…/abc1234` does not take `…/abc12345` along. Rows first, then tags, as in [`delete`].
pub(super) async fn delete_under(conn: &mut PgConnection, region: &str, resource_arn: &str) -> Result<u64> {
    let deleted = all_rows(
        &mut *conn,
        query(
            "DELETE FROM extension_associations WHERE region = $1 \
             AND (resource_arn = $2 OR (resource_arn >= $2 || '/' AND resource_arn < $2 || '0')) RETURNING arn",
        )
        .bind(region.to_owned())
        .bind(resource_arn.to_owned()),
    )
    .await?;
    let arns = each(&deleted, |row| get::<String>(row, 0))?;
    execute(conn, query("DELETE FROM tags WHERE arn = ANY($1)").bind(arns.clone())).await?;
    Ok(u64::try_from(arns.len()).unwrap_or(u64::MAX))
}
