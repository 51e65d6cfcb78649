//! The change feed between the nodes sharing a database: deployment writes `pg_notify` on
//! [`CHANNEL`] inside their transaction (PostgreSQL delivers a notification when, and only if,
//! its transaction commits), and one background task per store `LISTEN`s and forwards what
//! other stores committed as [`Change`]s.
//!
//! Notifications are per database, not per schema, so the payload names the schema as well as
//! the sending store (`origin`): a store hears only its own schema, and never its own echo (its
//! own callers already saw the change).

use std::time::Duration;

use ramp_domain::deployment::Deployment;
use ramp_domain::store::{Change, Result};
use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgConnectOptions, PgListener, PgNotification, PgPoolOptions};
use sqlx::{PgConnection, PgPool, query};
use tokio::sync::broadcast;
use tokio::task::AbortHandle;

use crate::sql::{execute, json, unavailable};

/// The one channel every ramp store notifies and listens on.
pub(crate) const CHANNEL: &str = "ramp_changes";

/// The `application_name` of a feed's connection, followed by the store's origin.
pub(crate) const FEED_APPLICATION_NAME: &str = "ramp change feed";

/// How many changes a slow subscriber may fall behind before it sees `Lagged` (and must
/// reload everything, as for `Missed`).
const CAPACITY: usize = 4096;

/// The longest wait between two attempts to listen again after losing the connection.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// After this long without a notification the feed checks that its connection still answers:
/// a connection a NAT or firewall silently dropped would otherwise never report an error, and
/// the node would stop hearing changes without knowing.
const HEARTBEAT_AFTER: Duration = Duration::from_secs(30);
/// How long the check may take before the connection counts as lost.
const HEARTBEAT_TIMEOUT: Duration = Duration::from_secs(10);

/// A notification's payload (JSON, far below PostgreSQL's 8000-byte limit).
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    schema: String,
    origin: String,
    application_id: String,
    environment_id: String,
    deployment_number: i64,
}

/// Who a store is on the channel: the schema it works in and its own random id.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub(crate) schema: String,
    pub(crate) origin: String,
}

/// Announces that `d` was started or saved, when the caller's transaction commits.
pub(crate) async fn notify(conn: &mut PgConnection, me: &Identity, d: &Deployment) -> Result<()> {
    let payload = json(&Payload {
        schema: me.schema.clone(),
        origin: me.origin.clone(),
        application_id: d.application_id.clone(),
        environment_id: d.environment_id.clone(),
        deployment_number: d.deployment_number,
    })?;
    execute(conn, query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(payload)).await?;
    Ok(())
}

/// The running feed of one store: subscribe through `sender`; dropping it stops the task.
pub(crate) struct Feed {
    pub(crate) sender: broadcast::Sender<Change>,
    task: AbortHandle,
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Listens on [`CHANNEL`] before returning, so that every change committed after the store's
/// `connect` returns reaches its subscribers; then forwards in a background task. The listener
/// has its own one-connection pool, through which it reconnects.
pub(crate) async fn start(options: &PgConnectOptions, acquire_timeout: Duration, me: Identity) -> Result<Feed> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(acquire_timeout)
        .max_lifetime(None)
        .idle_timeout(None)
        // Named, so that an operator (or a test) can tell the feed's connection apart.
        .connect_with(
            options
                .clone()
                .application_name(&format!("{FEED_APPLICATION_NAME} {}", me.origin)),
        )
        .await
        .map_err(unavailable)?;
    let listener = listen(&pool).await.map_err(unavailable)?;
    let (sender, _) = broadcast::channel(CAPACITY);
    let task = tokio::spawn(forward(pool, listener, sender.clone(), me)).abort_handle();
    Ok(Feed { sender, task })
}

async fn listen(pool: &PgPool) -> sqlx::Result<PgListener> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.ignore_pool_close_event(true);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Runs until aborted. Whenever the connection was lost, what was committed meanwhile was not
/// heard: once listening again, subscribers get `Missed` and reload what they cache.
async fn forward(pool: PgPool, mut listener: PgListener, sender: broadcast::Sender<Change>, me: Identity) {
    loop {
        let received = match tokio::time::timeout(HEARTBEAT_AFTER, listener.try_recv()).await {
            Ok(received) => received,
            Err(_quiet) => match heartbeat(&mut listener).await {
                Ok(()) => continue,
                Err(e) => Err(e),
            },
        };
        match received {
            Ok(Some(notification)) => {
                if let Some(change) = change(&notification, &me) {
                    // No subscriber is not an error: nobody caches anything yet.
                    let _ = sender.send(change);
                }
            }
            // sqlx lost the connection and has already listened again on a new one.
            Ok(None) => {
                tracing::warn!("change feed reconnected: changes committed meanwhile were missed");
                let _ = sender.send(Change::Missed);
            }
            // Reconnecting failed (or the connection broke another way): start afresh.
            Err(e) => {
                tracing::warn!(error = %e, "change feed lost its connection");
                drop(listener);
                listener = listen_again(&pool).await;
                tracing::info!("change feed listening again: changes committed meanwhile were missed");
                let _ = sender.send(Change::Missed);
            }
        }
    }
}

/// A round trip on the listening connection, within [`HEARTBEAT_TIMEOUT`].
async fn heartbeat(listener: &mut PgListener) -> sqlx::Result<()> {
    match tokio::time::timeout(HEARTBEAT_TIMEOUT, query("SELECT 1").execute(&mut *listener)).await {
        Ok(done) => done.map(drop),
        Err(_) => Err(sqlx::Error::Protocol(
            "the change feed's connection did not answer".into(),
        )),
    }
}

/// A new listener, retrying with a growing pause until the database answers.
async fn listen_again(pool: &PgPool) -> PgListener {
    let mut pause = Duration::from_millis(100);
    loop {
        tokio::time::sleep(pause).await;
        match listen(pool).await {
            Ok(listener) => return listener,
            Err(e) => {
                tracing::debug!(error = %e, "change feed cannot listen yet");
                pause = (pause * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// The change a notification announces, unless it is this store's own or another schema's.
fn change(notification: &PgNotification, me: &Identity) -> Option<Change> {
    let payload: Payload = match serde_json::from_str(notification.payload()) {
        Ok(payload) => payload,
        Err(e) => {
            tracing::warn!(error = %e, "ignoring a change notification that is not ramp's");
            return None;
        }
    };
    (payload.schema == me.schema && payload.origin != me.origin).then_some(Change::Deployment {
        application_id: payload.application_id,
        environment_id: payload.environment_id,
        deployment_number: payload.deployment_number,
    })
}
