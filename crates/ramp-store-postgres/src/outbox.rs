//! The outbox table (migration 004): messages inserted in a deployment write's own transaction,
//! what the deliverer asks of them, and the preconditions of deployment writes.

use async_trait::async_trait;
use ramp_clock::Timestamp;
use ramp_domain::deployment::Deployment;
use ramp_domain::outbox::OutboxMessage;
use ramp_domain::store::{Error, OutboxEntry, OutboxStatus, OutboxStore, Precondition, Refusal, Result};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, query};

use crate::sql::{all_rows, execute, get, one_row, optional_row, to_i64};
use crate::store::PostgresStore;

macro_rules! columns {
    () => {
        "o.id, o.application_id, o.environment_id, o.deployment_number, o.revision, o.topic, o.payload, \
         o.created_at, o.attempts, o.next_attempt_at, o.last_error"
    };
}

/// An undelivered entry with no undelivered entry of its deployment before it.
macro_rules! head_of_its_deployment {
    () => {
        "o.delivered_at IS NULL AND NOT EXISTS (SELECT 1 FROM outbox p \
         WHERE p.delivered_at IS NULL AND p.application_id = o.application_id \
         AND p.environment_id = o.environment_id AND p.deployment_number = o.deployment_number AND p.id < o.id)"
    };
}

/// Inserts `messages` keyed by `stored` (the deployment as this transaction leaves it).
pub(crate) async fn insert(conn: &mut PgConnection, stored: &Deployment, messages: &[OutboxMessage]) -> Result<()> {
    for m in messages {
        execute(
            &mut *conn,
            query(
                "INSERT INTO outbox (application_id, environment_id, deployment_number, revision, topic, payload, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&stored.application_id)
            .bind(&stored.environment_id)
            .bind(stored.deployment_number)
            .bind(stored.revision)
            .bind(&m.topic)
            .bind(&m.payload)
            .bind(m.created_at.millis()),
        )
        .await?;
    }
    Ok(())
}

/// Checks `precondition` for writing `d`. The caller holds the environment's row lock (taken
/// first, as by every deployment write), so a start in the same environment either committed
/// before this statement or waits for this transaction.
pub(crate) async fn check(conn: &mut PgConnection, d: &Deployment, precondition: Precondition) -> Result<()> {
    match precondition {
        Precondition::None => Ok(()),
        Precondition::NoLaterDeploymentOfProfile => {
            let later = optional_row(
                &mut *conn,
                query(
                    "SELECT deployment_number FROM deployments WHERE application_id = $1 AND environment_id = $2 \
                     AND configuration_profile_id = $3 AND deployment_number > $4 \
                     ORDER BY deployment_number LIMIT 1",
                )
                .bind(&d.application_id)
                .bind(&d.environment_id)
                .bind(&d.configuration_profile_id)
                .bind(d.deployment_number),
            )
            .await?;
            match later {
                Some(row) => Err(Error::Refused(Refusal::LaterDeploymentOfProfile {
                    later: get(&row, 0)?,
                })),
                None => Ok(()),
            }
        }
    }
}

fn entry(row: &PgRow) -> Result<OutboxEntry> {
    Ok(OutboxEntry {
        id: get(row, 0)?,
        application_id: get(row, 1)?,
        environment_id: get(row, 2)?,
        deployment_number: get(row, 3)?,
        revision: get(row, 4)?,
        topic: get(row, 5)?,
        payload: get(row, 6)?,
        created_at: Timestamp::from_millis(get(row, 7)?),
        attempts: get(row, 8)?,
        next_attempt_at: get::<Option<i64>>(row, 9)?.map(Timestamp::from_millis),
        last_error: get(row, 10)?,
    })
}

#[async_trait]
impl OutboxStore for PostgresStore {
    async fn outbox_due(&self, now: Timestamp, limit: usize) -> Result<Vec<OutboxEntry>> {
        let rows = all_rows(
            &self.pool,
            query(concat!(
                "SELECT ",
                columns!(),
                " FROM outbox o WHERE ",
                head_of_its_deployment!(),
                " AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= $1) ORDER BY o.id LIMIT $2"
            ))
            .bind(now.millis())
            .bind(to_i64(limit)),
        )
        .await?;
        rows.iter().map(entry).collect()
    }

    async fn outbox_next_due(&self) -> Result<Option<Timestamp>> {
        let row = one_row(
            &self.pool,
            query(concat!(
                "SELECT MIN(COALESCE(o.next_attempt_at, 0)) FROM outbox o WHERE ",
                head_of_its_deployment!()
            )),
        )
        .await?;
        Ok(get::<Option<i64>>(&row, 0)?.map(Timestamp::from_millis))
    }

    async fn outbox_delivered(&self, ids: &[i64], at: Timestamp) -> Result<()> {
        execute(
            &self.pool,
            query(
                "UPDATE outbox SET delivered_at = $2, next_attempt_at = NULL \
                 WHERE id = ANY($1) AND delivered_at IS NULL",
            )
            .bind(ids.to_vec())
            .bind(at.millis()),
        )
        .await?;
        Ok(())
    }

    async fn outbox_retry_at(&self, id: i64, at: Timestamp, error: &str) -> Result<()> {
        execute(
            &self.pool,
            query(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3 \
                 WHERE id = $1 AND delivered_at IS NULL",
            )
            .bind(id)
            .bind(at.millis())
            .bind(error.to_owned()),
        )
        .await?;
        Ok(())
    }

    async fn outbox_prune(&self, before: Timestamp) -> Result<u64> {
        execute(
            &self.pool,
            query("DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < $1").bind(before.millis()),
        )
        .await
    }

    async fn outbox_status(&self) -> Result<OutboxStatus> {
        let row = one_row(
            &self.pool,
            query(
                "SELECT COUNT(*) FILTER (WHERE delivered_at IS NULL), \
                 MIN(created_at) FILTER (WHERE delivered_at IS NULL), \
                 COUNT(*) FILTER (WHERE delivered_at IS NULL AND attempts > 0), \
                 COUNT(*) FILTER (WHERE delivered_at IS NOT NULL) FROM outbox",
            ),
        )
        .await?;
        let count = |idx| get::<i64>(&row, idx).map(|n| u64::try_from(n).unwrap_or(0));
        Ok(OutboxStatus {
            pending: count(0)?,
            oldest_pending_at: get::<Option<i64>>(&row, 1)?.map(Timestamp::from_millis),
            failing: count(2)?,
            delivered: count(3)?,
        })
    }

    async fn outbox_entries(&self) -> Result<Vec<OutboxEntry>> {
        let rows = all_rows(
            &self.pool,
            query(concat!("SELECT ", columns!(), " FROM outbox o ORDER BY o.id")),
        )
        .await?;
        rows.iter().map(entry).collect()
    }
}
