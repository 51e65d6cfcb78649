//! The outbox table (migration 004): messages inserted in a deployment write's own job, and
//! what the deliverer asks of them.

use ramp_clock::Timestamp;
use ramp_domain::deployment::Deployment;
use ramp_domain::outbox::OutboxMessage;
use ramp_domain::store::{OutboxEntry, OutboxStatus, Result};
use rusqlite::{Connection, Row, params};

use super::sql::{all_rows, execute, one_row};

const COLUMNS: &str = "o.id, o.application_id, o.environment_id, o.deployment_number, o.revision, o.topic, \
                       o.payload, o.created_at, o.attempts, o.next_attempt_at, o.last_error";

/// An undelivered entry with no undelivered entry of its deployment before it.
const HEAD_OF_ITS_DEPLOYMENT: &str = "o.delivered_at IS NULL AND NOT EXISTS (SELECT 1 FROM outbox p \
     WHERE p.delivered_at IS NULL AND p.application_id = o.application_id \
     AND p.environment_id = o.environment_id AND p.deployment_number = o.deployment_number AND p.id < o.id)";

/// Inserts `messages` keyed by `stored` (the deployment as this write leaves it).
pub(super) fn insert(conn: &Connection, stored: &Deployment, messages: &[OutboxMessage]) -> Result<()> {
    for m in messages {
        execute(
            conn,
            "INSERT INTO outbox (application_id, environment_id, deployment_number, revision, topic, payload, \
             created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                stored.application_id,
                stored.environment_id,
                stored.deployment_number,
                stored.revision,
                m.topic,
                m.payload,
                m.created_at.millis(),
            ],
        )?;
    }
    Ok(())
}

fn entry(row: &Row<'_>) -> rusqlite::Result<OutboxEntry> {
    Ok(OutboxEntry {
        id: row.get(0)?,
        application_id: row.get(1)?,
        environment_id: row.get(2)?,
        deployment_number: row.get(3)?,
        revision: row.get(4)?,
        topic: row.get(5)?,
        payload: row.get(6)?,
        created_at: Timestamp::from_millis(row.get(7)?),
        attempts: row.get(8)?,
        next_attempt_at: row.get::<_, Option<i64>>(9)?.map(Timestamp::from_millis),
        last_error: row.get(10)?,
    })
}

pub(super) fn due(conn: &Connection, now: Timestamp, limit: usize) -> Result<Vec<OutboxEntry>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM outbox o WHERE {HEAD_OF_ITS_DEPLOYMENT} \
         AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?1) ORDER BY o.id LIMIT ?2"
    );
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    all_rows(conn, &sql, params![now.millis(), limit], entry)
}

pub(super) fn next_due(conn: &Connection) -> Result<Option<Timestamp>> {
    let sql = format!("SELECT MIN(COALESCE(o.next_attempt_at, 0)) FROM outbox o WHERE {HEAD_OF_ITS_DEPLOYMENT}");
    let next: Option<i64> = one_row(conn, &sql, [], |row| row.get(0))?;
    Ok(next.map(Timestamp::from_millis))
}

pub(super) fn delivered(conn: &Connection, ids: &[i64], at: Timestamp) -> Result<()> {
    for id in ids {
        execute(
            conn,
            "UPDATE outbox SET delivered_at = ?2, next_attempt_at = NULL WHERE id = ?1 AND delivered_at IS NULL",
            params![id, at.millis()],
        )?;
    }
    Ok(())
}

pub(super) fn retry_at(conn: &Connection, id: i64, at: Timestamp, error: &str) -> Result<()> {
    execute(
        conn,
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3 \
         WHERE id = ?1 AND delivered_at IS NULL",
        params![id, at.millis(), error],
    )?;
    Ok(())
}

pub(super) fn prune(conn: &Connection, before: Timestamp) -> Result<u64> {
    let n = execute(
        conn,
        "DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?1",
        [before.millis()],
    )?;
    Ok(n as u64)
}

pub(super) fn status(conn: &Connection) -> Result<OutboxStatus> {
    one_row(
        conn,
        "SELECT COUNT(*) FILTER (WHERE delivered_at IS NULL), \
         MIN(created_at) FILTER (WHERE delivered_at IS NULL), \
         COUNT(*) FILTER (WHERE delivered_at IS NULL AND attempts > 0), \
         COUNT(*) FILTER (WHERE delivered_at IS NOT NULL) FROM outbox",
        [],
        |row| {
            Ok(OutboxStatus {
                pending: row.get::<_, i64>(0)? as u64,
                oldest_pending_at: row.get::<_, Option<i64>>(1)?.map(Timestamp::from_millis),
                failing: row.get::<_, i64>(2)? as u64,
                delivered: row.get::<_, i64>(3)? as u64,
            })
        },
    )
}

pub(super) fn all(conn: &Connection) -> Result<Vec<OutboxEntry>> {
    let sql = format!("SELECT {COLUMNS} FROM outbox o ORDER BY o.id");
    all_rows(conn, &sql, [], entry)
}

#[async_trait::async_trait]
impl ramp_domain::store::OutboxStore for super::SqliteStore {
    async fn outbox_due(&self, now: Timestamp, limit: usize) -> Result<Vec<OutboxEntry>> {
        self.read(|conn| due(conn, now, limit))
    }

    async fn outbox_next_due(&self) -> Result<Option<Timestamp>> {
        self.read(next_due)
    }

    async fn outbox_delivered(&self, ids: &[i64], at: Timestamp) -> Result<()> {
        let ids = ids.to_vec();
        self.write(move |tx| delivered(tx, &ids, at)).await
    }

    async fn outbox_retry_at(&self, id: i64, at: Timestamp, error: &str) -> Result<()> {
        let error = error.to_owned();
        self.write(move |tx| retry_at(tx, id, at, &error)).await
    }

    async fn outbox_prune(&self, before: Timestamp) -> Result<u64> {
        self.write(move |tx| prune(tx, before)).await
    }

    async fn outbox_status(&self) -> Result<OutboxStatus> {
        self.read(status)
    }

    async fn outbox_entries(&self) -> Result<Vec<OutboxEntry>> {
        self.read(all)
    }
}
