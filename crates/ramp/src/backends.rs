//! Where ramp keeps its state and reads its time: the embedded SQLite file (one node) or
//! PostgreSQL (any number of nodes), and a clock that every node sharing the store agrees on.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use ramp_clock::{ManualClock, SharedClock, SystemClock, Timestamp};
use ramp_domain::store::Store;
use ramp_store::SqliteStore;
use ramp_store_postgres::{PostgresStore, without_password};

/// The opened store.
pub struct Storage {
    pub store: Arc<dyn Store>,
    /// Other ramp processes may use the same store (PostgreSQL): the engine then shares the
    /// driving of deployments through a lease, and each node follows the others' changes.
    pub shared: bool,
    /// Where the data is, for the log (a PostgreSQL URL without its password).
    pub location: String,
}

/// PostgreSQL when `database_url` is given, else `{data_dir}/ramp.db`. Migrations run here; on
/// PostgreSQL they hold an advisory lock, so nodes starting together apply each one once.
pub async fn open_store(database_url: Option<&str>, data_dir: &Path) -> anyhow::Result<Storage> {
    if let Some(url) = database_url {
        let location = without_password(url);
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            anyhow::bail!(
                "--database-url must be a PostgreSQL URL (postgres://user:password@host:5432/db), not {location}"
            );
        }
        let store = PostgresStore::connect(url)
            .await
            .with_context(|| format!("connecting to {location}"))?;
        return Ok(Storage {
            store: Arc::new(store),
            shared: true,
            location,
        });
    }
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    let path = data_dir.join("ramp.db");
    let store = SqliteStore::open(&path).with_context(|| format!("opening {}", path.display()))?;
    Ok(Storage {
        store: Arc::new(store),
        shared: false,
        location: path.display().to_string(),
    })
}

/// How ramp's clock runs: set by hand, or wall time `time_scale` times faster.
pub enum ClockMode {
    Manual { start: Option<Timestamp> },
    System { time_scale: f64 },
}

/// ramp's clock. An accelerated clock on a shared store runs from an origin kept in the store,
/// so every node (and every restart) reads the same accelerated time; alone, it runs from
/// the moment the process started. A manual clock is each node's own.
pub async fn clock(mode: ClockMode, storage: &Storage) -> anyhow::Result<(SharedClock, Option<Arc<ManualClock>>)> {
    match mode {
        ClockMode::Manual { start } => {
            let manual = Arc::new(start.map_or_else(ManualClock::starting_now, ManualClock::new));
            Ok((manual.clone(), Some(manual)))
        }
        ClockMode::System { time_scale } if storage.shared && time_scale != 1.0 => {
            let now = SystemClock::real_now().millis().to_be_bytes();
            let stored = storage
                .store
                .secret(&format!("clock-origin-x{time_scale}"), &now)
                .await
                .context("reading the accelerated clock's origin")?;
            let origin = <[u8; 8]>::try_from(stored.as_slice())
                .map(i64::from_be_bytes)
                .map_err(|_| anyhow::anyhow!("the stored clock origin is not 8 bytes"))?;
            Ok((
                Arc::new(SystemClock::scaled_since(Timestamp::from_millis(origin), time_scale)),
                None,
            ))
        }
        ClockMode::System { time_scale } => Ok((Arc::new(SystemClock::scaled(time_scale)), None)),
    }
}
