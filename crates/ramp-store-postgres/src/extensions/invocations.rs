//! Invocations of actions recorded after the transition that caused them, per deployment.

use ramp_domain::extensions::{ActionInvocation, RecordedInvocation};
use ramp_domain::store::Result;
use sqlx::{PgConnection, PgExecutor, query};

use crate::rows::each;
use crate::sql::{all_rows, execute, exists, from_json, get, json, lock};

/// Inserts each invocation, or replaces the one recorded with its deployment and id (keeping
/// its row, so its place in the order). First, for each deployment (in key order, so that
/// two recordings never wait on each other in a cycle), its row is locked `FOR KEY SHARE`
/// (deleting the environment's deployments waits, then deletes these rows too; the engine's
/// updates do not wait) and its recordings take turns (advisory lock: two batches upserting
/// the same invocations in different orders would otherwise deadlock). An invocation of a
/// deployment that is gone (its environment was deleted meanwhile) is dropped: nothing would
/// ever read or delete it.
pub(super) async fn record(conn: &mut PgConnection, invocations: &[RecordedInvocation]) -> Result<()> {
    let mut deployments: Vec<(&str, &str, i64)> = invocations
        .iter()
        .map(|i| {
            (
                i.application_id.as_str(),
                i.environment_id.as_str(),
                i.deployment_number,
            )
        })
        .collect();
    deployments.sort_unstable();
    deployments.dedup();
    let mut present = Vec::new();
    for (app, env, number) in deployments {
        let found = exists(
            &mut *conn,
            query(
                "SELECT 1 FROM deployments \
                 WHERE application_id = $1 AND environment_id = $2 AND deployment_number = $3 FOR KEY SHARE",
            )
            .bind(app.to_owned())
            .bind(env.to_owned())
            .bind(number),
        )
        .await?;
        if found {
            // Two deployments sharing a key (or its hash) would only take turns needlessly.
            lock(conn, "extension_invocations", &format!("{app}\n{env}\n{number}")).await?;
            present.push((app, env, number));
        }
    }
    for i in invocations {
        let key = (
            i.application_id.as_str(),
            i.environment_id.as_str(),
            i.deployment_number,
        );
        if !present.contains(&key) {
            continue;
        }
        execute(
            &mut *conn,
            query(
                "INSERT INTO extension_invocations \
                 (application_id, environment_id, deployment_number, invocation_id, event_index, doc) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (application_id, environment_id, deployment_number, invocation_id) \
                 DO UPDATE SET event_index = excluded.event_index, doc = excluded.doc",
            )
            .bind(i.application_id.clone())
            .bind(i.environment_id.clone())
            .bind(i.deployment_number)
            .bind(i.invocation.invocation_id.clone())
            .bind(i.event_index)
            .bind(json(&i.invocation)?),
        )
        .await?;
    }
    Ok(())
}

/// In the order they were first recorded.
pub(super) async fn of_deployment<'c>(
    executor: impl PgExecutor<'c>,
    application_id: &str,
    environment_id: &str,
    deployment_number: i64,
) -> Result<Vec<RecordedInvocation>> {
    let found = all_rows(
        executor,
        query(
            "SELECT event_index, doc FROM extension_invocations \
             WHERE application_id = $1 AND environment_id = $2 AND deployment_number = $3 ORDER BY seq",
        )
        .bind(application_id.to_owned())
        .bind(environment_id.to_owned())
        .bind(deployment_number),
    )
    .await?;
    each(&found, |row| {
        let invocation: ActionInvocation = from_json(row, 1)?;
        Ok(RecordedInvocation {
            application_id: application_id.to_owned(),
            environment_id: environment_id.to_owned(),
            deployment_number,
            event_index: get(row, 0)?,
            invocation,
        })
    })
}
