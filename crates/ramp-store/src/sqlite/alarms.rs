//! Alarms: global, by name; written whole (upsert), each put also appended to the alarm's
//! history.

use ramp_domain::deployment::Alarm;
use ramp_domain::store::{ALARM_HISTORY_KEPT, Result};
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
    execute(
        conn,
        "INSERT INTO alarm_history (name, state, reason, updated_at) \
         SELECT name, state, reason, updated_at FROM alarms WHERE name = ?1",
        [&alarm.name],
    )?;
    // Only the newest entries are kept: an alarm that flaps must not grow the file for ever.
    execute(
        conn,
        "DELETE FROM alarm_history WHERE name = ?1 AND id <= \
         (SELECT id FROM alarm_history WHERE name = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)",
        params![alarm.name, ALARM_HISTORY_KEPT as i64],
    )?;
    Ok(())
}

/// The alarm's past states, newest first.
pub(super) fn history(conn: &Connection, name: &str, limit: usize) -> Result<Vec<Alarm>> {
    let sql = concat!(
        "SELECT ",
        rows::alarm_columns!(),
        " FROM alarm_history WHERE name = ?1 ORDER BY id DESC LIMIT ?2"
    );
    all_rows(
        conn,
        sql,
        params![name, limit.min(i64::MAX as usize) as i64],
        rows::alarm,
    )
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
