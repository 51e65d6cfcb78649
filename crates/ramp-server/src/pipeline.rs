//! The path of every AWS API request: route → read body → authenticate → parse → domain →
//! render. Whatever fails, the client gets a modelled AWS error with a request id.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderValue, StatusCode};
use ramp_domain::arn::Scope;
use ramp_protocol::appconfig::{self as wire, Op};
use ramp_protocol::appconfigdata as data;
use ramp_protocol::routing::{Labels, Match};
use ramp_protocol::{AwsError, AwsRequest, AwsResponse};

use crate::request_id::new_request_id;
use crate::{AppState, appconfig, appconfigdata, auth};

/// SigV4 signing name of AppConfig (and of AppConfigData too, spec/appconfig.md §1 "Signing").
const APPCONFIG_SIGNING_NAME: &str = "appconfig";

pub async fn handle_aws_request(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let started = Instant::now();
    let request_id = new_request_id();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let (operation, result) = run(&state, request).await;
    let response = respond(result, &request_id);
    log_outcome(operation, &method, &path, response.status(), started, &request_id);
    response
}

/// The API an operation belongs to.
#[derive(Clone, Copy)]
enum Api {
    AppConfig(Op),
    AppConfigData(data::Op),
}

impl Api {
    fn name(self) -> &'static str {
        match self {
            Api::AppConfig(op) => op.name(),
            Api::AppConfigData(op) => op.name(),
        }
    }
}

/// Finds the operation: AppConfig's routes, then AppConfigData's (their paths never overlap).
fn route(method: &http::Method, path: &str) -> Result<Option<(Api, Labels)>, AwsError> {
    if let Match::Found(op, labels) = wire::ROUTES.find(method, path)? {
        return Ok(Some((Api::AppConfig(op), labels)));
    }
    if let Match::Found(op, labels) = data::ROUTES.find(method, path)? {
        return Ok(Some((Api::AppConfigData(op), labels)));
    }
    Ok(None)
}

async fn run(state: &AppState, request: Request) -> (&'static str, Result<AwsResponse, AwsError>) {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let (api, labels) = match route(&parts.method, &path) {
        Ok(Some(found)) => found,
        Ok(None) => {
            return (
                "unknown",
                Err(AwsError::unknown_operation(parts.method.as_str(), &path)),
            );
        }
        Err(e) => return ("unknown", Err(e)),
    };
    let result = async {
        let hosted_upload = matches!(api, Api::AppConfig(Op::CreateHostedConfigurationVersion));
        let body = read_body(body, &parts.headers, state.max_body_bytes, hosted_upload).await?;
        let path_and_query = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
        let request = AwsRequest::new(parts.method.clone(), path_and_query, parts.headers.clone(), body)?;
        let caller = auth::authenticate(
            &state.credentials,
            &request,
            APPCONFIG_SIGNING_NAME,
            state.signature_clock.now(),
        )?;
        let region = caller.region.unwrap_or_else(|| state.default_region.clone());
        let scope = Scope::new(region, state.account_id.clone());
        match api {
            Api::AppConfig(op) => appconfig::dispatch(state, &scope, op, &request, &labels).await,
            Api::AppConfigData(op) => appconfigdata::dispatch(state, &scope, op, &request, &labels).await,
        }
    }
    .await;
    (api.name(), result)
}

/// Reads the body, refusing more than `limit` bytes without buffering them.
async fn read_body(
    body: Body,
    headers: &http::HeaderMap,
    limit: usize,
    hosted_upload: bool,
) -> Result<Bytes, AwsError> {
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = |size: u64| {
        if hosted_upload {
            // The one operation whose model declares it (spec/appconfig.md §2.4).
            AwsError::payload_too_large(limit as u64, size)
        } else {
            AwsError::new(
                "PayloadTooLargeException",
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request body too large",
            )
        }
    };
    if let Some(size) = declared.filter(|&size| size > limit as u64) {
        drain(body).await;
        return Err(too_large(size));
    }
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        if std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>()) {
            too_large(limit as u64 + 1)
        } else {
            AwsError::bad_request("The request body could not be read")
        }
    })
}

/// Reads and drops a refused body (up to a cap), so the client finishes sending and reads the
/// 413 instead of meeting a closed connection mid-upload.
async fn drain(mut body: Body) {
    use http_body_util::BodyExt;
    const DRAIN_CAP: usize = 64 * 1024 * 1024;
    let mut drained = 0;
    while let Some(Ok(frame)) = body.frame().await {
        drained += frame.data_ref().map_or(0, Bytes::len);
        if drained > DRAIN_CAP {
            break;
        }
    }
}

/// The one place responses leave ramp's AWS APIs.
pub fn respond(result: Result<AwsResponse, AwsError>, request_id: &str) -> Response {
    match result {
        Ok(ok) => {
            let mut response = (ok.status, ok.body).into_response();
            let headers = response.headers_mut();
            for (name, value) in ok.headers {
                headers.insert(name, value);
            }
            if let Ok(id) = HeaderValue::from_str(request_id) {
                headers.insert("x-amzn-requestid", id);
            }
            response
        }
        Err(error) => error.into_response(request_id).map(Body::from),
    }
}

fn log_outcome(op: &str, method: &http::Method, path: &str, status: StatusCode, started: Instant, request_id: &str) {
    let micros = started.elapsed().as_micros() as u64;
    if status.is_server_error() {
        tracing::warn!(op, %method, path, status = status.as_u16(), micros, request_id, "request failed");
    } else if status.is_client_error() {
        tracing::info!(op, %method, path, status = status.as_u16(), micros, request_id, "request refused");
    } else {
        tracing::debug!(op, %method, path, status = status.as_u16(), micros, request_id, "request served");
    }
}
