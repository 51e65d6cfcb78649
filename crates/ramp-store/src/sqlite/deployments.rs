//! Deployments: numbered per environment from the environment's counter (never reused), at most
//! one in progress per environment, updated by compare-and-set on `revision`. Their content
//! lives in `deployment_content` so that reading a deployment doesn't load it. `event_log`,
//! `monitors` and `applied_extensions` arrive already encoded as JSON.

use ramp_clock::Timestamp;
use ramp_domain::deployment::{DeployedContent, Deployment, DeploymentState};
use ramp_domain::entities::{EnvironmentState, Tags};
use ramp_domain::store::{Conflict, Error, Listed, ResourceKind, Result, Slice};
use rusqlite::{Connection, params};

use super::sql::{all_rows, execute, exists, insert, optional_row};
use super::tags;
use crate::rows::{self, after_descending, limit, step_timing_str};

/// The SQL twin of `DeploymentState::is_in_progress`, spelled exactly as the partial index
/// `deployments_in_progress` (migration 002) so that the planner uses it.
macro_rules! in_progress {
    () => {
        "state IN ('DEPLOYING', 'BAKING', 'VALIDATING', 'ROLLING_BACK')"
    };
}
#[cfg(test)]
pub(super) const IN_PROGRESS: &str = in_progress!();

/// A deployment's JSON columns, encoded before the write job.
pub(super) struct Encoded {
    pub(super) event_log: String,
    pub(super) monitors: String,
    pub(super) applied_extensions: String,
}

/// The ARN a deployment's tags are stored under.
fn deployment_arn(environment_arn: &str, number: i64) -> String {
    format!("{environment_arn}/deployment/{number}")
}

/// `SqliteStore::start_deployment` in one write job. The counter is taken first (in PostgreSQL
/// that locks the environment row, serialising concurrent starts); when the in-progress check
/// then fails, the job's savepoint undoes it.
pub(super) fn start(
    conn: &Connection,
    deployment: &Deployment,
    encoded: &Encoded,
    content: &DeployedContent,
    environment_arn: &str,
    tags: &Tags,
) -> Result<Deployment> {
    let (app, env) = (&deployment.application_id, &deployment.environment_id);
    let number: i64 = optional_row(
        conn,
        "UPDATE environments SET last_deployment_number = last_deployment_number + 1, state = ?3 \
         WHERE application_id = ?1 AND id = ?2 RETURNING last_deployment_number",
        params![app, env, EnvironmentState::Deploying.as_str()],
        |row| row.get(0),
    )?
    .ok_or(Error::NotFound(ResourceKind::Environment))?;
    refuse_while_in_progress(conn, app, env)?;

    let stored = Deployment {
        deployment_number: number,
        ..deployment.clone()
    };
    insert_row(conn, &stored, encoded)?;
    insert(
        conn,
        "INSERT INTO deployment_content \
         (application_id, environment_id, deployment_number, content_type, content) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![app, env, number, content.content_type, &content.content[..]],
        ResourceKind::DeployedContent,
    )?;
    tags::put(conn, &deployment_arn(environment_arn, number), tags)?;
    Ok(stored)
}

fn insert_row(conn: &Connection, d: &Deployment, encoded: &Encoded) -> Result<()> {
    insert(
        conn,
        concat!(
            "INSERT INTO deployments (",
            rows::deployment_columns!(),
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, \
             ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)"
        ),
        params![
            d.application_id,
            d.environment_id,
            d.deployment_number,
            d.configuration_profile_id,
            d.deployment_strategy_id,
            d.configuration_name,
            d.configuration_location_uri,
            d.configuration_version,
            d.hosted_version_number,
            d.version_label,
            d.description,
            d.strategy.deployment_duration_in_minutes,
            d.strategy.growth_type.as_str(),
            d.strategy.growth_factor,
            d.strategy.final_bake_time_in_minutes,
            step_timing_str(d.step_timing),
            d.state.as_str(),
            d.percentage_complete,
            d.started_at.millis(),
            d.completed_at.map(Timestamp::millis),
            encoded.event_log,
            d.kms_key_identifier,
            encoded.monitors,
            d.next_due_at.map(Timestamp::millis),
            d.revision,
            encoded.applied_extensions,
        ],
        ResourceKind::Deployment,
    )
}

/// `Conflict::DeploymentInProgress` naming the deployment in progress in the environment, if
/// there is one.
pub(super) fn refuse_while_in_progress(conn: &Connection, application_id: &str, environment_id: &str) -> Result<()> {
    let sql = concat!(
        "SELECT deployment_number FROM deployments WHERE application_id = ?1 AND environment_id = ?2 AND ",
        in_progress!(),
        " ORDER BY deployment_number DESC LIMIT 1"
    );
    match optional_row(conn, sql, [application_id, environment_id], |row| row.get::<_, i64>(0))? {
        Some(number) => Err(Error::Conflict(Conflict::DeploymentInProgress {
            environment_id: environment_id.to_owned(),
            number,
        })),
        None => Ok(()),
    }
}

/// Compare-and-set on `revision`; the deployment as stored (its revision incremented).
pub(super) fn update(
    conn: &Connection,
    d: &Deployment,
    encoded: &Encoded,
    environment_state: Option<EnvironmentState>,
) -> Result<Deployment> {
    let n = execute(
        conn,
        "UPDATE deployments SET state = ?5, percentage_complete = ?6, completed_at = ?7, event_log = ?8, \
         next_due_at = ?9, revision = ?4 + 1 \
         WHERE application_id = ?1 AND environment_id = ?2 AND deployment_number = ?3 AND revision = ?4",
        params![
            d.application_id,
            d.environment_id,
            d.deployment_number,
            d.revision,
            d.state.as_str(),
            d.percentage_complete,
            d.completed_at.map(Timestamp::millis),
            encoded.event_log,
            d.next_due_at.map(Timestamp::millis),
        ],
    )?;
    if n == 0 {
        let key = params![d.application_id, d.environment_id, d.deployment_number];
        return if exists(
            conn,
            "SELECT 1 FROM deployments \
             WHERE application_id = ?1 AND environment_id = ?2 AND deployment_number = ?3",
            key,
        )? {
            Err(Error::Conflict(Conflict::RevisionChanged {
                number: d.deployment_number,
                revision: d.revision,
            }))
        } else {
            Err(Error::NotFound(ResourceKind::Deployment))
        };
    }
    if let Some(state) = environment_state {
        execute(
            conn,
            "UPDATE environments SET state = ?3 WHERE application_id = ?1 AND id = ?2",
            params![d.application_id, d.environment_id, state.as_str()],
        )?;
    }
    Ok(Deployment {
        revision: d.revision + 1,
        ..d.clone()
    })
}

pub(super) fn get(
    conn: &Connection,
    application_id: &str,
    environment_id: &str,
    number: i64,
) -> Result<Option<Deployment>> {
    let sql = concat!(
        "SELECT ",
        rows::deployment_columns!(),
        " FROM deployments WHERE application_id = ?1 AND environment_id = ?2 AND deployment_number = ?3"
    );
    let found = optional_row(
        conn,
        sql,
        params![application_id, environment_id, number],
        rows::deployment,
    )?;
    Ok(found.map(|listed| listed.item))
}

/// Newest first.
pub(super) fn list(
    conn: &Connection,
    application_id: &str,
    environment_id: &str,
    slice: Slice,
) -> Result<Vec<Listed<Deployment>>> {
    let sql = concat!(
        "SELECT ",
        rows::deployment_columns!(),
        " FROM deployments WHERE application_id = ?1 AND environment_id = ?2 AND deployment_number < ?3 \
         ORDER BY deployment_number DESC LIMIT ?4"
    );
    all_rows(
        conn,
        sql,
        params![application_id, environment_id, after_descending(slice), limit(slice)],
        rows::deployment,
    )
}

/// Due at or before `now`, earliest first (ties in key order).
pub(super) fn due(conn: &Connection, now: Timestamp, max: usize) -> Result<Vec<Deployment>> {
    let sql = concat!(
        "SELECT ",
        rows::deployment_columns!(),
        " FROM deployments WHERE next_due_at <= ?1 \
         ORDER BY next_due_at, application_id, environment_id, deployment_number LIMIT ?2"
    );
    let max = i64::try_from(max).unwrap_or(i64::MAX);
    all_rows(conn, sql, params![now.millis(), max], |row| {
        rows::deployment(row).map(|l| l.item)
    })
}

pub(super) fn next_due_at(conn: &Connection) -> Result<Option<Timestamp>> {
    let next: Option<i64> = optional_row(
        conn,
        "SELECT next_due_at FROM deployments WHERE next_due_at IS NOT NULL ORDER BY next_due_at LIMIT 1",
        [],
        |row| row.get(0),
    )?;
    Ok(next.map(Timestamp::from_millis))
}

/// Every deployment in progress, in key order.
pub(super) fn in_progress(conn: &Connection) -> Result<Vec<Deployment>> {
    let sql = concat!(
        "SELECT ",
        rows::deployment_columns!(),
        " FROM deployments WHERE ",
        in_progress!(),
        " ORDER BY application_id, environment_id, deployment_number"
    );
    all_rows(conn, sql, [], |row| rows::deployment(row).map(|l| l.item))
}

pub(super) fn counts(conn: &Connection) -> Result<Vec<(DeploymentState, u64)>> {
    let sql = "SELECT state, COUNT(*) FROM deployments GROUP BY state";
    let counted: Vec<(String, i64)> = all_rows(conn, sql, [], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(counted
        .into_iter()
        .filter_map(|(state, count)| Some((DeploymentState::parse(&state)?, u64::try_from(count).ok()?)))
        .collect())
}

pub(super) fn content(
    conn: &Connection,
    application_id: &str,
    environment_id: &str,
    number: i64,
) -> Result<Option<DeployedContent>> {
    optional_row(
        conn,
        "SELECT content_type, content FROM deployment_content \
         WHERE application_id = ?1 AND environment_id = ?2 AND deployment_number = ?3",
        params![application_id, environment_id, number],
        rows::deployed_content,
    )
}

/// Deletes every deployment of the environment with its content and the invocations recorded
/// for it (their tags go with the environment's ARN, see `environments::delete`).
pub(super) fn delete_all(conn: &Connection, application_id: &str, environment_id: &str) -> Result<()> {
    for sql in [
        "DELETE FROM deployment_content WHERE application_id = ?1 AND environment_id = ?2",
        "DELETE FROM deployments WHERE application_id = ?1 AND environment_id = ?2",
        "DELETE FROM extension_invocations WHERE application_id = ?1 AND environment_id = ?2",
    ] {
        execute(conn, sql, [application_id, environment_id])?;
    }
    Ok(())
}
