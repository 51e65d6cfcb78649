//! Leases by name: one holder at a time until the lease expires or is released.

use ramp_clock::Timestamp;
use ramp_domain::store::{Lease, Result};
use rusqlite::{Connection, params};

use super::sql::{execute, optional_row};

/// Takes the lease when it is free or expired, renews it when `holder` has it; whether
/// `holder` holds it afterwards. One statement, so two callers can never both win.
pub(super) fn acquire(conn: &Connection, name: &str, holder: &str, now: Timestamp, ttl_millis: i64) -> Result<bool> {
    let held = optional_row(
        conn,
        "INSERT INTO leases (name, holder, expires_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
         WHERE leases.holder = excluded.holder OR leases.expires_at <= ?4 \
         RETURNING holder",
        params![name, holder, now.millis().saturating_add(ttl_millis), now.millis()],
        |row| row.get::<_, String>(0),
    )?;
    Ok(held.is_some())
}

pub(super) fn release(conn: &Connection, name: &str, holder: &str) -> Result<()> {
    execute(
        conn,
        "DELETE FROM leases WHERE name = ?1 AND holder = ?2",
        params![name, holder],
    )?;
    Ok(())
}

pub(super) fn get(conn: &Connection, name: &str) -> Result<Option<Lease>> {
    optional_row(
        conn,
        "SELECT holder, expires_at FROM leases WHERE name = ?1",
        [name],
        |row| {
            Ok(Lease {
                holder: row.get(0)?,
                expires_at: Timestamp::from_millis(row.get(1)?),
            })
        },
    )
}
