//! ramp alarms (DESIGN.md "alarms"): set by hand or by Prometheus Alertmanager, watched by
//! deployments through their environment's monitors.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use ramp_domain::deployment::{Alarm, AlarmState};
use serde::Deserialize;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use super::admin_error;
use crate::AppState;

fn alarm_json(alarm: &Alarm) -> Value {
    json!({
        "Name": alarm.name,
        "State": alarm.state.as_str(),
        "Reason": alarm.reason,
        "UpdatedAt": alarm.updated_at.to_iso8601(),
    })
}

pub async fn list(State(state): State<Arc<AppState>>) -> Response {
    match state.engine.alarms().await {
        Ok(alarms) => Json(json!({ "Alarms": alarms.iter().map(alarm_json).collect::<Vec<_>>() })).into_response(),
        Err(e) => {
            tracing::warn!("cannot list alarms: {e}");
            admin_error(StatusCode::INTERNAL_SERVER_ERROR, "cannot read alarms")
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct SetAlarm {
    state: String,
    #[serde(default)]
    reason: String,
}

/// `PUT /_ramp/alarms/{NAME}`: answers once every deployment watching the alarm has reacted.
pub async fn set(State(state): State<Arc<AppState>>, Path(name): Path<String>, body: axum::body::Bytes) -> Response {
    let request: SetAlarm = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return admin_error(
                StatusCode::BAD_REQUEST,
                format!("expected {{\"State\": …, \"Reason\": …}}: {e}"),
            );
        }
    };
    let Some(alarm_state) = AlarmState::parse(&request.state) else {
        return admin_error(StatusCode::BAD_REQUEST, "State must be OK, ALARM or INSUFFICIENT_DATA");
    };
    if name.is_empty() || name.len() > 255 {
        return admin_error(StatusCode::BAD_REQUEST, "an alarm name has 1 to 255 characters");
    }
    let alarm = Alarm {
        name,
        state: alarm_state,
        reason: request.reason,
        updated_at: state.clock.now(),
    };
    apply(&state, vec![alarm]).await
}

async fn apply(state: &AppState, alarms: Vec<Alarm>) -> Response {
    let mut rolled_back = 0;
    for alarm in &alarms {
        match state.engine.set_alarm(alarm.clone()).await {
            Ok(report) => {
                rolled_back += report.rolled_back;
                state.dashboard.alarm_changed(&alarm.name);
            }
            Err(e) => {
                tracing::warn!(alarm = %alarm.name, "cannot set alarm: {e}");
                return admin_error(StatusCode::INTERNAL_SERVER_ERROR, "cannot store the alarm");
            }
        }
    }
    let body = json!({ "Alarms": alarms.iter().map(alarm_json).collect::<Vec<_>>(), "RolledBack": rolled_back });
    Json(body).into_response()
}

#[derive(Deserialize)]
struct AlertmanagerPayload {
    #[serde(default)]
    alerts: Vec<Alert>,
}

#[derive(Deserialize)]
struct Alert {
    status: String,
    #[serde(default)]
    labels: serde_json::Map<String, Value>,
    #[serde(default)]
    annotations: serde_json::Map<String, Value>,
}

/// `POST /_ramp/alertmanager`: Prometheus Alertmanager's webhook. A firing alert sets the ramp
/// alarm named by its `alertname` label to ALARM; a resolved one sets it to OK.
pub async fn alertmanager(State(state): State<Arc<AppState>>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    if let Some(refusal) = check_bearer(&state, &headers) {
        return refusal;
    }
    let payload: AlertmanagerPayload = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => {
            return admin_error(
                StatusCode::BAD_REQUEST,
                format!("not an Alertmanager webhook payload: {e}"),
            );
        }
    };
    let now = state.clock.now();
    let alarms: Vec<Alarm> = payload
        .alerts
        .iter()
        .filter_map(|alert| {
            let name = alert.labels.get("alertname")?.as_str()?.to_owned();
            let alarm_state = if alert.status == "firing" {
                AlarmState::Alarm
            } else {
                AlarmState::Ok
            };
            let summary = ["summary", "description"]
                .iter()
                .find_map(|k| alert.annotations.get(*k)?.as_str());
            let reason = summary.map_or_else(|| format!("Alertmanager: {}", alert.status), str::to_owned);
            Some(Alarm {
                name,
                state: alarm_state,
                reason,
                updated_at: now,
            })
        })
        .collect();
    apply(&state, alarms).await
}

/// The receiver takes Alertmanager's bearer token instead of a SigV4 signature. With credentials
/// configured, a token is required, so the receiver is never the one open door.
fn check_bearer(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    bearer_refusal(
        state.alertmanager_token.as_deref(),
        state.credentials.is_open(),
        headers,
    )
}

fn bearer_refusal(expected: Option<&str>, open: bool, headers: &HeaderMap) -> Option<Response> {
    let presented = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match (expected, presented) {
        // Constant time, so the answer's timing tells nothing of how much of a guess was right.
        (Some(expected), Some(given)) if bool::from(expected.as_bytes().ct_eq(given.as_bytes())) => None,
        (Some(_), _) => Some(admin_error(
            StatusCode::UNAUTHORIZED,
            "a valid bearer token is required",
        )),
        (None, _) if !open => Some(admin_error(
            StatusCode::FORBIDDEN,
            "ramp has credentials but no --alertmanager-token; set one to accept Alertmanager webhooks",
        )),
        (None, _) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_authorization(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::AUTHORIZATION, value.parse().unwrap());
        headers
    }

    fn status(refusal: Option<Response>) -> Option<StatusCode> {
        refusal.map(|r| r.status())
    }

    #[test]
    fn the_bearer_token_must_match_exactly() {
        let expected = Some("s3cret-token");
        for open in [true, false] {
            assert_eq!(
                status(bearer_refusal(
                    expected,
                    open,
                    &with_authorization("Bearer s3cret-token")
                )),
                None
            );
            for wrong in [
                "Bearer s3cret-tokeN",
                "Bearer s3cret",
                "Bearer s3cret-token2",
                "Bearer ",
                "s3cret-token",
                "Basic s3cret-token",
            ] {
                assert_eq!(
                    status(bearer_refusal(expected, open, &with_authorization(wrong))),
                    Some(StatusCode::UNAUTHORIZED),
                    "{wrong:?}"
                );
            }
            assert_eq!(
                status(bearer_refusal(expected, open, &HeaderMap::new())),
                Some(StatusCode::UNAUTHORIZED)
            );
        }
    }

    #[test]
    fn without_a_token_the_receiver_is_open_only_when_ramp_is() {
        let headers = with_authorization("Bearer anything");
        assert_eq!(status(bearer_refusal(None, true, &headers)), None);
        assert_eq!(
            status(bearer_refusal(None, false, &headers)),
            Some(StatusCode::FORBIDDEN)
        );
    }
}
