//! Invocations of actions recorded after the transition that caused them, per deployment.

use ramp_domain::extensions::{ActionInvocation, RecordedInvocation};
use ramp_domain::store::Result;
use rusqlite::{Connection, params};

use crate::sqlite::sql::{all_rows, doc, execute};

/// An invocation to record, its `ActionInvocation` encoded before the write job.
pub(super) struct Encoded {
    pub(super) application_id: String,
    pub(super) environment_id: String,
    pub(super) deployment_number: i64,
    pub(super) event_index: i64,
    pub(super) invocation_id: String,
    pub(super) doc: String,
}

/// Inserts each invocation, or replaces the one recorded with its deployment and id (keeping
/// its row, so its place in the order). An invocation of a deployment that is gone (its
/// environment was deleted meanwhile) is dropped: nothing would ever read or delete it.
pub(super) fn record(conn: &Connection, invocations: &[Encoded]) -> Result<()> {
    for i in invocations {
        execute(
            conn,
            "INSERT INTO extension_invocations \
             (application_id, environment_id, deployment_number, invocation_id, event_index, doc) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM deployments \
                 WHERE application_id = ?1 AND environment_id = ?2 AND deployment_number = ?3) \
             ON CONFLICT (application_id, environment_id, deployment_number, invocation_id) \
             DO UPDATE SET event_index = excluded.event_index, doc = excluded.doc",
            params![
                i.application_id,
                i.environment_id,
                i.deployment_number,
                i.invocation_id,
                i.event_index,
                i.doc
            ],
        )?;
    }
    Ok(())
}

/// In the order they were first recorded.
pub(super) fn of_deployment(
    conn: &Connection,
    application_id: &str,
    environment_id: &str,
    deployment_number: i64,
) -> Result<Vec<RecordedInvocation>> {
    all_rows(
        conn,
        "SELECT event_index, doc FROM extension_invocations \
         WHERE application_id = ?1 AND environment_id = ?2 AND deployment_number = ?3 ORDER BY seq",
        params![application_id, environment_id, deployment_number],
        |row| {
            let invocation: ActionInvocation = doc(row, 1)?;
            Ok(RecordedInvocation {
                application_id: application_id.to_owned(),
                environment_id: environment_id.to_owned(),
                deployment_number,
                event_index: row.get(0)?,
                invocation,
            })
        },
    )
}
