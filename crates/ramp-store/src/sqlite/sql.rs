//! What every resource's SQL shares: running cached statements with the store's error mapping,
//! the "exists / not found / has children" checks, quotas and JSON columns.

use ramp_clock::Timestamp;
use ramp_domain::store::{Conflict, Error, Listed, ResourceKind, Result};
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, Params, Row};
use serde::de::DeserializeOwned;

use crate::{Db, is_unique_violation, unavailable};

/// Runs a statement; the number of rows it changed.
pub(super) fn execute(conn: &Connection, sql: &str, params: impl Params) -> Result<usize> {
    conn.prepare_cached(sql).db()?.execute(params).db()
}

/// Runs an insert of a `kind` row: a duplicate key is `Conflict::AlreadyExists(kind)`, anything
/// else a storage failure.
pub(super) fn insert(conn: &Connection, sql: &str, params: impl Params, kind: ResourceKind) -> Result<()> {
    conn.prepare_cached(sql).db()?.execute(params).map_err(|e| {
        if is_unique_violation(&e) {
            Error::Conflict(Conflict::AlreadyExists(kind))
        } else {
            unavailable(e)
        }
    })?;
    Ok(())
}

/// The row `sql` always selects.
pub(super) fn one_row<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<T> {
    conn.prepare_cached(sql).db()?.query_row(params, map).db()
}

/// The row `sql` selects, if any.
pub(super) fn optional_row<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>> {
    conn.prepare_cached(sql).db()?.query_row(params, map).optional().db()
}

/// The entity `sql` selects, if any, without its cursor.
pub(super) fn optional_item<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    map: impl FnOnce(&Row<'_>) -> rusqlite::Result<Listed<T>>,
) -> Result<Option<T>> {
    Ok(optional_row(conn, sql, params, map)?.map(|listed| listed.item))
}

/// Every row `sql` selects, collected into `C` (a page of entities, a tag map, ...).
pub(super) fn all_rows<T, C: FromIterator<T>>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<C> {
    let mut stmt = conn.prepare_cached(sql).db()?;
    let rows = stmt.query_map(params, map).db()?;
    rows.collect::<rusqlite::Result<C>>().db()
}

pub(super) fn count(conn: &Connection, sql: &str, key: &str) -> Result<i64> {
    one_row(conn, sql, [key], |row| row.get(0))
}

pub(super) fn exists(conn: &Connection, sql: &str, params: impl Params) -> Result<bool> {
    conn.prepare_cached(sql).db()?.exists(params).db()
}

/// `NotFound(kind)` unless `sql` selects a row.
pub(super) fn must_exist(conn: &Connection, sql: &str, params: impl Params, kind: ResourceKind) -> Result<()> {
    if exists(conn, sql, params)? {
        Ok(())
    } else {
        Err(Error::NotFound(kind))
    }
}

/// The last access of the `kind` row `sql` selects (`SELECT last_accessed_at …`), refusing the
/// delete it precedes: `NotFound(kind)` without a row, `DeletionProtected` when the row was
/// used after `cutoff` (the deletion-protection rule, decided in the delete's transaction).
pub(super) fn unprotected(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    kind: ResourceKind,
    cutoff: Option<Timestamp>,
) -> Result<()> {
    let last_accessed: Option<i64> =
        optional_row(conn, sql, params, |row| row.get::<_, Option<i64>>(0))?.ok_or(Error::NotFound(kind))?;
    match (cutoff, last_accessed) {
        (Some(cutoff), Some(at)) if at > cutoff.millis() => Err(Error::DeletionProtected),
        _ => Ok(()),
    }
}

/// `HasChildren(kind)` when `sql` selects a row.
pub(super) fn no_children(conn: &Connection, sql: &str, params: impl Params, kind: ResourceKind) -> Result<()> {
    if exists(conn, sql, params)? {
        Err(Error::HasChildren(kind))
    } else {
        Ok(())
    }
}

/// `NotFound(kind)` when an update or delete changed no row.
pub(super) fn changed(rows: usize, kind: ResourceKind) -> Result<()> {
    if rows == 0 { Err(Error::NotFound(kind)) } else { Ok(()) }
}

/// `QuotaExceeded` when `count_sql` counts `max` or more rows for `key`.
pub(super) fn within_quota(conn: &Connection, count_sql: &str, key: &str, max: u64) -> Result<()> {
    let n = count(conn, count_sql, key)?;
    if u64::try_from(n).unwrap_or(0) >= max {
        Err(Error::QuotaExceeded)
    } else {
        Ok(())
    }
}

/// Encodes a JSON column.
pub(super) fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Unavailable(format!("cannot encode JSON: {e}")))
}

/// The JSON document in column `idx`.
pub(super) fn doc<T: DeserializeOwned>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text).map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

/// `seq, doc`: a document listed by its creation order.
pub(super) fn listed<T: DeserializeOwned>(row: &Row<'_>) -> rusqlite::Result<Listed<T>> {
    Ok(Listed {
        cursor: row.get(0)?,
        item: doc(row, 1)?,
    })
}
