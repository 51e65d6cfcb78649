//! Environments: children of an application, parents of deployments. `monitors` arrive already
//! encoded as JSON.

use ramp_clock::Timestamp;
use ramp_domain::entities::{Environment, Tags};
use ramp_domain::store::{Listed, ResourceKind, Result, Slice};
use sqlx::{PgConnection, PgExecutor, PgPool, query};

use crate::rows::{self, after_ascending, each, limit};
use crate::sql::{all_rows, changed, execute, insert, optional_row, unprotected, within_quota};
use crate::{applications, deployments, tags};

/// Counts the application's environments with its row locked (see `applications::lock_parent`).
pub(crate) async fn create(
    conn: &mut PgConnection,
    env: &Environment,
    monitors: &str,
    arn: &str,
    tags: &Tags,
    max_per_application: u64,
) -> Result<()> {
    applications::lock_parent(conn, &env.application_id).await?;
    within_quota(
        conn,
        query("SELECT COUNT(*) FROM environments WHERE application_id = $1").bind(&env.application_id),
        max_per_application,
    )
    .await?;
    insert(
        conn,
        query(
            "INSERT INTO environments \
             (application_id, id, name, description, state, monitors, created_at, last_accessed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&env.application_id)
        .bind(&env.id)
        .bind(&env.name)
        .bind(&env.description)
        .bind(env.state.as_str())
        .bind(monitors)
        .bind(env.created_at.millis())
        .bind(env.last_accessed_at.map(|t| t.millis())),
        ResourceKind::Environment,
    )
    .await?;
    tags::put(conn, arn, tags).await
}

pub(crate) async fn get<'c>(
    executor: impl PgExecutor<'c>,
    application_id: &str,
    id: &str,
) -> Result<Option<Environment>> {
    let sql = concat!(
        "SELECT ",
        rows::environment_columns!(),
        " FROM environments WHERE application_id = $1 AND id = $2"
    );
    let row = optional_row(executor, query(sql).bind(application_id).bind(id)).await?;
    row.map(|r| rows::environment(&r).map(|l| l.item)).transpose()
}

pub(crate) async fn list<'c>(
    executor: impl PgExecutor<'c>,
    application_id: &str,
    slice: Slice,
) -> Result<Vec<Listed<Environment>>> {
    let sql = concat!(
        "SELECT ",
        rows::environment_columns!(),
        " FROM environments WHERE application_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
    );
    let found = all_rows(
        executor,
        query(sql)
            .bind(application_id)
            .bind(after_ascending(slice))
            .bind(limit(slice)),
    )
    .await?;
    each(&found, rows::environment)
}

/// Name, description and monitors only: the state and last access are never overwritten.
pub(crate) async fn update<'c>(executor: impl PgExecutor<'c>, env: &Environment, monitors: &str) -> Result<()> {
    let n = execute(
        executor,
        query(
            "UPDATE environments SET name = $3, description = $4, monitors = $5 \
             WHERE application_id = $1 AND id = $2",
        )
        .bind(&env.application_id)
        .bind(&env.id)
        .bind(&env.name)
        .bind(&env.description)
        .bind(monitors),
    )
    .await?;
    changed(n, ResourceKind::Environment)
}

/// Refused while a deployment is in progress; removes the environment's deployments with their
/// content, and the tags of the environment and of everything below its ARN (its deployments).
/// The row lock makes a concurrent start wait, then find no environment.
pub(crate) async fn delete(
    conn: &mut PgConnection,
    application_id: &str,
    id: &str,
    arn: &str,
    protected_if_accessed_after: Option<Timestamp>,
) -> Result<()> {
    unprotected(
        conn,
        query("SELECT last_accessed_at FROM environments WHERE application_id = $1 AND id = $2 FOR UPDATE")
            .bind(application_id)
            .bind(id),
        ResourceKind::Environment,
        protected_if_accessed_after,
    )
    .await?;
    deployments::refuse_while_in_progress(conn, application_id, id).await?;
    deployments::delete_all(conn, application_id, id).await?;
    execute(
        &mut *conn,
        query("DELETE FROM environments WHERE application_id = $1 AND id = $2")
            .bind(application_id)
            .bind(id),
    )
    .await?;
    tags::delete_below(conn, arn).await
}

/// Moves `last_accessed_at` of an environment and a profile forward to `at` (never back);
/// missing rows are ignored. Two statements, each committing on its own: a mark needs no
/// company, and holding neither row's lock while waiting for the other's keeps this hot path
/// out of every lock-order question.
pub(crate) async fn record_access(
    pool: &PgPool,
    application_id: &str,
    environment_id: &str,
    profile_id: &str,
    at: i64,
) -> Result<()> {
    execute(
        pool,
        query(
            "UPDATE environments SET last_accessed_at = GREATEST(COALESCE(last_accessed_at, 0), $3) \
             WHERE application_id = $1 AND id = $2",
        )
        .bind(application_id)
        .bind(environment_id)
        .bind(at),
    )
    .await?;
    execute(
        pool,
        query(
            "UPDATE configuration_profiles SET last_accessed_at = GREATEST(COALESCE(last_accessed_at, 0), $3) \
             WHERE application_id = $1 AND id = $2",
        )
        .bind(application_id)
        .bind(profile_id)
        .bind(at),
    )
    .await?;
    Ok(())
}
