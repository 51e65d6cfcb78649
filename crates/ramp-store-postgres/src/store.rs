//! [`PostgresStore`]: connecting (options, schema migration, change feed) and what the store
//! holds. Its `Store` methods are in `operations.rs`.

use std::borrow::Cow;
use std::time::Duration;

use ramp_domain::store::{Error, Result};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, SqlSafeStr, query};
use sqlx_core::migrate::{Migration, MigrationType, Migrator};

use crate::feed::{self, Feed, Identity};
use crate::sql::{get, one_row, unavailable};

/// The schema, oldest first. Never edit a released migration; add the next one instead. (The
/// list is built here rather than by `sqlx::migrate!`, whose feature would drag sqlx's SQLite
/// driver into the dependency graph next to rusqlite: see the workspace Cargo.toml.)
fn migrator() -> Migrator {
    Migrator::with_migrations(vec![
        Migration::new(
            1,
            Cow::Borrowed("initial"),
            MigrationType::Simple,
            include_str!("../migrations/001_initial.sql").into_sql_str(),
            false,
        ),
        // 4, as the SQLite store's outbox migration (the first PostgreSQL schema already held
        // what SQLite's 002 and 003 added).
        Migration::new(
            4,
            Cow::Borrowed("outbox"),
            MigrationType::Simple,
            include_str!("../migrations/004_outbox.sql").into_sql_str(),
            false,
        ),
        Migration::new(
            5,
            Cow::Borrowed("amplify"),
            MigrationType::Simple,
            include_str!("../migrations/005_amplify.sql").into_sql_str(),
            false,
        ),
        Migration::new(
            6,
            Cow::Borrowed("access log batches"),
            MigrationType::Simple,
            include_str!("../migrations/006_access_log_batches.sql").into_sql_str(),
            false,
        ),
        Migration::new(
            7,
            Cow::Borrowed("extensions"),
            MigrationType::Simple,
            include_str!("../migrations/007_extensions.sql").into_sql_str(),
            false,
        ),
        Migration::new(
            8,
            Cow::Borrowed("alarm history"),
            MigrationType::Simple,
            include_str!("../migrations/008_alarm_history.sql").into_sql_str(),
            false,
        ),
    ])
}

/// How a [`PostgresStore`] uses the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostgresOptions {
    /// Connections the store opens at most for its calls (the change feed has one more).
    /// A call waiting on a row lock holds its connection, so this bounds the writers that can
    /// queue on one lock, not just the parallelism.
    pub max_connections: u32,
    /// How long a call waits for a free connection before failing with `Unavailable`; also
    /// how long `connect` keeps trying to reach a database that does not answer yet.
    pub acquire_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(30),
        }
    }
}

/// ramp's store on a PostgreSQL database shared by any number of ramp nodes.
///
/// The database URL is libpq's (`postgres://user:password@host:port/database?sslmode=require`);
/// the store works in the first schema of the connection's `search_path`, which a URL selects
/// with `options=-c%20search_path%3Dmy_schema`. Dropping the store stops its change feed.
pub struct PostgresStore {
    pub(crate) pool: PgPool,
    pub(crate) me: Identity,
    pub(crate) feed: Feed,
}

impl std::fmt::Debug for PostgresStore {
    // Not the pool: its options hold the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("schema", &self.me.schema)
            .field("origin", &self.me.origin)
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects with [`PostgresOptions::default`]: see [`PostgresStore::connect_with`].
    pub async fn connect(url: &str) -> Result<PostgresStore> {
        Self::connect_with(url, &PostgresOptions::default()).await
    }

    /// Connects to the database at `url`, brings the schema up to date and starts listening for
    /// the changes other stores commit. Any failure (a bad URL, an unreachable server, a
    /// schema that cannot be migrated) is `Unavailable`.
    pub async fn connect_with(url: &str, options: &PostgresOptions) -> Result<PostgresStore> {
        let connect: PgConnectOptions = url
            .parse()
            .map_err(|e| Error::Unavailable(format!("invalid database URL: {e}")))?;
        let schema = migrate(&connect, options.acquire_timeout).await?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect.clone())
            .await
            .map_err(unavailable)?;
        let me = Identity {
            schema,
            origin: format!("{:032x}", rand::random::<u128>()),
        };
        let feed = feed::start(&connect, options.acquire_timeout, me.clone()).await?;
        tracing::debug!(schema = %me.schema, origin = %me.origin, "store connected");
        Ok(PostgresStore { pool, me, feed })
    }

    /// The schema the store works in.
    pub fn schema(&self) -> &str {
        &self.me.schema
    }
}

/// Applies the migrations not applied yet, through a pool of one connection of its own:
/// sqlx's migrator holds a session-level advisory lock meanwhile (so nodes starting together
/// apply each migration once), and a connection that failed half-way, still holding it, must
/// not serve the store's calls. Returns the schema the migrations went to.
async fn migrate(options: &PgConnectOptions, acquire_timeout: Duration) -> Result<String> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(acquire_timeout)
        .connect_with(options.clone())
        .await
        .map_err(unavailable)?;
    let migrated = migrator().run(&pool).await;
    let schema = match migrated {
        Ok(()) => one_row(&pool, query("SELECT current_schema()")).await,
        Err(e) => Err(Error::Unavailable(format!("cannot migrate the database: {e}"))),
    };
    pool.close().await;
    get::<Option<String>>(&schema?, 0)?
        .ok_or_else(|| Error::Unavailable("the connection's search_path names no existing schema".to_owned()))
}

#[cfg(test)]
pub(crate) fn migrations() -> Migrator {
    migrator()
}
