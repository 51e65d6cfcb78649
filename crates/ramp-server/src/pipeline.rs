//! The path of every request that is not for `/_ramp`: a hosted site's when its `Host` names one
//! ([`crate::sites`]); otherwise an AWS API's: route (the [`Registry`](crate::registry::Registry))
//! → body, as the operation's policy says → authenticate → the service's handler → render.
//! Whatever fails, the client gets a modelled AWS error, in the service's dialect, with a
//! request id.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderValue, StatusCode};
use ramp_domain::arn::Scope;
use ramp_protocol::{AwsError, AwsRequest, AwsResponse, Dialect};

use crate::request_id::new_request_id;
use crate::service::{Auth, BodyPolicy, Call};
use crate::{AppState, auth, sites};

/// Every request the `/_ramp` routes do not take.
pub async fn handle_request(State(state): State<Arc<AppState>>, request: Request) -> Response {
    if let Some(site_host) = &state.sites
        && sites::host_name(&request).is_some_and(|host| site_host.serves(host))
    {
        return site_host.serve(request).await;
    }
    if opens_dashboard(&request) {
        return axum::response::Redirect::to("/_ramp/ui/").into_response();
    }
    let started = Instant::now();
    let request_id = new_request_id();
    let method = request.method().clone();
    let uri = request.uri().clone();
    let outcome = serve(&state, request).await;
    let response = respond(outcome.result, outcome.dialect, &request_id);
    let took = started.elapsed();
    crate::metrics::request(outcome.names.service, outcome.names.operation, response.status(), took);
    log_outcome(
        &outcome.names,
        &method,
        uri.path(),
        response.status(),
        took,
        &request_id,
        state.log_requests,
    );
    response
}

/// A browser's `GET /` (DESIGN.md "dashboard"): no AWS operation routes `/`, so a request for a
/// page there is sent to the dashboard. Any other client keeps getting the AWS error for an
/// unknown operation.
fn opens_dashboard(request: &Request) -> bool {
    request.method() == http::Method::GET
        && request.uri().path() == "/"
        && !request.headers().contains_key(http::header::AUTHORIZATION)
        && request
            .headers()
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
}

/// What answered, for the log line.
struct Names {
    service: &'static str,
    operation: &'static str,
}

struct Outcome {
    names: Names,
    dialect: &'static Dialect,
    result: Result<AwsResponse, AwsError>,
}

async fn serve(state: &AppState, request: Request) -> Outcome {
    let (parts, body) = request.into_parts();
    let http::request::Parts {
        method, uri, headers, ..
    } = parts;
    let routed = match state.services.route(&method, uri.path(), &headers) {
        Ok(routed) => routed,
        Err(unrouted) => {
            return Outcome {
                names: Names {
                    service: "none",
                    operation: "unknown",
                },
                dialect: unrouted.dialect,
                result: Err(unrouted.error),
            };
        }
    };
    let (service, op) = (routed.service, routed.op);
    let result = async {
        let (body, stream) = match service.body_policy(state, op) {
            BodyPolicy::Buffered { limit, too_large } => (read_body(body, &headers, limit, too_large).await?, None),
            BodyPolicy::Streamed => (Bytes::new(), Some(body)),
        };
        let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
        let request = AwsRequest::new(method, path_and_query, headers, body)?;
        let region = match service.auth(op) {
            Auth::SigV4 => {
                if stream.is_some() {
                    require_unsigned_payload(state, &request)?;
                }
                auth::authenticate(
                    &state.credentials,
                    &request,
                    service.signing_name(),
                    state.signature_clock.now(),
                )?
                .region
            }
            Auth::Own => None,
        };
        let region = region.unwrap_or_else(|| state.default_region.clone());
        let scope = Scope::new(region, state.account_id.clone());
        let call = Call {
            state,
            scope: &scope,
            request: &request,
            labels: &routed.labels,
            stream,
        };
        service.call(op, call).await
    }
    .await;
    Outcome {
        names: Names {
            service: service.name(),
            operation: service.operation_name(op),
        },
        dialect: service.dialect(),
        result,
    }
}

/// A streamed body is not read before authentication, so its signature can cover the headers
/// only: with credentials configured, the client must have signed it as `UNSIGNED-PAYLOAD`.
fn require_unsigned_payload(state: &AppState, request: &AwsRequest) -> Result<(), AwsError> {
    let unsigned = request
        .headers
        .get("x-amz-content-sha256")
        .is_some_and(|v| v == "UNSIGNED-PAYLOAD");
    if unsigned || state.credentials.is_open() {
        return Ok(());
    }
    Err(AwsError::new(
        "InvalidSignatureException",
        StatusCode::FORBIDDEN,
        "This operation streams its body: sign it with x-amz-content-sha256: UNSIGNED-PAYLOAD.",
    ))
}

/// Reads the body, refusing more than `limit` bytes without buffering them.
async fn read_body(
    body: Body,
    headers: &http::HeaderMap,
    limit: usize,
    too_large: fn(u64, u64) -> AwsError,
) -> Result<Bytes, AwsError> {
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(size) = declared.filter(|&size| size > limit as u64) {
        drain(body).await;
        return Err(too_large(limit as u64, size));
    }
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        if std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>()) {
            too_large(limit as u64, limit as u64 + 1)
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

/// The one place responses leave ramp's AWS APIs; errors are rendered in `dialect`.
pub fn respond(result: Result<AwsResponse, AwsError>, dialect: &Dialect, request_id: &str) -> Response {
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
        Err(error) => error.into_response(dialect, request_id).map(Body::from),
    }
}

/// One line per request: failures at warn, refusals at info, the rest at debug, or at info
/// with `--log-requests`. The fields are what `--log-format json` carries.
fn log_outcome(
    names: &Names,
    method: &http::Method,
    path: &str,
    status: StatusCode,
    took: Duration,
    request_id: &str,
    log_requests: bool,
) {
    let latency_ms = took.as_secs_f64() * 1000.0;
    let (service, operation) = (names.service, names.operation);
    let status = status.as_u16();
    macro_rules! line {
        ($level:ident, $message:literal) => {
            tracing::$level!(request_id, service, operation, %method, path, status, latency_ms, $message)
        };
    }
    match status {
        500.. => line!(warn, "request failed"),
        400.. => line!(info, "request refused"),
        _ if log_requests => line!(info, "request served"),
        _ => line!(debug, "request served"),
    }
}
