//! Per-region account settings, and the server's named secrets (first value wins).

use ramp_domain::entities::AccountSettings;
use ramp_domain::store::{Error, Result};
use sqlx::{PgPool, query};

use crate::sql::{execute, get, optional_row};

pub(crate) async fn account_settings(pool: &PgPool, region: &str) -> Result<Option<AccountSettings>> {
    let row = optional_row(
        pool,
        query(
            "SELECT deletion_protection_enabled, protection_period_in_minutes FROM account_settings \
             WHERE region = $1",
        )
        .bind(region),
    )
    .await?;
    row.map(|r| {
        Ok(AccountSettings {
            deletion_protection_enabled: get(&r, 0)?,
            protection_period_in_minutes: get(&r, 1)?,
        })
    })
    .transpose()
}

pub(crate) async fn put_account_settings(pool: &PgPool, region: &str, settings: &AccountSettings) -> Result<()> {
    execute(
        pool,
        query(
            "INSERT INTO account_settings (region, deletion_protection_enabled, protection_period_in_minutes) \
             VALUES ($1, $2, $3) ON CONFLICT (region) DO UPDATE SET \
             deletion_protection_enabled = excluded.deletion_protection_enabled, \
             protection_period_in_minutes = excluded.protection_period_in_minutes",
        )
        .bind(region)
        .bind(settings.deletion_protection_enabled)
        .bind(settings.protection_period_in_minutes),
    )
    .await?;
    Ok(())
}

async fn stored_secret(pool: &PgPool, name: &str) -> Result<Option<Vec<u8>>> {
    let row = optional_row(pool, query("SELECT value FROM secrets WHERE name = $1").bind(name)).await?;
    row.map(|r| get(&r, 0)).transpose()
}

/// The secret stored under `name`, storing `candidate` first if there is none. Each statement
/// commits on its own: when two nodes race, the loser's INSERT waits for the winner's to
/// commit and does nothing, and its next SELECT (a new snapshot) reads the winner's value.
pub(crate) async fn secret(pool: &PgPool, name: &str, candidate: &[u8]) -> Result<Vec<u8>> {
    if let Some(value) = stored_secret(pool, name).await? {
        return Ok(value);
    }
    let inserted = optional_row(
        pool,
        query("INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING value")
            .bind(name)
            .bind(candidate),
    )
    .await?;
    if let Some(row) = inserted {
        return get(&row, 0);
    }
    stored_secret(pool, name)
        .await?
        .ok_or_else(|| Error::Unavailable(format!("secret {name:?} vanished while being stored")))
}
