//! Alarms: global, by name; written whole (upsert), each put also appended to the alarm's
//! history.

use ramp_domain::deployment::Alarm;
use ramp_domain::store::{ALARM_HISTORY_KEPT, Result};
use sqlx::{PgConnection, PgExecutor, query};

use crate::rows::{self, each};
use crate::sql::{all_rows, execute, optional_row};

/// Stores the alarm and appends it to its history (run in one transaction).
pub(crate) async fn put(conn: &mut PgConnection, alarm: &Alarm) -> Result<()> {
    execute(
        &mut *conn,
        query(
            "INSERT INTO alarms (name, state, reason, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO UPDATE SET state = excluded.state, reason = excluded.reason, \
             updated_at = excluded.updated_at",
        )
        .bind(&alarm.name)
        .bind(alarm.state.as_str())
        .bind(&alarm.reason)
        .bind(alarm.updated_at.millis()),
    )
    .await?;
    execute(
        &mut *conn,
        query(
            "INSERT INTO alarm_history (name, state, reason, updated_at) \
             SELECT name, state, reason, updated_at FROM alarms WHERE name = $1",
        )
        .bind(&alarm.name),
    )
    .await?;
    // Only the newest entries are kept: an alarm that flaps must not grow the table for ever.
    execute(
        &mut *conn,
        query(
            "DELETE FROM alarm_history WHERE name = $1 AND id <= \
             (SELECT id FROM alarm_history WHERE name = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)",
        )
        .bind(&alarm.name)
        .bind(ALARM_HISTORY_KEPT as i64),
    )
    .await?;
    Ok(())
}

/// The alarm's past states, newest first.
pub(crate) async fn history<'c>(executor: impl PgExecutor<'c>, name: &str, limit: usize) -> Result<Vec<Alarm>> {
    let sql = concat!(
        "SELECT ",
        rows::alarm_columns!(),
        " FROM alarm_history WHERE name = $1 ORDER BY id DESC LIMIT $2"
    );
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let found = all_rows(executor, query(sql).bind(name).bind(limit)).await?;
    each(&found, rows::alarm)
}

pub(crate) async fn get<'c>(executor: impl PgExecutor<'c>, name: &str) -> Result<Option<Alarm>> {
    let sql = concat!("SELECT ", rows::alarm_columns!(), " FROM alarms WHERE name = $1");
    let row = optional_row(executor, query(sql).bind(name)).await?;
    row.map(|r| rows::alarm(&r)).transpose()
}

/// Every alarm, by name (bytewise: the column is COLLATE "C").
pub(crate) async fn list<'c>(executor: impl PgExecutor<'c>) -> Result<Vec<Alarm>> {
    let sql = concat!("SELECT ", rows::alarm_columns!(), " FROM alarms ORDER BY name");
    let found = all_rows(executor, query(sql)).await?;
    each(&found, rows::alarm)
}
