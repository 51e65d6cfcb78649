//! Environments: children of an application, parents of deployments. `monitors` arrive already
//! encoded as JSON.

use ramp_clock::Timestamp;
use ramp_domain::entities::{Environment, Tags};
use ramp_domain::store::{Listed, ResourceKind, Result, Slice};
use rusqlite::{Connection, params};

use super::sql::{all_rows, changed, execute, insert, optional_item, unprotected, within_quota};
use super::{applications, deployments, tags};
use crate::rows::{self, after_ascending, limit};

pub(super) fn create(
    conn: &Connection,
    env: &Environment,
    monitors: &str,
    arn: &str,
    tags: &Tags,
    max_per_application: u64,
) -> Result<()> {
    applications::require_parent(conn, &env.application_id)?;
    within_quota(
        conn,
        "SELECT COUNT(*) FROM environments WHERE application_id = ?1",
        &env.application_id,
        max_per_application,
    )?;
    insert(
        conn,
        "INSERT INTO environments \
         (application_id, id, name, description, state, monitors, created_at, last_accessed_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            env.application_id,
            env.id,
            env.name,
            env.description,
            env.state.as_str(),
            monitors,
            env.created_at.millis(),
            env.last_accessed_at.map(|t| t.millis()),
        ],
        ResourceKind::Environment,
    )?;
    tags::put(conn, arn, tags)
}

pub(super) fn get(conn: &Connection, application_id: &str, id: &str) -> Result<Option<Environment>> {
    let sql = concat!(
        "SELECT ",
        rows::environment_columns!(),
        " FROM environments ",
        "WHERE application_id = ?1 AND id = ?2"
    );
    optional_item(conn, sql, [application_id, id], rows::environment)
}

pub(super) fn list(conn: &Connection, application_id: &str, slice: Slice) -> Result<Vec<Listed<Environment>>> {
    let sql = concat!(
        "SELECT ",
        rows::environment_columns!(),
        " FROM environments ",
        "WHERE application_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
    );
    all_rows(
        conn,
        sql,
        params![application_id, after_ascending(slice), limit(slice)],
        rows::environment,
    )
}

pub(super) fn update(conn: &Connection, env: &Environment, monitors: &str) -> Result<()> {
    let n = execute(
        conn,
        "UPDATE environments SET name = ?3, description = ?4, monitors = ?5 \
         WHERE application_id = ?1 AND id = ?2",
        params![env.application_id, env.id, env.name, env.description, monitors],
    )?;
    changed(n, ResourceKind::Environment)
}

/// Refused while a deployment is in progress; removes the environment's deployments with their
/// content, and the tags of the environment and of everything below its ARN (its deployments).
pub(super) fn delete(
    conn: &Connection,
    application_id: &str,
    id: &str,
    arn: &str,
    protected_if_accessed_after: Option<Timestamp>,
) -> Result<()> {
    unprotected(
        conn,
        "SELECT last_accessed_at FROM environments WHERE application_id = ?1 AND id = ?2",
        [application_id, id],
        ResourceKind::Environment,
        protected_if_accessed_after,
    )?;
    deployments::refuse_while_in_progress(conn, application_id, id)?;
    deployments::delete_all(conn, application_id, id)?;
    execute(
        conn,
        "DELETE FROM environments WHERE application_id = ?1 AND id = ?2",
        [application_id, id],
    )?;
    tags::delete_below(conn, arn)
}

/// Moves `last_accessed_at` of an environment and a profile forward to `at` (never back).
pub(super) fn record_access(
    conn: &Connection,
    application_id: &str,
    environment_id: &str,
    profile_id: &str,
    at: i64,
) -> Result<()> {
    execute(
        conn,
        "UPDATE environments SET last_accessed_at = MAX(COALESCE(last_accessed_at, 0), ?3) \
         WHERE application_id = ?1 AND id = ?2",
        params![application_id, environment_id, at],
    )?;
    execute(
        conn,
        "UPDATE configuration_profiles SET last_accessed_at = MAX(COALESCE(last_accessed_at, 0), ?3) \
         WHERE application_id = ?1 AND id = ?2",
        params![application_id, profile_id, at],
    )?;
    Ok(())
}
