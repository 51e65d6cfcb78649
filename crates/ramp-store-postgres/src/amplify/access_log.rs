//! The access log (migration 006): one row per (region, app) per appended batch, its entries
//! postcard-encoded, so that a batch of thousands of requests costs one insert of a few rows,
//! not thousands. Reads decode the rows overlapping the range and filter; pruning deletes the
//! rows wholly before the cutoff and rewrites the few that straddle it.

use ramp_clock::Timestamp;
use ramp_domain::amplify::AccessLogEntry;
use ramp_domain::store::{AccessLogBatch, Result};
use sqlx::{PgConnection, PgExecutor, query};

use crate::sql::{all_rows, execute, get, one_row};

/// Appends the batch in one statement, a row per app; the access log is not a resource, so
/// the generation stays.
pub(super) async fn append<'c>(executor: impl PgExecutor<'c>, entries: &[AccessLogEntry]) -> Result<()> {
    let batches = AccessLogBatch::split(entries)?;
    let mut regions = Vec::with_capacity(batches.len());
    let mut apps = Vec::with_capacity(batches.len());
    let mut firsts = Vec::with_capacity(batches.len());
    let mut lasts = Vec::with_capacity(batches.len());
    let mut counts = Vec::with_capacity(batches.len());
    let mut blobs = Vec::with_capacity(batches.len());
    for batch in batches {
        regions.push(batch.region);
        apps.push(batch.app_id);
        firsts.push(batch.first_time);
        lasts.push(batch.last_time);
        counts.push(batch.count);
        blobs.push(batch.entries);
    }
    execute(
        executor,
        query(
            "INSERT INTO amplify_access_log_batches (region, app_id, first_time, last_time, entry_count, entries) \
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bytea[])",
        )
        .bind(regions)
        .bind(apps)
        .bind(firsts)
        .bind(lasts)
        .bind(counts)
        .bind(blobs),
    )
    .await?;
    Ok(())
}

/// The app's entries with `from <= time < to`, by time (ties in appended order), at most `limit`.
pub(super) async fn read<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    app_id: &str,
    from: Timestamp,
    to: Timestamp,
    limit: usize,
) -> Result<Vec<AccessLogEntry>> {
    // Rows by id: appended order, which the stable sort below keeps for equal times.
    let rows = all_rows(
        executor,
        query(
            "SELECT id, entries FROM amplify_access_log_batches \
             WHERE region = $1 AND app_id = $2 AND last_time >= $3 AND first_time < $4 ORDER BY id",
        )
        .bind(region.to_owned())
        .bind(app_id.to_owned())
        .bind(from.millis())
        .bind(to.millis()),
    )
    .await?;
    let mut found = Vec::new();
    for row in &rows {
        let blob: Vec<u8> = get(row, 1)?;
        found.extend(
            AccessLogBatch::decode(get(row, 0)?, &blob)?
                .into_iter()
                .filter(|e| from <= e.time && e.time < to),
        );
    }
    found.sort_by_key(|e| e.time);
    found.truncate(limit);
    Ok(found)
}

/// Deletes the entries older than `before`: the rows wholly before it without decoding them,
/// then the older entries of the rows straddling it (at most a few batches per app), locked
/// so that two nodes pruning at once trim each row once. Runs in the caller's transaction.
/// The number of entries deleted.
pub(super) async fn prune(conn: &mut PgConnection, before: Timestamp) -> Result<u64> {
    let whole: i64 = get(
        &one_row(
            &mut *conn,
            query(
                "WITH deleted AS (DELETE FROM amplify_access_log_batches WHERE last_time < $1 RETURNING entry_count) \
                 SELECT COALESCE(SUM(entry_count), 0)::BIGINT FROM deleted",
            )
            .bind(before.millis()),
        )
        .await?,
        0,
    )?;
    let straddling = all_rows(
        &mut *conn,
        query("SELECT id, entries FROM amplify_access_log_batches WHERE first_time < $1 FOR UPDATE")
            .bind(before.millis()),
    )
    .await?;
    let mut trimmed = 0;
    for row in &straddling {
        let id: i64 = get(row, 0)?;
        let blob: Vec<u8> = get(row, 1)?;
        let mut entries = AccessLogBatch::decode(id, &blob)?;
        let had = entries.len();
        entries.retain(|e| e.time >= before);
        let kept = AccessLogBatch::of("", "", &entries)?;
        execute(
            &mut *conn,
            query(
                "UPDATE amplify_access_log_batches SET first_time = $2, last_time = $3, entry_count = $4, entries = $5 \
                 WHERE id = $1",
            )
            .bind(id)
            .bind(kept.first_time)
            .bind(kept.last_time)
            .bind(kept.count)
            .bind(kept.entries),
        )
        .await?;
        trimmed += (had - entries.len()) as i64;
    }
    Ok(u64::try_from(whole.saturating_add(trimmed)).unwrap_or(0))
}
