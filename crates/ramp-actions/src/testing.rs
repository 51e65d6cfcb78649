//! A stand-in for Lambda's Invoke API, for tests here and in the ramp binary's integration
//! tests: `POST /2015-03-31/functions/{FunctionName}/invocations` on a loopback port, answered
//! by per-function handlers, every request recorded.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use ramp_actions::testing::{LambdaResponse, LambdaServer};
//! let lambda = LambdaServer::start().await?;
//! lambda.handle("gate", |_event| LambdaResponse::ok(serde_json::json!({"Directive": "CONTINUE"})));
//! // … point `lambda_endpoint` (or `--lambda-endpoint`) at `lambda.endpoint()` …
//! assert_eq!(lambda.requests_to("gate").len(), 0);
//! # Ok(()) }
//! ```
//!
//! A function without a handler answers 404 `ResourceNotFoundException`, as Lambda does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};

type Handler = Arc<dyn Fn(&Value) -> LambdaResponse + Send + Sync>;

/// One request the server received.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaRequest {
    /// The function's name, from a name, partial ARN or full ARN.
    pub function: String,
    /// A version or alias, from the ARN or `?Qualifier=`.
    pub qualifier: Option<String>,
    /// `X-Amz-Invocation-Type` (`RequestResponse`, `Event`, `DryRun`), when sent.
    pub invocation_type: Option<String>,
    /// The event; `Null` for an empty body, a JSON string for a body that is not JSON.
    pub payload: Value,
}

/// How a handler answers.
#[derive(Debug, Clone)]
pub struct LambdaResponse {
    pub status: u16,
    pub payload: Vec<u8>,
    /// `X-Amz-Function-Error` (`Unhandled`): the function raised.
    pub function_error: Option<String>,
    /// `X-Amzn-ErrorType`: Lambda itself refused the call (a service error).
    pub error_type: Option<String>,
    /// How long to wait before answering.
    pub delay: Duration,
}

impl LambdaResponse {
    /// The function returned `result`.
    pub fn ok(result: Value) -> Self {
        Self::raw(200, result.to_string().into_bytes())
    }

    /// The function returned nothing (`null`).
    pub fn empty() -> Self {
        Self::raw(200, b"null".to_vec())
    }

    /// The function raised `error_type` with `message`, as Lambda reports it: 200 with
    /// `X-Amz-Function-Error: Unhandled` and `{"errorMessage", "errorType"}`.
    pub fn function_error(error_type: &str, message: &str) -> Self {
        let payload = json!({"errorMessage": message, "errorType": error_type, "stackTrace": []});
        Self {
            function_error: Some("Unhandled".to_owned()),
            ..Self::raw(200, payload.to_string().into_bytes())
        }
    }

    /// Lambda refused the call with `code` (e.g. 429 `TooManyRequestsException`).
    pub fn service_error(status: u16, code: &str, message: &str) -> Self {
        let payload = json!({"Type": "User", "message": message});
        Self {
            error_type: Some(code.to_owned()),
            ..Self::raw(status, payload.to_string().into_bytes())
        }
    }

    /// Any status and body.
    pub fn raw(status: u16, payload: Vec<u8>) -> Self {
        Self {
            status,
            payload,
            function_error: None,
            error_type: None,
            delay: Duration::ZERO,
        }
    }

    /// The same answer, after `delay`.
    pub fn delayed(self, delay: Duration) -> Self {
        Self { delay, ..self }
    }
}

#[derive(Default)]
struct Functions {
    handlers: Mutex<HashMap<String, Handler>>,
    requests: Mutex<Vec<LambdaRequest>>,
}

/// The running stand-in; stops when dropped.
pub struct LambdaServer {
    endpoint: String,
    functions: Arc<Functions>,
    task: tokio::task::JoinHandle<()>,
}

impl LambdaServer {
    /// Listens on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        let functions = Arc::new(Functions::default());
        let app = Router::new()
            .route("/2015-03-31/functions/{name}/invocations", post(invoke))
            .with_state(functions.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            endpoint,
            functions,
            task,
        })
    }

    /// `http://127.0.0.1:{port}`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Answers invocations of the function named `function` (by name, whatever the qualifier)
    /// with `handler`, replacing an earlier one.
    pub fn handle(&self, function: &str, handler: impl Fn(&Value) -> LambdaResponse + Send + Sync + 'static) {
        lock(&self.functions.handlers).insert(function.to_owned(), Arc::new(handler));
    }

    /// Every request so far, in order of arrival.
    pub fn requests(&self) -> Vec<LambdaRequest> {
        lock(&self.functions.requests).clone()
    }

    /// The requests to one function.
    pub fn requests_to(&self, function: &str) -> Vec<LambdaRequest> {
        let requests = lock(&self.functions.requests);
        requests.iter().filter(|r| r.function == function).cloned().collect()
    }
}

impl Drop for LambdaServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn invoke(
    State(functions): State<Arc<Functions>>,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (function, qualifier) = function_name(&name);
    let payload = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()))
    };
    let request = LambdaRequest {
        function: function.clone(),
        qualifier: qualifier.or_else(|| query.get("Qualifier").cloned()),
        invocation_type: headers
            .get("x-amz-invocation-type")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned),
        payload,
    };
    lock(&functions.requests).push(request.clone());
    let handler = lock(&functions.handlers).get(&function).cloned();
    let answer = match handler {
        Some(handler) => handler(&request.payload),
        None => LambdaResponse::service_error(
            404,
            "ResourceNotFoundException",
            &format!("Function not found: arn:aws:lambda:us-east-1:000000000000:function:{function}"),
        ),
    };
    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    let mut response = Response::builder()
        .status(StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header("content-type", "application/json")
        .header("x-amz-executed-version", "$LATEST")
        .header(
            "x-amzn-requestid",
            format!("ramp-test-{}", lock(&functions.requests).len()),
        );
    if let Some(function_error) = &answer.function_error {
        response = response.header("x-amz-function-error", function_error);
    }
    if let Some(error_type) = &answer.error_type {
        response = response.header("x-amzn-errortype", error_type);
    }
    response.body(Body::from(answer.payload)).unwrap_or_else(|error| {
        let mut failed = Response::new(Body::from(format!("the test handler's answer is not HTTP: {error}")));
        *failed.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        failed
    })
}

/// `name`, `name:qualifier`, `account:function:name[:qualifier]` or the full ARN.
fn function_name(identifier: &str) -> (String, Option<String>) {
    let rest = match identifier.split_once(":function:") {
        Some((_, rest)) => rest,
        None => identifier,
    };
    match rest.split_once(':') {
        Some((name, qualifier)) => (name.to_owned(), Some(qualifier.to_owned())),
        None => (rest.to_owned(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::function_name;

    #[test]
    fn functions_are_named_by_name_or_arn() {
        assert_eq!(function_name("gate"), ("gate".into(), None));
        assert_eq!(function_name("gate:live"), ("gate".into(), Some("live".into())));
        assert_eq!(function_name("1:function:gate"), ("gate".into(), None));
        assert_eq!(
            function_name("arn:aws:lambda:us-east-1:1:function:gate:3"),
            ("gate".into(), Some("3".into()))
        );
    }
}
