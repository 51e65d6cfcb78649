//! Extension versions: one row each in `extension_versions`, below their extension's row in
//! `extensions`, which holds the name (one id per name per region) and the list order.
//!
//! Locks, in order: the region's advisory lock for extension creations (the quota and "is this
//! name new?" hold until commit), the extension's row (`FOR UPDATE`: creations of a version
//! and deletions take turns, so the latest number holds), the version's row, then tags.

use ramp_domain::entities::Tags;
use ramp_domain::extensions::Extension;
use ramp_domain::store::{Conflict, Error, ExtensionRef, Listed, ResourceKind, Result, Slice, next_extension_version};
use sqlx::{PgConnection, PgExecutor, query};

use crate::rows::{after_ascending, each, limit};
use crate::sql::{
    all_rows, execute, from_json, get, insert, json, listed, lock, must_exist, no_children, one_row, optional_row,
    within_quota,
};
use crate::tags;

/// `ExtensionStore::create_extension` (whose doc gives the contract) in one transaction.
pub(super) async fn create(
    conn: &mut PgConnection,
    new: &Extension,
    arn_base: &str,
    tags: &Tags,
    latest_version_number: Option<i64>,
    max: u64,
) -> Result<Extension> {
    lock(conn, "extensions", &new.region).await?;
    let existing = optional_row(
        &mut *conn,
        query("SELECT id FROM extensions WHERE region = $1 AND name = $2 FOR UPDATE")
            .bind(&new.region)
            .bind(&new.name),
    )
    .await?;
    let (id, number) = match existing {
        None => {
            if let Some(expected) = latest_version_number.filter(|n| *n != 0) {
                return Err(Error::Conflict(Conflict::LatestVersion { expected, actual: 0 }));
            }
            within_quota(
                conn,
                query("SELECT COUNT(*) FROM extensions WHERE region = $1").bind(&new.region),
                max,
            )
            .await?;
            insert(
                conn,
                query("INSERT INTO extensions (region, id, name) VALUES ($1, $2, $3)")
                    .bind(&new.region)
                    .bind(&new.id)
                    .bind(&new.name),
                ResourceKind::Extension,
            )
            .await?;
            (new.id.clone(), 1)
        }
        Some(row) => {
            let id: String = get(&row, 0)?;
            let latest = one_row(
                &mut *conn,
                query("SELECT MAX(version_number) FROM extension_versions WHERE region = $1 AND id = $2")
                    .bind(&new.region)
                    .bind(&id),
            )
            .await?;
            let actual = get::<Option<i64>>(&latest, 0)?.unwrap_or(0);
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
        query("INSERT INTO extension_versions (region, id, version_number, doc) VALUES ($1, $2, $3, $4)")
            .bind(&stored.region)
            .bind(&stored.id)
            .bind(number)
            .bind(json(&stored)?),
        ResourceKind::Extension,
    )
    .await?;
    tags::put(conn, &format!("{arn_base}{}/{number}", stored.id), tags).await?;
    Ok(stored)
}

pub(super) async fn get_one<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    extension: &ExtensionRef,
    version: Option<i64>,
) -> Result<Option<Extension>> {
    let found = match extension {
        ExtensionRef::Id(id) => query(
            "SELECT doc FROM extension_versions WHERE region = $1 AND id = $2 \
             AND ($3::BIGINT IS NULL OR version_number = $3) ORDER BY version_number DESC LIMIT 1",
        )
        .bind(region.to_owned())
        .bind(id.clone()),
        ExtensionRef::Name(name) => query(
            "SELECT v.doc FROM extensions e JOIN extension_versions v ON v.region = e.region AND v.id = e.id \
             WHERE e.region = $1 AND e.name = $2 AND ($3::BIGINT IS NULL OR v.version_number = $3) \
             ORDER BY v.version_number DESC LIMIT 1",
        )
        .bind(region.to_owned())
        .bind(name.clone()),
    };
    let row = optional_row(executor, found.bind(version)).await?;
    row.map(|r| from_json(&r, 0)).transpose()
}

/// The latest version of each extension, in the order their first versions were created.
pub(super) async fn list<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    name: Option<&str>,
    slice: Slice,
) -> Result<Vec<Listed<Extension>>> {
    let found = all_rows(
        executor,
        query(
            "SELECT e.seq, v.doc FROM extensions e JOIN extension_versions v ON v.region = e.region AND v.id = e.id \
             AND v.version_number = \
                 (SELECT MAX(version_number) FROM extension_versions w WHERE w.region = e.region AND w.id = e.id) \
             WHERE e.region = $1 AND ($2::TEXT IS NULL OR e.name = $2) AND e.seq > $3 ORDER BY e.seq LIMIT $4",
        )
        .bind(region.to_owned())
        .bind(name.map(str::to_owned))
        .bind(after_ascending(slice))
        .bind(limit(slice)),
    )
    .await?;
    each(&found, listed)
}

/// Replaces what UpdateExtension may change; the name, id and creation time stay as stored.
/// The version's row is locked while its document is merged.
pub(super) async fn update(conn: &mut PgConnection, extension: &Extension) -> Result<()> {
    let row = optional_row(
        &mut *conn,
        query(
            "SELECT doc FROM extension_versions WHERE region = $1 AND id = $2 AND version_number = $3 \
             FOR NO KEY UPDATE",
        )
        .bind(&extension.region)
        .bind(&extension.id)
        .bind(extension.version_number),
    )
    .await?
    .ok_or(Error::NotFound(ResourceKind::Extension))?;
    let stored: Extension = from_json(&row, 0)?;
    let updated = Extension {
        description: extension.description.clone(),
        actions: extension.actions.clone(),
        parameters: extension.parameters.clone(),
        ..stored
    };
    execute(
        conn,
        query("UPDATE extension_versions SET doc = $4 WHERE region = $1 AND id = $2 AND version_number = $3")
            .bind(&extension.region)
            .bind(&extension.id)
            .bind(extension.version_number)
            .bind(json(&updated)?),
    )
    .await?;
    Ok(())
}

/// Deletes one version and its tags; the extension's row goes with its last version, so the
/// name is free again. The version's row lock waits for an association creation (or a tag
/// write) that holds it `FOR KEY SHARE`, so the association check below sees its row.
pub(super) async fn delete(conn: &mut PgConnection, region: &str, id: &str, version: i64, arn: &str) -> Result<()> {
    must_exist(
        conn,
        query("SELECT 1 FROM extensions WHERE region = $1 AND id = $2 FOR UPDATE")
            .bind(region.to_owned())
            .bind(id.to_owned()),
        ResourceKind::Extension,
    )
    .await?;
    let version_query = |sql: &'static str| query(sql).bind(region.to_owned()).bind(id.to_owned()).bind(version);
    must_exist(
        conn,
        version_query(
            "SELECT 1 FROM extension_versions WHERE region = $1 AND id = $2 AND version_number = $3 FOR UPDATE",
        ),
        ResourceKind::Extension,
    )
    .await?;
    no_children(
        conn,
        version_query(
            "SELECT 1 FROM extension_associations \
             WHERE region = $1 AND extension_id = $2 AND extension_version_number = $3",
        ),
        ResourceKind::ExtensionAssociation,
    )
    .await?;
    execute(
        &mut *conn,
        version_query("DELETE FROM extension_versions WHERE region = $1 AND id = $2 AND version_number = $3"),
    )
    .await?;
    execute(
        &mut *conn,
        query(
            "DELETE FROM extensions WHERE region = $1 AND id = $2 \
             AND NOT EXISTS (SELECT 1 FROM extension_versions WHERE region = $1 AND id = $2)",
        )
        .bind(region.to_owned())
        .bind(id.to_owned()),
    )
    .await?;
    tags::delete(conn, arn).await
}
