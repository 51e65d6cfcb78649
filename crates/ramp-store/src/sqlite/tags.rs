//! Tags, keyed by resource ARN: written with the resource, removed with it, and edited on their own.

use ramp_domain::entities::Tags;
use ramp_domain::store::{Error, Result};
use rusqlite::{Connection, params};

use super::sql::{all_rows, count, execute};
use crate::Db;

pub(super) fn get(conn: &Connection, arn: &str) -> Result<Tags> {
    all_rows(conn, "SELECT key, value FROM tags WHERE arn = ?1", [arn], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })
}

/// Adds or replaces `tags` on `arn`, refusing a result of more than `max` tags.
pub(super) fn tag(conn: &Connection, arn: &str, tags: &Tags, max: usize) -> Result<()> {
    put(conn, arn, tags)?;
    let n = count(conn, "SELECT COUNT(*) FROM tags WHERE arn = ?1", arn)?;
    // The job's savepoint undoes the upserts above when this fails.
    if usize::try_from(n).unwrap_or(usize::MAX) > max {
        return Err(Error::QuotaExceeded);
    }
    Ok(())
}

pub(super) fn untag(conn: &Connection, arn: &str, keys: &[String]) -> Result<()> {
    let mut delete = conn
        .prepare_cached("DELETE FROM tags WHERE arn = ?1 AND key = ?2")
        .db()?;
    for key in keys {
        delete.execute([arn, key.as_str()]).db()?;
    }
    Ok(())
}

/// Adds or replaces `tags` on `arn`, without a limit (a new resource's tags are checked before).
pub(super) fn put(conn: &Connection, arn: &str, tags: &Tags) -> Result<()> {
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO tags (arn, key, value) VALUES (?1, ?2, ?3) \
             ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value",
        )
        .db()?;
    for (key, value) in tags {
        insert.execute(params![arn, key, value]).db()?;
    }
    Ok(())
}

pub(super) fn delete(conn: &Connection, arn: &str) -> Result<()> {
    execute(conn, "DELETE FROM tags WHERE arn = ?1", [arn])?;
    Ok(())
}

/// Deletes the tags of `arn` and of every ARN below it (`arn/...`). The range `[arn/, arn0)`
/// holds exactly the strings starting with `arn/` under binary collation ('0' follows '/').
pub(super) fn delete_below(conn: &Connection, arn: &str) -> Result<()> {
    execute(
        conn,
        "DELETE FROM tags WHERE arn = ?1 OR (arn >= ?1 || '/' AND arn < ?1 || '0')",
        [arn],
    )?;
    Ok(())
}
