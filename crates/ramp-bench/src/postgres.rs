//! The PostgreSQL side of the `stores` and `nodes` parts: a fresh schema for every measured
//! server, the flags that put `ramp serve` on it, and what the report says about the database.

use anyhow::Context;
use ramp_store_postgres::without_password;
use sqlx::{Connection, PgConnection};
use tokio::runtime::Runtime;

/// A new, empty schema in the database at `base_url`, and the URL selecting it: each measured
/// server starts as empty as a SQLite server on a fresh data directory, and the schemas of other
/// runs (or of a test suite sharing the database) are left alone. Such schemas are dropped by
/// the first `fresh_schema_url` of any process an hour later.
pub fn fresh_schema(base_url: &str, runtime: &Runtime) -> anyhow::Result<String> {
    runtime
        .block_on(ramp_store_postgres::testing::fresh_schema_url(base_url))
        .with_context(|| format!("creating a fresh schema in {}", without_password(base_url)))
}

/// The `ramp serve` flags of a node named `node` on the database at `url`: flags, since
/// [`crate::server::RampProcess::start_with`] clears every `RAMP_*` variable.
pub fn serve_args(url: &str, node: &str) -> Vec<String> {
    vec![
        "--database-url".to_owned(),
        url.to_owned(),
        "--node-name".to_owned(),
        node.to_owned(),
    ]
}

/// The database server's version and durability settings, for the report: a write figure means
/// little without knowing whether commits waited for the disk.
pub fn describe(url: &str, runtime: &Runtime) -> anyhow::Result<String> {
    runtime.block_on(async {
        let mut conn = PgConnection::connect(url)
            .await
            .with_context(|| format!("connecting to {}", without_password(url)))?;
        let mut settings = Vec::new();
        for name in ["server_version", "fsync", "synchronous_commit", "wal_sync_method"] {
            // `SHOW` takes no parameters; the names are the constants above.
            let value: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SHOW {name}")))
                .fetch_one(&mut conn)
                .await
                .with_context(|| format!("SHOW {name}"))?;
            settings.push(format!("{name}={value}"));
        }
        let _ = conn.close().await;
        Ok(format!(
            "PostgreSQL at {} ({})",
            without_password(url),
            settings.join(", ")
        ))
    })
}
