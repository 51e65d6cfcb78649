//! Alarms: global, by name; written whole (upsert).

use ramp_domain::deployment::Alarm;
use ramp_domain::store::Result;
use sqlx::{PgExecutor, query};

use crate::rows::{self, each};
use crate::sql::{all_rows, execute, optional_row};

pub(crate) async fn put<'c>(executor: impl PgExecutor<'c>, alarm: &Alarm) -> Result<()> {
    execute(
        executor,
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
    Ok(())
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
