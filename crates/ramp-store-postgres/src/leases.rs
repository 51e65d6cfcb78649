//! Leases by name: one holder at a time until the lease expires or is released.

use ramp_clock::Timestamp;
use ramp_domain::store::{Lease, Result};
use sqlx::{PgPool, query};

use crate::sql::{execute, get, optional_row};

/// Takes the lease when it is free or expired, renews it when `holder` has it; whether
/// `holder` holds it afterwards. One statement: a racing INSERT waits for the other's row
/// and then re-checks the WHERE against it, so two callers can never both win.
pub(crate) async fn acquire(pool: &PgPool, name: &str, holder: &str, now: Timestamp, ttl_millis: i64) -> Result<bool> {
    let held = optional_row(
        pool,
        query(
            "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE leases.holder = excluded.holder OR leases.expires_at <= $4 \
             RETURNING holder",
        )
        .bind(name)
        .bind(holder)
        .bind(now.millis().saturating_add(ttl_millis))
        .bind(now.millis()),
    )
    .await?;
    Ok(held.is_some())
}

pub(crate) async fn release(pool: &PgPool, name: &str, holder: &str) -> Result<()> {
    execute(
        pool,
        query("DELETE FROM leases WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder),
    )
    .await?;
    Ok(())
}

pub(crate) async fn get_one(pool: &PgPool, name: &str) -> Result<Option<Lease>> {
    let row = optional_row(
        pool,
        query("SELECT holder, expires_at FROM leases WHERE name = $1").bind(name),
    )
    .await?;
    row.map(|r| {
        Ok(Lease {
            holder: get(&r, 0)?,
            expires_at: Timestamp::from_millis(get(&r, 1)?),
        })
    })
    .transpose()
}
