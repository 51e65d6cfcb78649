//! ramp's embedded store: [`SqliteStore`] implements [`ramp_domain::store::Store`] over one
//! SQLite file in WAL mode.
//!
//! * Writes go to a single writer thread that group-commits: every job queued while the previous
//!   batch was being fsynced runs in its own savepoint of one transaction, committed once
//!   (`synchronous=FULL`), and callers are answered only after that commit.
//! * Reads use a small pool of read-only connections with cached prepared statements.
//! * The schema lives in `migrations/sqlite/` and is applied with `rusqlite_migration` on open.
//!
//! Its tests run the store contract (crate `ramp-store-contract`) on an in-memory store.

mod readers;
mod rows;
mod sqlite;
mod writer;

pub use sqlite::SqliteStore;

use ramp_domain::store::{Error, Result};

/// Maps SQLite failures to the store's "storage failure" error.
pub(crate) trait Db<T> {
    fn db(self) -> Result<T>;
}

impl<T> Db<T> for rusqlite::Result<T> {
    fn db(self) -> Result<T> {
        self.map_err(unavailable)
    }
}

pub(crate) fn unavailable(e: rusqlite::Error) -> Error {
    Error::Unavailable(e.to_string())
}

/// True for a UNIQUE or PRIMARY KEY constraint violation.
pub(crate) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    e.sqlite_error().is_some_and(|f| {
        f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    })
}
