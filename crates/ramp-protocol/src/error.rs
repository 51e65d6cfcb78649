//! The one error type that leaves ramp over the AWS wire, and its one renderer.
//!
//! restJson1 clients read the error code from the `x-amzn-ErrorType` header and the message from
//! a body member (spec/appconfig.md §1 "Error header", spec/amplify.md §1.3), so every error
//! carries both. What the body member is called, and what a few errors every API has are named,
//! differs between AWS APIs: that is the API's [`Dialect`], which the renderer takes.
//! Errors an API models for itself (AppConfig's 402 quota error, Amplify's `LimitExceededException`)
//! are built by that API's module (`appconfig::errors`, …) with [`AwsError::new`].

use bytes::Bytes;
use http::{HeaderValue, StatusCode};
use serde_json::{Map, Value};

/// How one AWS API spells its errors on the wire.
#[derive(Debug)]
pub struct Dialect {
    /// The body member carrying the message: `Message` in AppConfig's models, `message` in
    /// Amplify's.
    pub message_member: &'static str,
    /// Its exception for a failure on the server's side ([`AwsError::internal`]).
    pub internal: (&'static str, StatusCode),
    /// What a request body over the operation's limit is, where the operation models nothing
    /// for it ([`AwsError::body_too_large`]).
    pub body_too_large: (&'static str, StatusCode),
}

/// What an error is called on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// An exception shape of the service's model, or an error of AWS's front end
    /// (`UnknownOperationException`, the SigV4 errors), sent under this name and status.
    Named(&'static str, StatusCode),
    /// A failure on the server's side, named by the service's [`Dialect`].
    Internal,
    /// A request body over the operation's limit, named by the service's [`Dialect`].
    BodyTooLarge,
}

/// An AWS error: a modelled exception shape (or a generic AWS front-end error) with its members.
#[derive(Debug, Clone, PartialEq)]
pub struct AwsError {
    pub code: Code,
    pub message: String,
    /// Modelled members other than the message (e.g. `Reason`, `Details`, `ResourceName`).
    pub members: Map<String, Value>,
}

impl AwsError {
    /// An error sent as `code` with `status` whatever the service (see [`Code::Named`]).
    pub fn new(code: &'static str, status: StatusCode, message: impl Into<String>) -> Self {
        Self::with_code(Code::Named(code, status), message)
    }

    fn with_code(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            members: Map::new(),
        }
    }

    /// Adds a modelled member to the body.
    pub fn with(mut self, member: &str, value: impl Into<Value>) -> Self {
        self.members.insert(member.to_owned(), value.into());
        self
    }

    /// The shape name sent as `x-amzn-ErrorType` by an API of `dialect`.
    pub fn name(&self, dialect: &Dialect) -> &'static str {
        self.name_and_status(dialect).0
    }

    /// The HTTP status an API of `dialect` answers with.
    pub fn status(&self, dialect: &Dialect) -> StatusCode {
        self.name_and_status(dialect).1
    }

    fn name_and_status(&self, dialect: &Dialect) -> (&'static str, StatusCode) {
        match self.code {
            Code::Named(name, status) => (name, status),
            Code::Internal => dialect.internal,
            Code::BodyTooLarge => dialect.body_too_large,
        }
    }

    /// `BadRequestException` (400): malformed input of any kind. Every API ramp speaks models
    /// it under this name (AppConfig, AppConfigData, Amplify).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new("BadRequestException", StatusCode::BAD_REQUEST, message)
    }

    /// A failure on ramp's side. The client gets a generic message; the cause goes to the log.
    pub fn internal() -> Self {
        Self::with_code(Code::Internal, "An internal error occurred.")
    }

    /// A request body over the operation's limit, where the operation models no error for it.
    pub fn body_too_large(_limit_bytes: u64, _size_bytes: u64) -> Self {
        Self::with_code(Code::BodyTooLarge, "Request body too large")
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

    /// The body this error renders to in `dialect`.
    pub fn body(&self, dialect: &Dialect) -> Value {
        let mut body = Map::with_capacity(self.members.len() + 1);
        body.insert(dialect.message_member.to_owned(), Value::String(self.message.clone()));
        body.extend(self.members.clone());
        Value::Object(body)
    }

    /// Renders the error in `dialect` as an HTTP response with the request id ramp assigned to
    /// the request.
    pub fn into_response(self, dialect: &Dialect, request_id: &str) -> http::Response<Bytes> {
        let (name, status) = self.name_and_status(dialect);
        let body = serde_json::to_vec(&self.body(dialect)).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = http::Response::new(Bytes::from(body));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers.insert("x-amzn-errortype", HeaderValue::from_static(name));
        if let Ok(id) = HeaderValue::from_str(request_id) {
            headers.insert("x-amzn-requestid", id);
        }
        response
    }
}

impl std::fmt::Display for AwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.code {
            Code::Named(name, _) => write!(f, "{name}: {}", self.message),
            Code::Internal => write!(f, "internal error: {}", self.message),
            Code::BodyTooLarge => write!(f, "body too large: {}", self.message),
        }
    }
}

impl std::error::Error for AwsError {}

#[cfg(test)]
mod tests {
    use super::*;

    const UPPER: Dialect = Dialect {
        message_member: "Message",
        internal: ("InternalServerException", StatusCode::INTERNAL_SERVER_ERROR),
        body_too_large: ("PayloadTooLargeException", StatusCode::PAYLOAD_TOO_LARGE),
    };
    const LOWER: Dialect = Dialect {
        message_member: "message",
        internal: ("InternalFailureException", StatusCode::INTERNAL_SERVER_ERROR),
        body_too_large: ("BadRequestException", StatusCode::BAD_REQUEST),
    };

    fn render(error: AwsError, dialect: &Dialect) -> (StatusCode, String, Value) {
        let response = error.into_response(dialect, "req-1");
        assert_eq!(response.headers()["x-amzn-requestid"], "req-1");
        assert_eq!(response.headers()["content-type"], "application/json");
        let code = response.headers()["x-amzn-errortype"].to_str().unwrap().to_owned();
        (
            response.status(),
            code,
            serde_json::from_slice(response.body()).unwrap(),
        )
    }

    #[test]
    fn renders_header_and_modelled_members() {
        let error = AwsError::bad_request("bad").with("Reason", "InvalidParameters");
        let (status, code, body) = render(error, &UPPER);
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::BAD_REQUEST, "BadRequestException")
        );
        assert_eq!(
            body,
            serde_json::json!({ "Message": "bad", "Reason": "InvalidParameters" })
        );
    }

    #[test]
    fn the_dialect_names_the_message_member() {
        let (_, _, body) = render(AwsError::bad_request("bad"), &LOWER);
        assert_eq!(body, serde_json::json!({ "message": "bad" }));
    }

    #[test]
    fn the_dialect_names_generic_errors() {
        let (status, code, _) = render(AwsError::internal(), &UPPER);
        assert_eq!((status.as_u16(), code.as_str()), (500, "InternalServerException"));
        let (status, code, _) = render(AwsError::internal(), &LOWER);
        assert_eq!((status.as_u16(), code.as_str()), (500, "InternalFailureException"));
        let too_large = AwsError::body_too_large(10, 11);
        assert_eq!(too_large.status(&UPPER), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(too_large.name(&LOWER), "BadRequestException");
        // Named errors are the same in every dialect.
        let unknown = AwsError::unknown_operation("GET", "/x");
        assert_eq!(unknown.name(&UPPER), unknown.name(&LOWER));
        assert_eq!(unknown.status(&LOWER), StatusCode::NOT_FOUND);
    }
}
