//! Amplify's errors: its dialect and its modelled exceptions (spec amplify.md §1.3, §5).
//! `BadRequestException` is everyone's: [`AwsError::bad_request`].
//!
//! SigV4 failures are not Amplify's: the pipeline answers them as AWS front ends do (403
//! `InvalidSignatureException`, `UnrecognizedClientException`, …, whatever the service), and
//! [`unauthorized`] is for a caller who is authenticated but not allowed (spec amplify.md §5).

use http::StatusCode;

use crate::error::{AwsError, Dialect};

/// Amplify's conventions: the message in `message`; `InternalFailureException` (500, its only
/// `fault`); a body over the limit is a `BadRequestException` (400), since the model declares no
/// 413 and every operation declares `BadRequestException`.
pub static DIALECT: Dialect = Dialect {
    message_member: "message",
    internal: ("InternalFailureException", StatusCode::INTERNAL_SERVER_ERROR),
    body_too_large: ("BadRequestException", StatusCode::BAD_REQUEST),
};

/// `UnauthorizedException` (401): "the operation failed due to a lack of access".
pub fn unauthorized(message: impl Into<String>) -> AwsError {
    AwsError::new("UnauthorizedException", StatusCode::UNAUTHORIZED, message)
}

/// `NotFoundException` (404): an app, branch, job, domain, webhook, backend environment or
/// artifact that does not exist.
pub fn not_found(message: impl Into<String>) -> AwsError {
    AwsError::new("NotFoundException", StatusCode::NOT_FOUND, message)
}

/// `ResourceNotFoundException` (404) of the tag operations. Its body carries `code` as well as
/// `message`, both required by the model (spec amplify.md §2 "Notes").
pub fn resource_not_found(message: impl Into<String>) -> AwsError {
    AwsError::new("ResourceNotFoundException", StatusCode::NOT_FOUND, message).with("code", "ResourceNotFoundException")
}

/// `LimitExceededException` (429): quotas (apps, branches, unfinished jobs) and throttling.
pub fn limit_exceeded(message: impl Into<String>) -> AwsError {
    AwsError::new("LimitExceededException", StatusCode::TOO_MANY_REQUESTS, message)
}

/// `InternalFailureException` (500) with a message of ramp's choosing; [`AwsError::internal`]
/// is the same exception with the generic message, for failures whose cause goes to the log.
pub fn internal_failure(message: impl Into<String>) -> AwsError {
    AwsError::new("InternalFailureException", StatusCode::INTERNAL_SERVER_ERROR, message)
}

/// `DependentServiceFailureException` (503): a backing service (storage, blobs) failed.
pub fn dependent_service_failure(message: impl Into<String>) -> AwsError {
    AwsError::new(
        "DependentServiceFailureException",
        StatusCode::SERVICE_UNAVAILABLE,
        message,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn render(error: AwsError) -> (u16, String, Value) {
        let response = error.into_response(&DIALECT, "req-1");
        assert_eq!(response.headers()["content-type"], "application/json");
        let name = response.headers()["x-amzn-errortype"].to_str().unwrap().to_owned();
        let body = serde_json::from_slice(response.body()).unwrap();
        (response.status().as_u16(), name, body)
    }

    #[test]
    fn every_error_has_its_header_status_and_lowercase_message() {
        let cases = [
            (AwsError::bad_request("m"), 400, "BadRequestException"),
            (unauthorized("m"), 401, "UnauthorizedException"),
            (not_found("m"), 404, "NotFoundException"),
            (limit_exceeded("m"), 429, "LimitExceededException"),
            (internal_failure("m"), 500, "InternalFailureException"),
            (dependent_service_failure("m"), 503, "DependentServiceFailureException"),
        ];
        for (error, status, name) in cases {
            assert_eq!(render(error), (status, name.to_owned(), json!({ "message": "m" })));
        }
    }

    #[test]
    fn resource_not_found_carries_code_and_message() {
        let (status, name, body) = render(resource_not_found("No resource arn:aws:amplify:x"));
        assert_eq!((status, name.as_str()), (404, "ResourceNotFoundException"));
        assert_eq!(
            body,
            json!({ "code": "ResourceNotFoundException", "message": "No resource arn:aws:amplify:x" })
        );
    }

    #[test]
    fn generic_errors_are_named_in_amplifys_words() {
        let (status, name, body) = render(AwsError::internal());
        assert_eq!((status, name.as_str()), (500, "InternalFailureException"));
        assert!(body["message"].is_string());
        let (status, name, _) = render(AwsError::body_too_large(10, 11));
        assert_eq!((status, name.as_str()), (400, "BadRequestException"));
    }
}
