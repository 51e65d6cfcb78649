//! Amplify apps: per region, the parents of everything else Amplify keeps.

use ramp_domain::amplify::App;
use ramp_domain::entities::Tags;
use ramp_domain::store::{Error, Listed, ResourceKind, Result, Slice};
use rusqlite::{Connection, params};

use super::docs::{bump_generation, listed};
use crate::rows::{after_ascending, limit};
use crate::sqlite::sql::{all_rows, changed, execute, insert, must_exist, optional_item, within_quota};
use crate::sqlite::tags;

/// The tables below an app, each keyed by `(region, app_id, …)`: what deleting it empties.
const BELOW_AN_APP: [&str; 7] = [
    "DELETE FROM amplify_branches WHERE region = ?1 AND app_id = ?2",
    "DELETE FROM amplify_jobs WHERE region = ?1 AND app_id = ?2",
    "DELETE FROM amplify_uploads WHERE region = ?1 AND app_id = ?2",
    "DELETE FROM amplify_domains WHERE region = ?1 AND app_id = ?2",
    "DELETE FROM amplify_webhooks WHERE region = ?1 AND app_id = ?2",
    "DELETE FROM amplify_backend_environments WHERE region = ?1 AND app_id = ?2",
    "DELETE FROM amplify_access_log_batches WHERE region = ?1 AND app_id = ?2",
];

pub(super) fn create(conn: &Connection, app: &App, doc: &str, arn: &str, tags: &Tags, max: u64) -> Result<()> {
    within_quota(
        conn,
        "SELECT COUNT(*) FROM amplify_apps WHERE region = ?1",
        &app.region,
        max,
    )?;
    insert(
        conn,
        "INSERT INTO amplify_apps (region, app_id, doc) VALUES (?1, ?2, ?3)",
        params![app.region, app.app_id, doc],
        ResourceKind::AmplifyApp,
    )?;
    tags::put(conn, arn, tags)?;
    bump_generation(conn)
}

pub(super) fn get(conn: &Connection, region: &str, app_id: &str) -> Result<Option<App>> {
    optional_item(
        conn,
        "SELECT seq, doc FROM amplify_apps WHERE region = ?1 AND app_id = ?2",
        [region, app_id],
        listed,
    )
}

pub(super) fn list(conn: &Connection, region: &str, slice: Slice) -> Result<Vec<Listed<App>>> {
    all_rows(
        conn,
        "SELECT seq, doc FROM amplify_apps WHERE region = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        params![region, after_ascending(slice), limit(slice)],
        listed,
    )
}

pub(super) fn update(conn: &Connection, app: &App, doc: &str) -> Result<()> {
    let n = execute(
        conn,
        "UPDATE amplify_apps SET doc = ?3 WHERE region = ?1 AND app_id = ?2",
        params![app.region, app.app_id, doc],
    )?;
    changed(n, ResourceKind::AmplifyApp)?;
    bump_generation(conn)
}

/// Deletes the app, every row below it and the tags under `arn` and below; the app as it was.
pub(super) fn delete(conn: &Connection, region: &str, app_id: &str, arn: &str) -> Result<App> {
    let app = get(conn, region, app_id)?.ok_or(Error::NotFound(ResourceKind::AmplifyApp))?;
    for sql in BELOW_AN_APP {
        execute(conn, sql, [region, app_id])?;
    }
    execute(
        conn,
        "DELETE FROM amplify_apps WHERE region = ?1 AND app_id = ?2",
        [region, app_id],
    )?;
    tags::delete_below(conn, arn)?;
    bump_generation(conn)?;
    Ok(app)
}

/// `NotFound(AmplifyApp)` unless the app exists: the parent check of what is created below it.
pub(super) fn require(conn: &Connection, region: &str, app_id: &str) -> Result<()> {
    must_exist(
        conn,
        "SELECT 1 FROM amplify_apps WHERE region = ?1 AND app_id = ?2",
        [region, app_id],
        ResourceKind::AmplifyApp,
    )
}
