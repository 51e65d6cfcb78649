//! Applications: per region, the parents of environments and configuration profiles.

use ramp_domain::entities::{Application, Tags};
use ramp_domain::store::{Listed, ResourceKind, Result, Slice};
use sqlx::{PgConnection, PgExecutor, query};

use crate::rows::{self, after_ascending, each, limit};
use crate::sql::{
    all_rows, changed, execute, exists, insert, lock, must_exist, no_children, optional_row, within_quota,
};
use crate::tags;

/// The region's applications are counted under an advisory lock on the region: no row guards
/// "how many applications a region has", and two creations must not both see room for one.
pub(crate) async fn create(conn: &mut PgConnection, app: &Application, arn: &str, tags: &Tags, max: u64) -> Result<()> {
    lock(conn, "applications", &app.region).await?;
    within_quota(
        conn,
        query("SELECT COUNT(*) FROM applications WHERE region = $1").bind(&app.region),
        max,
    )
    .await?;
    insert(
        conn,
        query("INSERT INTO applications (id, region, name, description, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&app.id)
            .bind(&app.region)
            .bind(&app.name)
            .bind(&app.description)
            .bind(app.created_at.millis()),
        ResourceKind::Application,
    )
    .await?;
    tags::put(conn, arn, tags).await
}

pub(crate) async fn get<'c>(executor: impl PgExecutor<'c>, region: &str, id: &str) -> Result<Option<Application>> {
    let sql = concat!(
        "SELECT ",
        rows::application_columns!(),
        " FROM applications WHERE id = $1 AND region = $2"
    );
    let row = optional_row(executor, query(sql).bind(id).bind(region)).await?;
    row.map(|r| rows::application(&r).map(|l| l.item)).transpose()
}

pub(crate) async fn list<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    slice: Slice,
) -> Result<Vec<Listed<Application>>> {
    let sql = concat!(
        "SELECT ",
        rows::application_columns!(),
        " FROM applications WHERE region = $1 AND seq > $2 ORDER BY seq LIMIT $3"
    );
    let found = all_rows(
        executor,
        query(sql).bind(region).bind(after_ascending(slice)).bind(limit(slice)),
    )
    .await?;
    each(&found, rows::application)
}

pub(crate) async fn update<'c>(executor: impl PgExecutor<'c>, app: &Application) -> Result<()> {
    let n = execute(
        executor,
        query("UPDATE applications SET name = $3, description = $4 WHERE id = $1 AND region = $2")
            .bind(&app.id)
            .bind(&app.region)
            .bind(&app.name)
            .bind(&app.description),
    )
    .await?;
    changed(n, ResourceKind::Application)
}

/// Refused while the application has environments or configuration profiles; removes the tags
/// of everything below its ARN. The row lock keeps a child from being created meanwhile.
pub(crate) async fn delete(conn: &mut PgConnection, region: &str, id: &str, arn: &str) -> Result<()> {
    must_exist(
        conn,
        query("SELECT 1 FROM applications WHERE id = $1 AND region = $2 FOR UPDATE")
            .bind(id)
            .bind(region),
        ResourceKind::Application,
    )
    .await?;
    no_children(
        conn,
        query("SELECT 1 FROM environments WHERE application_id = $1 LIMIT 1").bind(id),
        ResourceKind::Environment,
    )
    .await?;
    no_children(
        conn,
        query("SELECT 1 FROM configuration_profiles WHERE application_id = $1 LIMIT 1").bind(id),
        ResourceKind::ConfigurationProfile,
    )
    .await?;
    execute(
        &mut *conn,
        query("DELETE FROM applications WHERE id = $1 AND region = $2")
            .bind(id)
            .bind(region),
    )
    .await?;
    tags::delete_below(conn, arn).await
}

/// Whether application `id` exists, in any region.
pub(crate) async fn exists_with_id(conn: &mut PgConnection, id: &str) -> Result<bool> {
    exists(conn, query("SELECT 1 FROM applications WHERE id = $1").bind(id)).await
}

/// `NotFound(Application)` unless application `id` exists (in any region, as in SQLite);
/// locks its row until the transaction ends, so that creations counting its children for a
/// quota take turns, and take turns with its deletion (whose `FOR UPDATE` conflicts). NO KEY
/// UPDATE leaves the row free for the key-share locks of foreign-key checks.
pub(crate) async fn lock_parent(conn: &mut PgConnection, id: &str) -> Result<()> {
    must_exist(
        conn,
        query("SELECT 1 FROM applications WHERE id = $1 FOR NO KEY UPDATE").bind(id),
        ResourceKind::Application,
    )
    .await
}
