//! The `/_ramp` admin API (DESIGN.md interface contract): health, the clock, alarms and the
//! Prometheus Alertmanager receiver.
//!
//! With credentials configured, every admin route but `/health` needs a SigV4 signature made for
//! the service `ramp` (`curl --aws-sigv4 "aws:amz:us-east-1:ramp"` can sign).

mod alarms;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{OriginalUri, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use ramp_protocol::AwsRequest;

use crate::{AppState, auth};

/// SigV4 signing name of the admin API.
const ADMIN_SIGNING_NAME: &str = "ramp";
/// Admin request bodies are small JSON documents.
const MAX_ADMIN_BODY_BYTES: usize = 64 * 1024;

pub fn router(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let signed = Router::new()
        .route("/clock", get(clock).post(advance_clock))
        .route("/engine", get(engine))
        .route("/extensions", get(extensions))
        .route("/metrics", get(crate::metrics::scrape))
        .route("/alarms", get(alarms::list))
        .route("/alarms/{name}", put(alarms::set))
        .layer(axum::middleware::from_fn_with_state(state, require_signature));
    Router::new()
        .route("/health", get(health))
        .route("/alertmanager", post(alarms::alertmanager))
        .merge(crate::hosting::transfers::router())
        .merge(signed)
}

/// Lets a request through when ramp runs open or its SigV4 signature (service `ramp`) is valid.
async fn require_signature(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if state.credentials.is_open() {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_ADMIN_BODY_BYTES).await else {
        return admin_error(StatusCode::PAYLOAD_TOO_LARGE, "admin request body too large");
    };
    // `nest` strips "/_ramp" from the URI; the client signed the full path.
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map_or(&parts.uri, |original| &original.0);
    let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let checked = AwsRequest::new(
        parts.method.clone(),
        path_and_query,
        parts.headers.clone(),
        body.clone(),
    )
    .and_then(|aws| {
        auth::authenticate(
            &state.credentials,
            &aws,
            ADMIN_SIGNING_NAME,
            state.signature_clock.now(),
        )
    });
    match checked {
        Ok(_) => next.run(Request::from_parts(parts, Body::from(body))).await,
        Err(error) => {
            // The admin API speaks AppConfig's conventions (`Message`).
            let dialect = &ramp_protocol::appconfig::DIALECT;
            (
                error.status(dialect),
                Json(json!({ "Message": error.message, "Code": error.name(dialect) })),
            )
                .into_response()
        }
    }
}

async fn health() -> Json<serde_json::Value> {
    Json(json!({ "Status": "ok", "Version": env!("CARGO_PKG_VERSION") }))
}

async fn clock(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(json!({ "Now": state.clock.now().to_iso8601(), "Manual": state.manual_clock.is_some() }))
}

/// The deployment engine on this node: how long after their due time milestones were durable
/// (real milliseconds, since start), when several nodes share the store which one drives, and
/// the outbox's delivery state (pending entries, the oldest one's age on ramp's clock).
async fn engine(State(state): State<Arc<AppState>>) -> Response {
    let lag = state.engine.lag();
    let leadership = match state.engine.leadership().await {
        Ok(leadership) => leadership,
        Err(e) => {
            return admin_error(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("cannot read the engine lease: {e}"),
            );
        }
    };
    let leadership = leadership.map(|status| {
        json!({
            "Node": status.node,
            "Leading": status.leading,
            "LeaseHolder": status.lease.as_ref().map(|lease| lease.holder.clone()),
            "LeaseExpiresAt": status.lease.as_ref().map(|lease| lease.expires_at.to_iso8601()),
        })
    });
    let outbox = match state.engine.outbox().await {
        Ok(outbox) => outbox,
        Err(e) => return admin_error(StatusCode::SERVICE_UNAVAILABLE, format!("cannot read the outbox: {e}")),
    };
    let now = state.clock.now();
    Json(json!({
        "Lag": { "Count": lag.count, "P50Millis": lag.p50_millis, "P99Millis": lag.p99_millis, "MaxMillis": lag.max_millis },
        "Leadership": leadership,
        "Outbox": {
            "Pending": outbox.pending,
            "Failing": outbox.failing,
            "Delivered": outbox.delivered,
            "OldestPendingAt": outbox.oldest_pending_at.map(|t| t.to_iso8601()),
            "OldestPendingAgeMillis": outbox.oldest_pending_at.map(|t| (now.millis() - t.millis()).max(0)),
        },
    }))
    .into_response()
}

/// How this node runs extension actions: the key webhook calls are signed with
/// (`X-Ramp-Signature`, README "Extensions") and the cadence and timeouts of actions.
async fn extensions(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    use ramp_domain::extensions::{MAX_NOTIFICATION_ATTEMPTS, TICK_INTERVAL};
    Json(json!({
        "WebhookSigningKey": String::from_utf8_lossy(&state.webhook_secret),
        "TickIntervalSeconds": TICK_INTERVAL.as_secs(),
        "NotificationAttempts": MAX_NOTIFICATION_ATTEMPTS,
    }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct AdvanceClock {
    advance_seconds: f64,
}

pub(crate) fn admin_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "Message": message.into() }))).into_response()
}

/// Moves a manual clock forward (DESIGN.md "clock").
async fn advance_clock(State(state): State<Arc<AppState>>, body: axum::body::Bytes) -> Response {
    let Some(manual) = &state.manual_clock else {
        return admin_error(
            StatusCode::CONFLICT,
            "the clock is not manual; start ramp with --manual-clock",
        );
    };
    let request: AdvanceClock = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return admin_error(
                StatusCode::BAD_REQUEST,
                format!("expected {{\"AdvanceSeconds\": N}}: {e}"),
            );
        }
    };
    if !request.advance_seconds.is_finite() || request.advance_seconds < 0.0 {
        return admin_error(StatusCode::BAD_REQUEST, "AdvanceSeconds must be a non-negative number");
    }
    let now = manual.advance(Duration::from_secs_f64(request.advance_seconds.min(1.0e12)));
    // Everything that came due runs before the answer (DESIGN.md "clock").
    if let Err(e) = state.engine.tick().await {
        tracing::warn!("engine tick after a clock advance failed: {e}");
        return admin_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the deployment engine could not catch up",
        );
    }
    Json(json!({ "Now": now.to_iso8601() })).into_response()
}
