//! AppConfig's errors: its dialect and the exceptions only its model has
//! (spec/appconfig.md §2.4, §13.1). `BadRequestException` is everyone's: [`AwsError::bad_request`].

use http::StatusCode;
use serde_json::{Value, json};

use crate::error::{AwsError, Dialect};

/// AppConfig's conventions: the message in `Message`; `InternalServerException` (500); a body over
/// the limit is `PayloadTooLargeException` (413), the shape its model declares.
pub static DIALECT: Dialect = Dialect {
    message_member: "Message",
    internal: ("InternalServerException", StatusCode::INTERNAL_SERVER_ERROR),
    body_too_large: ("PayloadTooLargeException", StatusCode::PAYLOAD_TOO_LARGE),
};

pub fn not_found(message: impl Into<String>) -> AwsError {
    AwsError::new("ResourceNotFoundException", StatusCode::NOT_FOUND, message)
}

pub fn conflict(message: impl Into<String>) -> AwsError {
    AwsError::new("ConflictException", StatusCode::CONFLICT, message)
}

/// AppConfig's quota error is HTTP 402 (spec/appconfig.md §2.4).
pub fn quota_exceeded(message: impl Into<String>) -> AwsError {
    AwsError::new("ServiceQuotaExceededException", StatusCode::PAYMENT_REQUIRED, message)
}

/// `PayloadTooLargeException` with `Measure`/`Limit`/`Size` in kilobytes (spec/appconfig.md §2.4):
/// what CreateHostedConfigurationVersion answers for a configuration over the limit.
pub fn payload_too_large(limit_bytes: u64, size_bytes: u64) -> AwsError {
    let kb = |b: u64| b as f64 / 1024.0;
    AwsError::new(
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

/// `BadRequestException` with `Reason: InvalidConfiguration` and its details.
pub fn invalid_configuration(message: impl Into<String>, details: &[InvalidConfigurationDetail]) -> AwsError {
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
    AwsError::bad_request(message)
        .with("Reason", "InvalidConfiguration")
        .with("Details", json!({ "InvalidConfiguration": details }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_too_large_has_its_modelled_members_in_kilobytes() {
        let response = payload_too_large(1024 * 1024, 2 * 1024 * 1024).into_response(&DIALECT, "req-1");
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(response.headers()["x-amzn-errortype"], "PayloadTooLargeException");
        let body: Value = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(body["Measure"], "KILOBYTES");
        assert_eq!(body["Limit"], 1024.0);
        assert_eq!(body["Size"], 2048.0);
        assert!(body["Message"].as_str().unwrap().contains("exceeds"));
    }
}
