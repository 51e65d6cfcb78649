//! Tags, keyed by resource ARN: written with the resource, removed with it, and edited on their own.

use ramp_domain::entities::Tags;
use ramp_domain::store::{Error, Result};
use sqlx::{PgConnection, PgExecutor, query};

use crate::sql::{all_rows, execute, get, lock, one_row};

pub(crate) async fn get_all<'c>(executor: impl PgExecutor<'c>, arn: &str) -> Result<Tags> {
    let found = all_rows(executor, query("SELECT key, value FROM tags WHERE arn = $1").bind(arn)).await?;
    found
        .iter()
        .map(|row| Ok((get::<String>(row, 0)?, get::<String>(row, 1)?)))
        .collect()
}

/// Adds or replaces `tags` on `arn`, refusing a result of more than `max` tags. Concurrent
/// calls on one ARN take turns (advisory lock), so two of them can't each add the last tag
/// the limit allows.
pub(crate) async fn tag(conn: &mut PgConnection, arn: &str, tags: &Tags, max: usize) -> Result<()> {
    put(conn, arn, tags).await?;
    let n: i64 = get(
        &one_row(&mut *conn, query("SELECT COUNT(*) FROM tags WHERE arn = $1").bind(arn)).await?,
        0,
    )?;
    // The transaction is rolled back when this fails, undoing the upserts above.
    if usize::try_from(n).unwrap_or(usize::MAX) > max {
        return Err(Error::QuotaExceeded);
    }
    Ok(())
}

pub(crate) async fn untag(conn: &mut PgConnection, arn: &str, keys: &[String]) -> Result<()> {
    execute(
        conn,
        query("DELETE FROM tags WHERE arn = $1 AND key = ANY($2)")
            .bind(arn)
            .bind(keys),
    )
    .await?;
    Ok(())
}

/// Adds or replaces `tags` on `arn` (one statement for all of them), without a limit (a new
/// resource's tags are checked before). Takes the ARN's lock first: see [`tag`].
pub(crate) async fn put(conn: &mut PgConnection, arn: &str, tags: &Tags) -> Result<()> {
    if tags.is_empty() {
        return Ok(());
    }
    lock(conn, "tags", arn).await?;
    let (keys, values): (Vec<&str>, Vec<&str>) = tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).unzip();
    execute(
        conn,
        query(
            "INSERT INTO tags (arn, key, value) SELECT $1, k, v FROM UNNEST($2::text[], $3::text[]) AS t (k, v) \
             ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value",
        )
        .bind(arn)
        .bind(keys)
        .bind(values),
    )
    .await?;
    Ok(())
}

pub(crate) async fn delete(conn: &mut PgConnection, arn: &str) -> Result<()> {
    execute(conn, query("DELETE FROM tags WHERE arn = $1").bind(arn)).await?;
    Ok(())
}

/// Deletes the tags of `arn` and of every ARN below it (`arn/...`). The range `[arn/, arn0)`
/// holds exactly the strings starting with `arn/` under the column's bytewise "C" collation
/// ('0' follows '/'), and is served by the primary key.
pub(crate) async fn delete_below(conn: &mut PgConnection, arn: &str) -> Result<()> {
    execute(
        conn,
        query("DELETE FROM tags WHERE arn = $1 OR (arn >= $1 || '/' AND arn < $1 || '0')").bind(arn),
    )
    .await?;
    Ok(())
}
