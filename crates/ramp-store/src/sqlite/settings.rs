//! Per-region account settings, and the server's named secrets (first value wins).

use ramp_domain::entities::AccountSettings;
use ramp_domain::store::Result;
use rusqlite::{Connection, params};

use super::sql::{execute, one_row, optional_row};

pub(super) fn account_settings(conn: &Connection, region: &str) -> Result<Option<AccountSettings>> {
    optional_row(
        conn,
        "SELECT deletion_protection_enabled, protection_period_in_minutes FROM account_settings \
         WHERE region = ?1",
        [region],
        |row| {
            Ok(AccountSettings {
                deletion_protection_enabled: row.get(0)?,
                protection_period_in_minutes: row.get(1)?,
            })
        },
    )
}

pub(super) fn put_account_settings(conn: &Connection, region: &str, settings: &AccountSettings) -> Result<()> {
    execute(
        conn,
        "INSERT INTO account_settings (region, deletion_protection_enabled, protection_period_in_minutes) \
         VALUES (?1, ?2, ?3) ON CONFLICT (region) DO UPDATE SET \
         deletion_protection_enabled = excluded.deletion_protection_enabled, \
         protection_period_in_minutes = excluded.protection_period_in_minutes",
        params![
            region,
            settings.deletion_protection_enabled,
            settings.protection_period_in_minutes
        ],
    )?;
    Ok(())
}

const SELECT_SECRET: &str = "SELECT value FROM secrets WHERE name = ?1";

/// The stored value of secret `name`, if any.
pub(super) fn secret(conn: &Connection, name: &str) -> Result<Option<Vec<u8>>> {
    optional_row(conn, SELECT_SECRET, [name], |row| row.get(0))
}

/// Stores `candidate` as secret `name` unless a value is already stored; the stored value.
pub(super) fn keep_first_secret(conn: &Connection, name: &str, candidate: &[u8]) -> Result<Vec<u8>> {
    execute(
        conn,
        "INSERT INTO secrets (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
        params![name, candidate],
    )?;
    one_row(conn, SELECT_SECRET, [name], |row| row.get(0))
}
