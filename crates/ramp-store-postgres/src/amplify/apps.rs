//! Amplify apps: per region, the parents of everything else Amplify keeps.

use ramp_domain::amplify::App;
use ramp_domain::entities::Tags;
use ramp_domain::store::{Error, Listed, ResourceKind, Result, Slice};
use sqlx::{PgConnection, PgExecutor, query};

use super::docs::{bump_generation, listed};
use crate::rows::{after_ascending, each, limit};
use crate::sql::{all_rows, changed, execute, insert, lock, must_exist, optional_row, within_quota};
use crate::tags;

/// The region's apps are counted under an advisory lock on the region: no row guards "how
/// many apps a region has", and two creations must not both see room for one.
pub(super) async fn create(
    conn: &mut PgConnection,
    app: &App,
    doc: &str,
    arn: &str,
    tags: &Tags,
    max: u64,
) -> Result<()> {
    lock(conn, "amplify_apps", &app.region).await?;
    within_quota(
        conn,
        query("SELECT COUNT(*) FROM amplify_apps WHERE region = $1").bind(&app.region),
        max,
    )
    .await?;
    insert(
        conn,
        query("INSERT INTO amplify_apps (region, app_id, doc) VALUES ($1, $2, $3)")
            .bind(&app.region)
            .bind(&app.app_id)
            .bind(doc.to_owned()),
        ResourceKind::AmplifyApp,
    )
    .await?;
    tags::put(conn, arn, tags).await?;
    bump_generation(conn).await
}

pub(super) async fn get<'c>(executor: impl PgExecutor<'c>, region: &str, app_id: &str) -> Result<Option<App>> {
    let row = optional_row(
        executor,
        query("SELECT seq, doc FROM amplify_apps WHERE region = $1 AND app_id = $2")
            .bind(region.to_owned())
            .bind(app_id.to_owned()),
    )
    .await?;
    row.map(|r| listed(&r).map(|l| l.item)).transpose()
}

pub(super) async fn list<'c>(executor: impl PgExecutor<'c>, region: &str, slice: Slice) -> Result<Vec<Listed<App>>> {
    let found = all_rows(
        executor,
        query("SELECT seq, doc FROM amplify_apps WHERE region = $1 AND seq > $2 ORDER BY seq LIMIT $3")
            .bind(region.to_owned())
            .bind(after_ascending(slice))
            .bind(limit(slice)),
    )
    .await?;
    each(&found, listed)
}

pub(super) async fn update(conn: &mut PgConnection, app: &App, doc: &str) -> Result<()> {
    let n = execute(
        &mut *conn,
        query("UPDATE amplify_apps SET doc = $3 WHERE region = $1 AND app_id = $2")
            .bind(&app.region)
            .bind(&app.app_id)
            .bind(doc.to_owned()),
    )
    .await?;
    changed(n, ResourceKind::AmplifyApp)?;
    bump_generation(conn).await
}

/// Deletes the app, every row below it and the tags under `arn` and below; the app as it was.
/// The app's row lock comes first: a creation below it (which locks the row to check it) either
/// committed before, and its row is deleted here, or waits and then finds no app. Branches go
/// before jobs, so a job creation holding its branch's lock is waited for before jobs are.
pub(super) async fn delete(conn: &mut PgConnection, region: &str, app_id: &str, arn: &str) -> Result<App> {
    let row = optional_row(
        &mut *conn,
        query("SELECT seq, doc FROM amplify_apps WHERE region = $1 AND app_id = $2 FOR UPDATE")
            .bind(region.to_owned())
            .bind(app_id.to_owned()),
    )
    .await?
    .ok_or(Error::NotFound(ResourceKind::AmplifyApp))?;
    let app: App = listed(&row)?.item;
    for sql in [
        "DELETE FROM amplify_branches WHERE region = $1 AND app_id = $2",
        "DELETE FROM amplify_jobs WHERE region = $1 AND app_id = $2",
        "DELETE FROM amplify_uploads WHERE region = $1 AND app_id = $2",
        "DELETE FROM amplify_domains WHERE region = $1 AND app_id = $2",
        "DELETE FROM amplify_webhooks WHERE region = $1 AND app_id = $2",
        "DELETE FROM amplify_backend_environments WHERE region = $1 AND app_id = $2",
        "DELETE FROM amplify_access_log_batches WHERE region = $1 AND app_id = $2",
        "DELETE FROM amplify_apps WHERE region = $1 AND app_id = $2",
    ] {
        execute(&mut *conn, query(sql).bind(region.to_owned()).bind(app_id.to_owned())).await?;
    }
    tags::delete_below(conn, arn).await?;
    bump_generation(conn).await?;
    Ok(app)
}

/// `NotFound(AmplifyApp)` unless the app exists; locks its row `FOR KEY SHARE` (the parent
/// check of a domain, webhook or backend environment: the app's delete waits for it).
pub(super) async fn require(conn: &mut PgConnection, region: &str, app_id: &str) -> Result<()> {
    must_exist(
        conn,
        query("SELECT 1 FROM amplify_apps WHERE region = $1 AND app_id = $2 FOR KEY SHARE")
            .bind(region.to_owned())
            .bind(app_id.to_owned()),
        ResourceKind::AmplifyApp,
    )
    .await
}

/// Like [`require`], but `FOR NO KEY UPDATE`: branch creations of one app take turns, so two
/// of them can't both see room under the quota.
pub(super) async fn lock_for_branches(conn: &mut PgConnection, region: &str, app_id: &str) -> Result<()> {
    must_exist(
        conn,
        query("SELECT 1 FROM amplify_apps WHERE region = $1 AND app_id = $2 FOR NO KEY UPDATE")
            .bind(region.to_owned())
            .bind(app_id.to_owned()),
        ResourceKind::AmplifyApp,
    )
    .await
}
