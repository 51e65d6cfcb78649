//! Fresh PostgreSQL schemas for tests, here and in other crates (feature `testing`).
//!
//! Tests run against PostgreSQL only when [`DATABASE_URL_VAR`] names a database (for example
//! `postgres://postgres@127.0.0.1:5432/test`); without it they print one skip line and pass.
//! Each test works in a schema of its own, `ramp_test_<unix seconds>_<random>`, selected by
//! the URL that [`fresh_schema_url`] returns, so that another process given that URL (the
//! `ramp serve` binary in the integration tests) works in the same schema. Schemas older than
//! an hour are dropped the first time a process asks for a fresh one: test schemas don't pile
//! up, and the schemas of tests still running are left alone.

use std::sync::atomic::{AtomicBool, Ordering};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use ramp_domain::store::Result;
use sqlx::{AssertSqlSafe, Connection, PgConnection, query};

use crate::PostgresStore;
use crate::sql::{all_rows, execute, get, one_row, unavailable};

/// The environment variable naming the test database.
pub const DATABASE_URL_VAR: &str = "RAMP_TEST_DATABASE_URL";

/// Every test schema's name starts with this.
pub const SCHEMA_PREFIX: &str = "ramp_test_";

/// Test schemas older than this many seconds are dropped.
const STALE_AFTER_SECONDS: i64 = 3600;

/// What a URL query value may hold unescaped (enough to keep the result readable).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

static STALE_DROPPED: AtomicBool = AtomicBool::new(false);

/// The test database's URL, or `None` after printing that the calling test is skipped.
pub fn database_url() -> Option<String> {
    match std::env::var(DATABASE_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            println!("skipped: {DATABASE_URL_VAR} is not set, so this PostgreSQL test does not run");
            None
        }
    }
}

/// `base_url` with `schema` first on the connection's `search_path`, through libpq's `options`
/// parameter (`-c search_path=<schema>`, percent-encoded), which sqlx honours too: every
/// table of the store, and sqlx's `_sqlx_migrations`, then lives in that schema.
pub fn schema_url(base_url: &str, schema: &str) -> String {
    let separator = if base_url.contains('?') { '&' } else { '?' };
    let options = format!("-c search_path={schema}");
    format!(
        "{base_url}{separator}options={}",
        utf8_percent_encode(&options, QUERY_VALUE)
    )
}

/// Creates a new, empty, uniquely named schema in the database at `base_url` and returns a
/// URL selecting it (see [`schema_url`]).
pub async fn fresh_schema_url(base_url: &str) -> Result<String> {
    let mut conn = PgConnection::connect(base_url).await.map_err(unavailable)?;
    // The server's clock, which every process sharing the database agrees on.
    let now: i64 = get(
        &one_row(&mut conn, query("SELECT extract(epoch FROM now())::bigint")).await?,
        0,
    )?;
    if !STALE_DROPPED.swap(true, Ordering::SeqCst) {
        drop_stale_schemas(&mut conn, now).await;
    }
    let schema = format!("{SCHEMA_PREFIX}{now}_{:016x}", rand::random::<u64>());
    // The name is made of [a-z0-9_] only, so it needs no quoting.
    execute(&mut conn, query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))).await?;
    let _ = conn.close().await;
    Ok(schema_url(base_url, &schema))
}

/// A store in a fresh schema of the test database, or `None` (after printing the skip line)
/// when [`DATABASE_URL_VAR`] is not set: `let Some(store) = fresh_store().await else { return };`.
///
/// # Panics
///
/// When the variable is set but the database can't be used: a test must fail then, not skip.
pub async fn fresh_store() -> Option<PostgresStore> {
    let base = database_url()?;
    let url = match fresh_schema_url(&base).await {
        Ok(url) => url,
        Err(e) => panic!("cannot create a test schema in {DATABASE_URL_VAR}'s database: {e}"),
    };
    match PostgresStore::connect(&url).await {
        Ok(store) => Some(store),
        Err(e) => panic!("cannot connect a store to a fresh test schema: {e}"),
    }
}

/// Best effort: drops the test schemas created more than an hour before `now` (by their name),
/// a batch per statement (one statement for all could exceed the server's lock table).
async fn drop_stale_schemas(conn: &mut PgConnection, now: i64) {
    let found = match all_rows(
        &mut *conn,
        query("SELECT nspname::text FROM pg_namespace WHERE starts_with(nspname::text, $1)").bind(SCHEMA_PREFIX),
    )
    .await
    {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "cannot list old test schemas");
            return;
        }
    };
    let stale: Vec<String> = found
        .iter()
        .filter_map(|row| get::<String>(row, 0).ok())
        .filter(|name| is_test_schema(name) && created_at(name).is_some_and(|t| now - t > STALE_AFTER_SECONDS))
        .collect();
    for batch in stale.chunks(20) {
        // The names are made of [a-z0-9_] only (checked above), so they need no quoting.
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", batch.join(", "));
        if let Err(e) = execute(&mut *conn, query(AssertSqlSafe(sql))).await {
            // Another test process may be dropping them at the same time.
            tracing::debug!(error = %e, "cannot drop old test schemas");
        }
    }
}

fn is_test_schema(name: &str) -> bool {
    name.starts_with(SCHEMA_PREFIX)
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The creation time (unix seconds) in a test schema's name.
fn created_at(name: &str) -> Option<i64> {
    name.strip_prefix(SCHEMA_PREFIX)?.split('_').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_urls_select_the_schema_through_libpq_options() {
        assert_eq!(
            schema_url("postgres://u@h:5432/db", "ramp_test_1_ab"),
            "postgres://u@h:5432/db?options=-c%20search_path%3Dramp_test_1_ab"
        );
        assert_eq!(
            schema_url("postgres://u@h/db?sslmode=require", "s"),
            "postgres://u@h/db?sslmode=require&options=-c%20search_path%3Ds"
        );
    }

    #[test]
    fn schema_names_carry_their_creation_time() {
        assert_eq!(created_at("ramp_test_1700000000_00ff"), Some(1_700_000_000));
        assert_eq!(created_at("ramp_test_x"), None);
        assert_eq!(created_at("public"), None);
    }
}
