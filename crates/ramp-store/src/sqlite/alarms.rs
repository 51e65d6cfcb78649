//! Alarms: global, by name; written whole (upsert).

use ramp_domain::deployment::Alarm;
use ramp_domain::store::Result;
use rusqlite::{Connection, params};

use super::sql::{all_rows, execute, optional_row};
use crate::rows;

pub(super) fn put(conn: &Connection, alarm: &Alarm) -> Result<()> {
    execute(
        conn,
        "INSERT INTO alarms (name, state, reason, updated_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (name) DO UPDATE SET state = excluded.state, reason = excluded.reason, \
         updated_at = excluded.updated_at",
        params![
            alarm.name,
            alarm.state.as_str(),
            alarm.reason,
            alarm.updated_at.millis()
        ],
    )?;
    Ok(())
}

pub(super) fn get(conn: &Connection, name: &str) -> Result<Option<Alarm>> {
    let sql = concat!("SELECT ", rows::alarm_columns!(), " FROM alarms WHERE name = ?1");
    optional_row(conn, sql, [name], rows::alarm)
}

/// Every alarm, by name.
pub(super) fn list(conn: &Connection) -> Result<Vec<Alarm>> {
    let sql = concat!("SELECT ", rows::alarm_columns!(), " FROM alarms ORDER BY name");
    all_rows(conn, sql, [], rows::alarm)
}
