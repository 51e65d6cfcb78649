//! The access log (migration 006): one row per (region, app) per appended batch, its entries
//! postcard-encoded, so that a batch of thousands of requests costs a few inserts, not
//! thousands. Reads decode the rows overlapping the range and filter; pruning deletes the rows
//! wholly before the cutoff and rewrites the few that straddle it.

use ramp_clock::Timestamp;
use ramp_domain::amplify::AccessLogEntry;
use ramp_domain::store::{AccessLogBatch, Result};
use rusqlite::{Connection, params};

use crate::sqlite::sql::{all_rows, execute, one_row};

/// Appends the batches; the access log is not a resource, so the generation stays.
pub(super) fn append(conn: &Connection, batches: &[AccessLogBatch]) -> Result<()> {
    for b in batches {
        execute(
            conn,
            "INSERT INTO amplify_access_log_batches (region, app_id, first_time, last_time, entry_count, entries) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![b.region, b.app_id, b.first_time, b.last_time, b.count, b.entries],
        )?;
    }
    Ok(())
}

/// The app's entries with `from <= time < to`, by time (ties in appended order), at most `limit`.
pub(super) fn read(
    conn: &Connection,
    region: &str,
    app_id: &str,
    from: Timestamp,
    to: Timestamp,
    limit: usize,
) -> Result<Vec<AccessLogEntry>> {
    // Rows by id: appended order, which the stable sort below keeps for equal times.
    let rows: Vec<(i64, Vec<u8>)> = all_rows(
        conn,
        "SELECT id, entries FROM amplify_access_log_batches \
         WHERE region = ?1 AND app_id = ?2 AND last_time >= ?3 AND first_time < ?4 ORDER BY id",
        params![region, app_id, from.millis(), to.millis()],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let mut found = Vec::new();
    for (id, blob) in rows {
        found.extend(
            AccessLogBatch::decode(id, &blob)?
                .into_iter()
                .filter(|e| from <= e.time && e.time < to),
        );
    }
    found.sort_by_key(|e| e.time);
    found.truncate(limit);
    Ok(found)
}

/// Deletes the entries older than `before`: the rows wholly before it without decoding them,
/// then the older entries of the rows straddling it (at most a few batches per app). Runs in
/// the caller's write transaction. The number of entries deleted.
pub(super) fn prune(conn: &Connection, before: Timestamp) -> Result<u64> {
    let whole: i64 = one_row(
        conn,
        "SELECT COALESCE(SUM(entry_count), 0) FROM amplify_access_log_batches WHERE last_time < ?1",
        [before.millis()],
        |row| row.get(0),
    )?;
    execute(
        conn,
        "DELETE FROM amplify_access_log_batches WHERE last_time < ?1",
        [before.millis()],
    )?;
    let straddling: Vec<(i64, Vec<u8>)> = all_rows(
        conn,
        "SELECT id, entries FROM amplify_access_log_batches WHERE first_time < ?1",
        [before.millis()],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let mut trimmed = 0;
    for (id, blob) in straddling {
        let mut entries = AccessLogBatch::decode(id, &blob)?;
        let had = entries.len();
        entries.retain(|e| e.time >= before);
        let kept = AccessLogBatch::of("", "", &entries)?;
        execute(
            conn,
            "UPDATE amplify_access_log_batches SET first_time = ?2, last_time = ?3, entry_count = ?4, entries = ?5 \
             WHERE id = ?1",
            params![id, kept.first_time, kept.last_time, kept.count, kept.entries],
        )?;
        trimmed += (had - entries.len()) as i64;
    }
    Ok(u64::try_from(whole.saturating_add(trimmed)).unwrap_or(0))
}
