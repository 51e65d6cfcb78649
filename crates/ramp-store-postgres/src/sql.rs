//! What every resource's SQL shares: running statements with the store's error mapping, the
//! "exists / not found / has children" checks, locks for quotas, and JSON columns.

use ramp_clock::Timestamp;
use ramp_domain::store::{Conflict, Error, Listed, ResourceKind, Result};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::{PgConnection, PgExecutor, Postgres};

/// A statement with its parameters bound. Its text is always a `&'static str`, built with
/// `concat!` at compile time, so no value ever reaches SQL except as a parameter.
pub(crate) type Query = sqlx::query::Query<'static, Postgres, PgArguments>;

/// SQLSTATE of a UNIQUE or PRIMARY KEY violation.
const UNIQUE_VIOLATION: &str = "23505";

/// Any failure of the database or the connection: a 500 for the client, its cause in the log.
pub(crate) fn unavailable(e: sqlx::Error) -> Error {
    Error::Unavailable(e.to_string())
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|code| code == UNIQUE_VIOLATION)
}

/// `ramp_store_operation_duration_seconds` of PostgreSQL, per statement: `kind` is `write` for
/// statements run for their effect, `read` for those run for their rows.
async fn timed<T>(kind: &'static str, statement: impl Future<Output = T>) -> T {
    let started = std::time::Instant::now();
    let done = statement.await;
    metrics::histogram!("ramp_store_operation_duration_seconds", "backend" => "postgres", "kind" => kind)
        .record(started.elapsed().as_secs_f64());
    done
}

/// Runs a statement; the number of rows it changed.
pub(crate) async fn execute<'c>(executor: impl PgExecutor<'c>, query: Query) -> Result<u64> {
    Ok(timed("write", query.execute(executor))
        .await
        .map_err(unavailable)?
        .rows_affected())
}

/// Runs an insert of a `kind` row: a duplicate key is `Conflict::AlreadyExists(kind)`, anything
/// else a storage failure.
pub(crate) async fn insert(conn: &mut PgConnection, query: Query, kind: ResourceKind) -> Result<()> {
    match timed("write", query.execute(conn)).await {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(Error::Conflict(Conflict::AlreadyExists(kind))),
        Err(e) => Err(unavailable(e)),
    }
}

/// The row `query` always selects.
pub(crate) async fn one_row<'c>(executor: impl PgExecutor<'c>, query: Query) -> Result<PgRow> {
    timed("read", query.fetch_one(executor)).await.map_err(unavailable)
}

/// The row `query` selects, if any.
pub(crate) async fn optional_row<'c>(executor: impl PgExecutor<'c>, query: Query) -> Result<Option<PgRow>> {
    timed("read", query.fetch_optional(executor)).await.map_err(unavailable)
}

/// Every row `query` selects.
pub(crate) async fn all_rows<'c>(executor: impl PgExecutor<'c>, query: Query) -> Result<Vec<PgRow>> {
    timed("read", query.fetch_all(executor)).await.map_err(unavailable)
}

/// Whether `query` selects a row.
pub(crate) async fn exists<'c>(executor: impl PgExecutor<'c>, query: Query) -> Result<bool> {
    Ok(optional_row(executor, query).await?.is_some())
}

/// `NotFound(kind)` unless `query` selects a row (typically `SELECT 1 … FOR UPDATE`, which
/// also locks the row for the rest of the transaction).
pub(crate) async fn must_exist(conn: &mut PgConnection, query: Query, kind: ResourceKind) -> Result<()> {
    if exists(conn, query).await? {
        Ok(())
    } else {
        Err(Error::NotFound(kind))
    }
}

/// The last access of the `kind` row `query` selects (`SELECT last_accessed_at … FOR UPDATE`,
/// locking it against a concurrent `record_access`), refusing the delete it precedes:
/// `NotFound(kind)` without a row, `DeletionProtected` when the row was used after `cutoff`
/// (the deletion-protection rule, decided in the delete's transaction).
pub(crate) async fn unprotected(
    conn: &mut PgConnection,
    query: Query,
    kind: ResourceKind,
    cutoff: Option<Timestamp>,
) -> Result<()> {
    let row = optional_row(conn, query).await?.ok_or(Error::NotFound(kind))?;
    let last_accessed: Option<i64> = get(&row, 0)?;
    match (cutoff, last_accessed) {
        (Some(cutoff), Some(at)) if at > cutoff.millis() => Err(Error::DeletionProtected),
        _ => Ok(()),
    }
}

/// `HasChildren(kind)` when `query` selects a row.
pub(crate) async fn no_children(conn: &mut PgConnection, query: Query, kind: ResourceKind) -> Result<()> {
    if exists(conn, query).await? {
        Err(Error::HasChildren(kind))
    } else {
        Ok(())
    }
}

/// `NotFound(kind)` when an update or delete changed no row.
pub(crate) fn changed(rows: u64, kind: ResourceKind) -> Result<()> {
    if rows == 0 { Err(Error::NotFound(kind)) } else { Ok(()) }
}

/// `QuotaExceeded` when `count` (a `SELECT COUNT(*)`) counts `max` or more rows. The caller
/// holds the lock that keeps the count from changing until it commits.
pub(crate) async fn within_quota(conn: &mut PgConnection, count: Query, max: u64) -> Result<()> {
    let n: i64 = get(&one_row(conn, count).await?, 0)?;
    if u64::try_from(n).unwrap_or(0) >= max {
        Err(Error::QuotaExceeded)
    } else {
        Ok(())
    }
}

/// Takes a transaction-scoped advisory lock on `(what, key)` in this schema, waiting for the
/// transaction that holds it to end: the lock for counts that no parent row guards (the
/// applications and strategies of a region, the tags of an ARN). The key includes the schema
/// so that stores sharing a database in different schemas don't wait on each other.
pub(crate) async fn lock(conn: &mut PgConnection, what: &str, key: &str) -> Result<()> {
    execute(
        conn,
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ' ' || $1 || ' ' || $2, 0))")
            .bind(what)
            .bind(key),
    )
    .await?;
    Ok(())
}

/// Column `idx` of `row`.
pub(crate) fn get<'r, T>(row: &'r PgRow, idx: usize) -> Result<T>
where
    T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>,
{
    sqlx::Row::try_get(row, idx).map_err(unavailable)
}

/// Encodes a JSON column.
pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Unavailable(format!("cannot encode JSON: {e}")))
}

/// Decodes a JSON column.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(row: &PgRow, idx: usize) -> Result<T> {
    let text: String = get(row, idx)?;
    serde_json::from_str(&text).map_err(|e| Error::Unavailable(format!("column {idx} holds bad JSON: {e}")))
}

/// `seq, doc`: a JSON document listed by its creation order.
pub(crate) fn listed<T: serde::de::DeserializeOwned>(row: &PgRow) -> Result<Listed<T>> {
    Ok(Listed {
        cursor: get(row, 0)?,
        item: from_json(row, 1)?,
    })
}

/// `i64` for a count or limit given as `usize`.
pub(crate) fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
