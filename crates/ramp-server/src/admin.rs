//! The `/_ramp` admin API (DESIGN.md interface contract): health and the clock for now.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use crate::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", get(health))
        .route("/clock", get(clock).post(advance_clock))
}

async fn health() -> Json<serde_json::Value> {
    Json(json!({ "Status": "ok", "Version": env!("CARGO_PKG_VERSION") }))
}

async fn clock(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(json!({ "Now": state.clock.now().to_iso8601(), "Manual": state.manual_clock.is_some() }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct AdvanceClock {
    advance_seconds: f64,
}

fn admin_error(status: StatusCode, message: impl Into<String>) -> Response {
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
    Json(json!({ "Now": now.to_iso8601() })).into_response()
}
