//! The dashboard's live updates: a server-sent event stream. Each event only says *what*
//! changed (a deployment, an alarm); a page that shows it fetches its live fragment again, so
//! the page always shows what the store holds, whatever events it missed.
//!
//! Events come from the node's `Transitions` (its own transitions at once, other nodes' through
//! `Engine::follow` on the store's change feed) and from alarms set on this node.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;

use crate::AppState;

/// What changed.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum LiveEvent {
    Deployment {
        #[serde(rename = "app")]
        application_id: String,
        #[serde(rename = "env")]
        environment_id: String,
        number: i64,
    },
    Alarm {
        name: String,
    },
    /// Events may have been missed: refresh everything live.
    Refresh,
}

/// `GET /_ramp/ui/events`: the stream of [`LiveEvent`]s as `data:` JSON lines.
pub async fn events(State(state): State<Arc<AppState>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.dashboard.events.subscribe();
    let closing = state.dashboard.closing.subscribe();
    let stream = futures::stream::unfold((receiver, closing), |(mut receiver, mut closing)| async move {
        let received = tokio::select! {
            received = receiver.recv() => received,
            _ = closing.wait_for(|closing| *closing) => return None,
        };
        let event = match received {
            Ok(event) => event,
            Err(RecvError::Lagged(_)) => LiveEvent::Refresh,
            Err(RecvError::Closed) => return None,
        };
        let data = serde_json::to_string(&event).unwrap_or_else(|_| "{\"kind\":\"refresh\"}".to_owned());
        Some((Ok(Event::default().data(data)), (receiver, closing)))
    });
    // Proxies and browsers drop idle streams; a comment every 15 s keeps it open.
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
