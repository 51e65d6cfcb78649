//! A small checkout pool of read-only connections. In WAL mode readers never block the writer
//! nor each other; each statement reads the latest committed snapshot.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use ramp_domain::store::{Error, Result};
use rusqlite::{Connection, OpenFlags};

use crate::Db;

/// Idle connections kept for reuse; more are opened on demand when all are busy.
const MAX_IDLE: usize = 8;
/// Prepared statements cached per connection (more than the store has read statements).
pub(crate) const STATEMENT_CACHE: usize = 64;
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    /// Opens one reader up front so that a path that cannot be read fails at open.
    pub(crate) fn open(path: &Path) -> Result<Self> {
        let first = open_reader(path)?;
        Ok(Self {
            path: path.to_owned(),
            idle: Mutex::new(vec![first]),
        })
    }

    /// Runs `f` on an idle (or new) read-only connection.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = match self.lock()?.pop() {
            Some(conn) => conn,
            None => open_reader(&self.path)?,
        };
        let out = f(&conn);
        if let Ok(mut idle) = self.lock()
            && idle.len() < MAX_IDLE
        {
            idle.push(conn);
        }
        out
    }

    /// Closes the idle connections (used at shutdown so that the writer closes last).
    pub(crate) fn clear(&self) {
        if let Ok(mut idle) = self.lock() {
            idle.clear();
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Vec<Connection>>> {
        self.idle
            .lock()
            .map_err(|_| Error::Unavailable("reader pool lock poisoned".to_owned()))
    }
}

fn open_reader(path: &Path) -> Result<Connection> {
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX).db()?;
    conn.busy_timeout(BUSY_TIMEOUT).db()?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}
