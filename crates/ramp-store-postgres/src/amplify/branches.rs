//! Amplify branches: per app, each with the job counter its jobs are numbered from and the job
//! it serves (both kept in columns that only the job writes change).

use ramp_domain::amplify::Branch;
use ramp_domain::entities::Tags;
use ramp_domain::store::{Conflict, Error, Listed, ResourceKind, Result, Slice};
use sqlx::{PgConnection, PgExecutor, query};

use super::apps;
use super::docs::{branch, branch_columns, bump_generation};
use crate::rows::{after_ascending, each, limit};
use crate::sql::{all_rows, changed, execute, exists, insert, optional_row, within_quota};
use crate::tags;

/// Checks the app, the name and the quota, in the order the trait documents them, under the
/// app's row lock (so creations in one app take turns).
pub(super) async fn create(
    conn: &mut PgConnection,
    b: &Branch,
    doc: &str,
    arn: &str,
    tags: &Tags,
    max_per_app: u64,
) -> Result<()> {
    apps::lock_for_branches(conn, &b.region, &b.app_id).await?;
    if exists(
        &mut *conn,
        query("SELECT 1 FROM amplify_branches WHERE region = $1 AND app_id = $2 AND branch_name = $3")
            .bind(&b.region)
            .bind(&b.app_id)
            .bind(&b.branch_name),
    )
    .await?
    {
        return Err(Error::Conflict(Conflict::AlreadyExists(ResourceKind::AmplifyBranch)));
    }
    within_quota(
        conn,
        query("SELECT COUNT(*) FROM amplify_branches WHERE region = $1 AND app_id = $2")
            .bind(&b.region)
            .bind(&b.app_id),
        max_per_app,
    )
    .await?;
    insert(
        conn,
        query(
            "INSERT INTO amplify_branches (region, app_id, branch_name, active_job_id, total_number_of_jobs, doc) \
             VALUES ($1, $2, $3, NULL, 0, $4)",
        )
        .bind(&b.region)
        .bind(&b.app_id)
        .bind(&b.branch_name)
        .bind(doc.to_owned()),
        ResourceKind::AmplifyBranch,
    )
    .await?;
    tags::put(conn, arn, tags).await?;
    bump_generation(conn).await
}

pub(super) async fn get<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    app_id: &str,
    branch_name: &str,
) -> Result<Option<Branch>> {
    let sql = concat!(
        "SELECT ",
        branch_columns!(),
        " FROM amplify_branches WHERE region = $1 AND app_id = $2 AND branch_name = $3"
    );
    let row = optional_row(
        executor,
        query(sql)
            .bind(region.to_owned())
            .bind(app_id.to_owned())
            .bind(branch_name.to_owned()),
    )
    .await?;
    row.map(|r| branch(&r).map(|l| l.item)).transpose()
}

pub(super) async fn list<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    app_id: &str,
    slice: Slice,
) -> Result<Vec<Listed<Branch>>> {
    let sql = concat!(
        "SELECT ",
        branch_columns!(),
        " FROM amplify_branches WHERE region = $1 AND app_id = $2 AND seq > $3 ORDER BY seq LIMIT $4"
    );
    let found = all_rows(
        executor,
        query(sql)
            .bind(region.to_owned())
            .bind(app_id.to_owned())
            .bind(after_ascending(slice))
            .bind(limit(slice)),
    )
    .await?;
    each(&found, branch)
}

/// Replaces the document only: the job columns stay as the job writes left them.
pub(super) async fn update(conn: &mut PgConnection, b: &Branch, doc: &str) -> Result<()> {
    let n = execute(
        &mut *conn,
        query("UPDATE amplify_branches SET doc = $4 WHERE region = $1 AND app_id = $2 AND branch_name = $3")
            .bind(&b.region)
            .bind(&b.app_id)
            .bind(&b.branch_name)
            .bind(doc.to_owned()),
    )
    .await?;
    changed(n, ResourceKind::AmplifyBranch)?;
    bump_generation(conn).await
}

/// Deletes the branch (its row lock first: job writes take it before touching jobs), its jobs
/// and their uploads, and the tags under `arn` and below.
pub(super) async fn delete(
    conn: &mut PgConnection,
    region: &str,
    app_id: &str,
    branch_name: &str,
    arn: &str,
) -> Result<Branch> {
    let sql = concat!(
        "SELECT ",
        branch_columns!(),
        " FROM amplify_branches WHERE region = $1 AND app_id = $2 AND branch_name = $3 FOR UPDATE"
    );
    let row = optional_row(
        &mut *conn,
        query(sql)
            .bind(region.to_owned())
            .bind(app_id.to_owned())
            .bind(branch_name.to_owned()),
    )
    .await?
    .ok_or(Error::NotFound(ResourceKind::AmplifyBranch))?;
    let found = branch(&row)?.item;
    for sql in [
        "DELETE FROM amplify_uploads WHERE region = $1 AND app_id = $2 AND branch_name = $3",
        "DELETE FROM amplify_jobs WHERE region = $1 AND app_id = $2 AND branch_name = $3",
        "DELETE FROM amplify_branches WHERE region = $1 AND app_id = $2 AND branch_name = $3",
    ] {
        execute(
            &mut *conn,
            query(sql)
                .bind(region.to_owned())
                .bind(app_id.to_owned())
                .bind(branch_name.to_owned()),
        )
        .await?;
    }
    tags::delete_below(conn, arn).await?;
    bump_generation(conn).await?;
    Ok(found)
}
