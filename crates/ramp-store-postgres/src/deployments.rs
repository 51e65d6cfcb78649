//! Deployments: numbered per environment from the environment's counter (never reused), at most
//! one in progress per environment, updated by compare-and-set on `revision`. Their content
//! lives in `deployment_content` so that reading a deployment doesn't load it. `event_log`,
//! `monitors` and `applied_extensions` arrive already encoded as JSON. Both writes notify the
//! change feed inside their transaction, so other nodes hear of a change exactly when it commits.

use ramp_clock::Timestamp;
use ramp_domain::deployment::{DeployedContent, Deployment, DeploymentState};
use ramp_domain::entities::{EnvironmentState, Tags};
use ramp_domain::store::{Conflict, Error, Listed, ResourceKind, Result, Slice};
use sqlx::{PgConnection, PgExecutor, query};

use crate::rows::{self, after_descending, each, limit, step_timing_str};
use crate::sql::{all_rows, execute, exists, get, insert, optional_row, to_i64};
use crate::{feed, tags};

/// The SQL twin of `DeploymentState::is_in_progress`, spelled exactly as the partial index
/// `deployments_in_progress` (migration 001) so that the planner uses it.
macro_rules! in_progress {
    () => {
        "state IN ('DEPLOYING', 'BAKING', 'VALIDATING', 'ROLLING_BACK')"
    };
}
#[cfg(test)]
pub(crate) const IN_PROGRESS: &str = in_progress!();

/// A deployment's JSON columns, encoded before the transaction.
pub(crate) struct Encoded {
    pub(crate) event_log: String,
    pub(crate) monitors: String,
    pub(crate) applied_extensions: String,
}

/// The ARN a deployment's tags are stored under.
fn deployment_arn(environment_arn: &str, number: i64) -> String {
    format!("{environment_arn}/deployment/{number}")
}

/// `Store::start_deployment` in one transaction. Taking the counter first locks the
/// environment's row: of N parallel starts, one goes on while the others wait, then (each
/// statement seeing what committed before it) find its deployment in progress and fail with
/// `Conflict`, their rollback giving the number back. A deleted environment has no row to
/// update: `NotFound`.
pub(crate) async fn start(
    conn: &mut PgConnection,
    me: &feed::Identity,
    deployment: &Deployment,
    encoded: &Encoded,
    content: &DeployedContent,
    environment_arn: &str,
    tags: &Tags,
) -> Result<Deployment> {
    let (app, env) = (&deployment.application_id, &deployment.environment_id);
    let counted = optional_row(
        &mut *conn,
        query(
            "UPDATE environments SET last_deployment_number = last_deployment_number + 1, state = $3 \
             WHERE application_id = $1 AND id = $2 RETURNING last_deployment_number",
        )
        .bind(app)
        .bind(env)
        .bind(EnvironmentState::Deploying.as_str()),
    )
    .await?
    .ok_or(Error::NotFound(ResourceKind::Environment))?;
    let number: i64 = get(&counted, 0)?;
    refuse_while_in_progress(conn, app, env).await?;

    let stored = Deployment {
        deployment_number: number,
        ..deployment.clone()
    };
    insert_row(conn, &stored, encoded).await?;
    insert(
        conn,
        query(
            "INSERT INTO deployment_content \
             (application_id, environment_id, deployment_number, content_type, content) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(app)
        .bind(env)
        .bind(number)
        .bind(&content.content_type)
        .bind(&content.content[..]),
        ResourceKind::DeployedContent,
    )
    .await?;
    tags::put(conn, &deployment_arn(environment_arn, number), tags).await?;
    feed::notify(conn, me, &stored).await?;
    Ok(stored)
}

async fn insert_row(conn: &mut PgConnection, d: &Deployment, encoded: &Encoded) -> Result<()> {
    let sql = concat!(
        "INSERT INTO deployments (",
        rows::deployment_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         $19, $20, $21, $22, $23, $24, $25, $26)"
    );
    insert(
        conn,
        query(sql)
            .bind(&d.application_id)
            .bind(&d.environment_id)
            .bind(d.deployment_number)
            .bind(&d.configuration_profile_id)
            .bind(&d.deployment_strategy_id)
            .bind(&d.configuration_name)
            .bind(&d.configuration_location_uri)
            .bind(&d.configuration_version)
            .bind(d.hosted_version_number)
            .bind(&d.version_label)
            .bind(&d.description)
            .bind(d.strategy.deployment_duration_in_minutes)
            .bind(d.strategy.growth_type.as_str())
            .bind(d.strategy.growth_factor)
            .bind(d.strategy.final_bake_time_in_minutes)
            .bind(step_timing_str(d.step_timing))
            .bind(d.state.as_str())
            .bind(d.percentage_complete)
            .bind(d.started_at.millis())
            .bind(d.completed_at.map(Timestamp::millis))
            .bind(&encoded.event_log)
            .bind(&d.kms_key_identifier)
            .bind(&encoded.monitors)
            .bind(d.next_due_at.map(Timestamp::millis))
            .bind(d.revision)
            .bind(&encoded.applied_extensions),
        ResourceKind::Deployment,
    )
    .await
}

/// `Conflict::DeploymentInProgress` naming the deployment in progress in the environment, if
/// there is one.
pub(crate) async fn refuse_while_in_progress(
    conn: &mut PgConnection,
    application_id: &str,
    environment_id: &str,
) -> Result<()> {
    let sql = concat!(
        "SELECT deployment_number FROM deployments WHERE application_id = $1 AND environment_id = $2 AND ",
        in_progress!(),
        " ORDER BY deployment_number DESC LIMIT 1"
    );
    match optional_row(conn, query(sql).bind(application_id).bind(environment_id)).await? {
        Some(row) => {
            let number: i64 = get(&row, 0)?;
            Err(Error::Conflict(Conflict::DeploymentInProgress {
                environment_id: environment_id.to_owned(),
                number,
            }))
        }
        None => Ok(()),
    }
}

/// Locks the deployment's environment row for the rest of the transaction (first, as every
/// deployment write does: a start takes it by bumping the counter). Taking it again is free.
pub(crate) async fn lock_environment(conn: &mut PgConnection, d: &Deployment) -> Result<()> {
    execute(
        &mut *conn,
        query("SELECT 1 FROM environments WHERE application_id = $1 AND id = $2 FOR NO KEY UPDATE")
            .bind(&d.application_id)
            .bind(&d.environment_id),
    )
    .await?;
    Ok(())
}

/// Compare-and-set on `revision`; the deployment as stored (its revision incremented). The
/// environment's row is locked first, as every other writer of an environment's deployments
/// does (start, delete), so that none of them waits on another in a cycle.
pub(crate) async fn update(
    conn: &mut PgConnection,
    me: &feed::Identity,
    d: &Deployment,
    encoded: &Encoded,
    environment_state: Option<EnvironmentState>,
) -> Result<Deployment> {
    lock_environment(conn, d).await?;
    let n = execute(
        &mut *conn,
        query(
            "UPDATE deployments SET state = $5, percentage_complete = $6, completed_at = $7, event_log = $8, \
             next_due_at = $9, revision = $4 + 1 \
             WHERE application_id = $1 AND environment_id = $2 AND deployment_number = $3 AND revision = $4",
        )
        .bind(&d.application_id)
        .bind(&d.environment_id)
        .bind(d.deployment_number)
        .bind(d.revision)
        .bind(d.state.as_str())
        .bind(d.percentage_complete)
        .bind(d.completed_at.map(Timestamp::millis))
        .bind(&encoded.event_log)
        .bind(d.next_due_at.map(Timestamp::millis)),
    )
    .await?;
    if n == 0 {
        let found = exists(
            &mut *conn,
            query(
                "SELECT 1 FROM deployments \
                 WHERE application_id = $1 AND environment_id = $2 AND deployment_number = $3",
            )
            .bind(&d.application_id)
            .bind(&d.environment_id)
            .bind(d.deployment_number),
        )
        .await?;
        return Err(if found {
            Error::Conflict(Conflict::RevisionChanged {
                number: d.deployment_number,
                revision: d.revision,
            })
        } else {
            Error::NotFound(ResourceKind::Deployment)
        });
    }
    if let Some(state) = environment_state {
        execute(
            &mut *conn,
            query("UPDATE environments SET state = $3 WHERE application_id = $1 AND id = $2")
                .bind(&d.application_id)
                .bind(&d.environment_id)
                .bind(state.as_str()),
        )
        .await?;
    }
    feed::notify(conn, me, d).await?;
    Ok(Deployment {
        revision: d.revision + 1,
        ..d.clone()
    })
}

pub(crate) async fn get_one<'c>(
    executor: impl PgExecutor<'c>,
    application_id: &str,
    environment_id: &str,
    number: i64,
) -> Result<Option<Deployment>> {
    let sql = concat!(
        "SELECT ",
        rows::deployment_columns!(),
        " FROM deployments WHERE application_id = $1 AND environment_id = $2 AND deployment_number = $3"
    );
    let row = optional_row(
        executor,
        query(sql).bind(application_id).bind(environment_id).bind(number),
    )
    .await?;
    row.map(|r| rows::deployment(&r).map(|l| l.item)).transpose()
}

/// Newest first.
pub(crate) async fn list<'c>(
    executor: impl PgExecutor<'c>,
    application_id: &str,
    environment_id: &str,
    slice: Slice,
) -> Result<Vec<Listed<Deployment>>> {
    let sql = concat!(
        "SELECT ",
        rows::deployment_columns!(),
        " FROM deployments WHERE application_id = $1 AND environment_id = $2 AND deployment_number < $3 \
         ORDER BY deployment_number DESC LIMIT $4"
    );
    let found = all_rows(
        executor,
        query(sql)
            .bind(application_id)
            .bind(environment_id)
            .bind(after_descending(slice))
            .bind(limit(slice)),
    )
    .await?;
    each(&found, rows::deployment)
}

/// Due at or before `now`, earliest first (ties in key order).
pub(crate) async fn due<'c>(executor: impl PgExecutor<'c>, now: Timestamp, max: usize) -> Result<Vec<Deployment>> {
    let sql = concat!(
        "SELECT ",
        rows::deployment_columns!(),
        " FROM deployments WHERE next_due_at <= $1 \
         ORDER BY next_due_at, application_id, environment_id, deployment_number LIMIT $2"
    );
    let found = all_rows(executor, query(sql).bind(now.millis()).bind(to_i64(max))).await?;
    each(&found, |row| rows::deployment(row).map(|l| l.item))
}

pub(crate) async fn next_due_at<'c>(executor: impl PgExecutor<'c>) -> Result<Option<Timestamp>> {
    let row = optional_row(
        executor,
        query("SELECT next_due_at FROM deployments WHERE next_due_at IS NOT NULL ORDER BY next_due_at LIMIT 1"),
    )
    .await?;
    Ok(row.map(|r| get::<i64>(&r, 0)).transpose()?.map(Timestamp::from_millis))
}

/// Every deployment in progress, in key order.
pub(crate) async fn in_progress<'c>(executor: impl PgExecutor<'c>) -> Result<Vec<Deployment>> {
    let sql = concat!(
        "SELECT ",
        rows::deployment_columns!(),
        " FROM deployments WHERE ",
        in_progress!(),
        " ORDER BY application_id, environment_id, deployment_number"
    );
    let found = all_rows(executor, query(sql)).await?;
    each(&found, |row| rows::deployment(row).map(|l| l.item))
}

pub(crate) async fn counts<'c>(executor: impl PgExecutor<'c>) -> Result<Vec<(DeploymentState, u64)>> {
    let found = all_rows(
        executor,
        query("SELECT state, COUNT(*) FROM deployments GROUP BY state"),
    )
    .await?;
    let counted = each(&found, |row| Ok((get::<String>(row, 0)?, get::<i64>(row, 1)?)))?;
    Ok(counted
        .into_iter()
        .filter_map(|(state, count)| Some((DeploymentState::parse(&state)?, u64::try_from(count).ok()?)))
        .collect())
}

pub(crate) async fn content<'c>(
    executor: impl PgExecutor<'c>,
    application_id: &str,
    environment_id: &str,
    number: i64,
) -> Result<Option<DeployedContent>> {
    let row = optional_row(
        executor,
        query(
            "SELECT content_type, content FROM deployment_content \
             WHERE application_id = $1 AND environment_id = $2 AND deployment_number = $3",
        )
        .bind(application_id)
        .bind(environment_id)
        .bind(number),
    )
    .await?;
    row.map(|r| rows::deployed_content(&r)).transpose()
}

/// Deletes every deployment of the environment with its content and the invocations recorded
/// for it (their tags go with the environment's ARN, see `environments::delete`). The
/// invocations go last: deleting the deployments waits for a recording that holds one of
/// them (`extensions::invocations::record` locks it), whose rows the last delete then sees.
pub(crate) async fn delete_all(conn: &mut PgConnection, application_id: &str, environment_id: &str) -> Result<()> {
    for sql in [
        "DELETE FROM deployment_content WHERE application_id = $1 AND environment_id = $2",
        "DELETE FROM deployments WHERE application_id = $1 AND environment_id = $2",
        "DELETE FROM extension_invocations WHERE application_id = $1 AND environment_id = $2",
    ] {
        execute(&mut *conn, query(sql).bind(application_id).bind(environment_id)).await?;
    }
    Ok(())
}
