//! The one error type that leaves ramp over the AWS wire, and its one renderer.
//!
//! restJson1 clients read the error code from the `x-amzn-ErrorType` header and the message from
//! the body's `Message` member (spec/appconfig.md §1 "Error header"), so every error carries both.

use bytes::Bytes;
use http::{HeaderValue, StatusCode};
use serde_json::{Map, Value, json};

/// An AWS error: a modelled exception shape (or a generic AWS front-end error) with its members.
#[derive(Debug, Clone, PartialEq)]
pub struct AwsError {
    /// The error shape name, sent as `x-amzn-ErrorType` (e.g. `BadRequestException`).
    pub code: &'static str,
    pub status: StatusCode,
    pub message: String,
    /// Modelled members other than `Message` (e.g. `Reason`, `Details`, `ResourceName`).
    pub members: Map<String, Value>,
}

impl AwsError {
    pub fn new(code: &'static str, status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            code,
            status,
            message: message.into(),
            members: Map::new(),
        }
    }

    /// Adds a modelled member to the body.
    pub fn with(mut self, member: &str, value: impl Into<Value>) -> Self {
        self.members.insert(member.to_owned(), value.into());
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new("BadRequestException", StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new("ResourceNotFoundException", StatusCode::NOT_FOUND, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new("ConflictException", StatusCode::CONFLICT, message)
    }

    /// AppConfig's quota error is HTTP 402 (spec/appconfig.md §2.4).
    pub fn quota_exceeded(message: impl Into<String>) -> Self {
        Self::new("ServiceQuotaExceededException", StatusCode::PAYMENT_REQUIRED, message)
    }

    /// `PayloadTooLargeException` with `Measure`/`Limit`/`Size` in kilobytes (spec/appconfig.md §2.4).
    pub fn payload_too_large(limit_bytes: u64, size_bytes: u64) -> Self {
        let kb = |b: u64| b as f64 / 1024.0;
        Self::new(
            "PayloadTooLargeException",
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "Configuration size {:.2} KB exceeds the limit of {:.2} KB",
                kb(size_bytes),
                kb(limit_bytes)
            ),
        )
        .with("Measure", "KILOBYTES")
        .with("Limit", kb(limit_bytes))
        .with("Size", kb(size_bytes))
    }

    /// A failure on ramp's side. The client gets a generic message; the cause goes to the log.
    pub fn internal() -> Self {
        Self::new(
            "InternalServerException",
            StatusCode::INTERNAL_SERVER_ERROR,
            "An internal error occurred.",
        )
    }

    /// No operation matches the method and path (what AWS front ends answer).
    pub fn unknown_operation(method: &str, path: &str) -> Self {
        Self::new(
            "UnknownOperationException",
            StatusCode::NOT_FOUND,
            format!("No AWS operation matches {method} {path}"),
        )
    }

    /// A modelled operation that ramp does not implement yet (README's compatibility matrix).
    pub fn not_implemented(operation: &str) -> Self {
        Self::new(
            "NotImplementedException",
            StatusCode::NOT_IMPLEMENTED,
            format!("ramp does not implement {operation} yet; see the compatibility matrix in README"),
        )
    }

    /// The body this error renders to.
    pub fn body(&self) -> Value {
        let mut body = Map::with_capacity(self.members.len() + 1);
        body.insert("Message".to_owned(), Value::String(self.message.clone()));
        body.extend(self.members.clone());
        Value::Object(body)
    }

    /// Renders the error as an HTTP response with the request id ramp assigned to the request.
    pub fn into_response(self, request_id: &str) -> http::Response<Bytes> {
        let body = serde_json::to_vec(&self.body()).unwrap_or_else(|_| br#"{"Message":"error"}"#.to_vec());
        let mut response = http::Response::new(Bytes::from(body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers.insert("x-amzn-errortype", HeaderValue::from_static(self.code));
        if let Ok(id) = HeaderValue::from_str(request_id) {
            headers.insert("x-amzn-requestid", id);
        }
        response
    }
}

impl std::fmt::Display for AwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for AwsError {}

/// `Details.InvalidConfiguration` entry of AppConfig's `BadRequestException`
/// (spec/appconfig.md §13.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidConfigurationDetail {
    pub constraint: String,
    pub location: String,
    pub reason: String,
    pub kind: String,
    pub value: String,
}

impl AwsError {
    /// `BadRequestException` with `Reason: InvalidConfiguration` and its details.
    pub fn invalid_configuration(message: impl Into<String>, details: &[InvalidConfigurationDetail]) -> Self {
        let details: Vec<Value> = details
            .iter()
            .map(|d| {
                json!({
                    "Constraint": d.constraint,
                    "Location": d.location,
                    "Reason": d.reason,
                    "Type": d.kind,
                    "Value": d.value,
                })
            })
            .collect();
        Self::bad_request(message)
            .with("Reason", "InvalidConfiguration")
            .with("Details", json!({ "InvalidConfiguration": details }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_header_and_modelled_members() {
        let response = AwsError::payload_too_large(1024 * 1024, 2 * 1024 * 1024).into_response("req-1");
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(response.headers()["x-amzn-errortype"], "PayloadTooLargeException");
        assert_eq!(response.headers()["x-amzn-requestid"], "req-1");
        let body: Value = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(body["Measure"], "KILOBYTES");
        assert_eq!(body["Limit"], 1024.0);
        assert_eq!(body["Size"], 2048.0);
        assert!(body["Message"].as_str().unwrap().contains("exceeds"));
    }
}
