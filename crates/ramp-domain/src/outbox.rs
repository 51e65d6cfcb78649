//! What goes into the outbox with a deployment transition, and the seam through which effects
//! that must happen once per transition (extension actions, notifications) receive it.
//!
//! The domain decides the message: one per transition, topic [`DEPLOYMENT_TRANSITION`], a JSON
//! payload with the states before and after and the events the transition added. The store
//! writes it in the transition's own transaction, keyed by the deployment and its new revision
//! ([`crate::store::OutboxEntry`]). The holder of the outbox lease hands each entry to every
//! [`OutboxHandler`], in commit order per deployment, at least once (ramp-engine's `outbox`).

use ramp_clock::Timestamp;
use serde::Serialize;

use crate::deployment::{Deployment, DeploymentEvent};
use crate::store::OutboxEntry;

/// The topic of the message every deployment transition leaves in the outbox.
pub const DEPLOYMENT_TRANSITION: &str = "deployment.transition";

/// A message to commit with a deployment write.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxMessage {
    pub topic: String,
    /// JSON.
    pub payload: String,
    /// When the transition happened (ramp's clock).
    pub created_at: Timestamp,
}

/// The payload of a [`DEPLOYMENT_TRANSITION`] message. The deployment's key and revision are
/// the entry's own columns (the store assigns the number of a new deployment).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransitionPayload<'a> {
    pub configuration_profile_id: &'a str,
    pub configuration_version: &'a str,
    /// `None` when the transition started the deployment.
    pub from_state: Option<&'a str>,
    pub to_state: &'a str,
    pub percentage_complete: f64,
    /// The position of the first of `events_added` in the deployment's event log (oldest
    /// first), so effects can attach to the events they belong to.
    pub first_event_index: usize,
    /// Whether an extension applied to the deployment acts on ON_DEPLOYMENT_* points, so that
    /// the notifications handler skips the others without reading the store.
    pub has_notifications: bool,
    pub events_added: &'a [DeploymentEvent],
}

/// The outbox messages of the transition `before` → `after` (`before` is `None` at a start).
pub fn messages(before: Option<&Deployment>, after: &Deployment, at: Timestamp) -> Vec<OutboxMessage> {
    let known = before.map_or(0, |b| b.event_log.len());
    let payload = TransitionPayload {
        configuration_profile_id: &after.configuration_profile_id,
        configuration_version: &after.configuration_version,
        from_state: before.map(|b| b.state.as_str()),
        to_state: after.state.as_str(),
        percentage_complete: after.percentage_complete,
        first_event_index: known,
        has_notifications: after
            .applied_extensions
            .iter()
            .any(|a| a.actions.keys().any(|point| point.notifies())),
        events_added: after.event_log.get(known..).unwrap_or_default(),
    };
    // Serializing plain strings and numbers cannot fail; an empty object would still be a
    // message (never silently no message).
    let payload = serde_json::to_string(&payload).unwrap_or_else(|_| "{}".to_owned());
    vec![OutboxMessage {
        topic: DEPLOYMENT_TRANSITION.to_owned(),
        payload,
        created_at: at,
    }]
}

/// An effect of outbox messages (extensions will implement it). Called at least once per entry:
/// an entry is marked delivered only after every handler returned `Ok`, and after a failure
/// every handler sees it again, so handlers drop repeats by `entry.id` (the idempotency key,
/// unchanged on every retry).
#[async_trait::async_trait]
pub trait OutboxHandler: Send + Sync {
    /// `Err` (why) makes the entry go again after a backoff.
    async fn handle(&self, entry: &OutboxEntry) -> Result<(), String>;
}
