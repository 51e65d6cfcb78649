//! Amplify branches: per app, each with the job counter its jobs are numbered from and the job
//! it serves (both kept in columns that only the job writes change).

use ramp_domain::amplify::Branch;
use ramp_domain::entities::Tags;
use ramp_domain::store::{Conflict, Error, Listed, ResourceKind, Result, Slice};
use rusqlite::{Connection, params};

use super::apps;
use super::docs::{BRANCH_COLUMNS, branch, bump_generation};
use crate::rows::{after_ascending, limit};
use crate::sqlite::sql::{all_rows, changed, execute, exists, insert, one_row, optional_item};
use crate::sqlite::tags;

/// Checks the app, the name and the quota, in the order the trait documents them.
pub(super) fn create(
    conn: &Connection,
    branch: &Branch,
    doc: &str,
    arn: &str,
    tags: &Tags,
    max_per_app: u64,
) -> Result<()> {
    let key = [&branch.region, &branch.app_id, &branch.branch_name];
    apps::require(conn, key[0], key[1])?;
    if exists(
        conn,
        "SELECT 1 FROM amplify_branches WHERE region = ?1 AND app_id = ?2 AND branch_name = ?3",
        key,
    )? {
        return Err(Error::Conflict(Conflict::AlreadyExists(ResourceKind::AmplifyBranch)));
    }
    let n = count_of_app(conn, key[0], key[1])?;
    if u64::try_from(n).unwrap_or(0) >= max_per_app {
        return Err(Error::QuotaExceeded);
    }
    insert(
        conn,
        "INSERT INTO amplify_branches (region, app_id, branch_name, active_job_id, total_number_of_jobs, doc) \
         VALUES (?1, ?2, ?3, NULL, 0, ?4)",
        params![key[0], key[1], key[2], doc],
        ResourceKind::AmplifyBranch,
    )?;
    tags::put(conn, arn, tags)?;
    bump_generation(conn)
}

fn count_of_app(conn: &Connection, region: &str, app_id: &str) -> Result<i64> {
    one_row(
        conn,
        "SELECT COUNT(*) FROM amplify_branches WHERE region = ?1 AND app_id = ?2",
        [region, app_id],
        |row| row.get(0),
    )
}

pub(super) fn get(conn: &Connection, region: &str, app_id: &str, branch_name: &str) -> Result<Option<Branch>> {
    let sql =
        format!("SELECT {BRANCH_COLUMNS} FROM amplify_branches WHERE region = ?1 AND app_id = ?2 AND branch_name = ?3");
    optional_item(conn, &sql, [region, app_id, branch_name], branch)
}

pub(super) fn list(conn: &Connection, region: &str, app_id: &str, slice: Slice) -> Result<Vec<Listed<Branch>>> {
    let sql = format!(
        "SELECT {BRANCH_COLUMNS} FROM amplify_branches WHERE region = ?1 AND app_id = ?2 AND seq > ?3 \
         ORDER BY seq LIMIT ?4"
    );
    all_rows(
        conn,
        &sql,
        params![region, app_id, after_ascending(slice), limit(slice)],
        branch,
    )
}

/// Replaces the document only: the job columns stay as the job writes left them.
pub(super) fn update(conn: &Connection, branch: &Branch, doc: &str) -> Result<()> {
    let n = execute(
        conn,
        "UPDATE amplify_branches SET doc = ?4 WHERE region = ?1 AND app_id = ?2 AND branch_name = ?3",
        params![branch.region, branch.app_id, branch.branch_name, doc],
    )?;
    changed(n, ResourceKind::AmplifyBranch)?;
    bump_generation(conn)
}

/// Deletes the branch, its jobs and their uploads, and the tags under `arn` and below.
pub(super) fn delete(conn: &Connection, region: &str, app_id: &str, branch_name: &str, arn: &str) -> Result<Branch> {
    let found = get(conn, region, app_id, branch_name)?.ok_or(Error::NotFound(ResourceKind::AmplifyBranch))?;
    for sql in [
        "DELETE FROM amplify_uploads WHERE region = ?1 AND app_id = ?2 AND branch_name = ?3",
        "DELETE FROM amplify_jobs WHERE region = ?1 AND app_id = ?2 AND branch_name = ?3",
        "DELETE FROM amplify_branches WHERE region = ?1 AND app_id = ?2 AND branch_name = ?3",
    ] {
        execute(conn, sql, [region, app_id, branch_name])?;
    }
    tags::delete_below(conn, arn)?;
    bump_generation(conn)?;
    Ok(found)
}
