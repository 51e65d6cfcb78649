//! AppConfig's domain errors in AWS's words (spec/appconfig.md §13.1).

use ramp_domain::Error;
use ramp_protocol::AwsError;
use ramp_protocol::appconfig::errors::{self as wire, InvalidConfigurationDetail};

pub fn to_aws(error: Error) -> AwsError {
    match error {
        Error::BadRequest(message) => AwsError::bad_request(message),
        Error::InvalidConfiguration { message, details } => {
            let details: Vec<_> = details
                .into_iter()
                .map(|d| InvalidConfigurationDetail {
                    constraint: d.constraint,
                    location: d.location,
                    reason: d.reason,
                    kind: d.detail_type,
                    value: d.value,
                })
                .collect();
            wire::invalid_configuration(message, &details)
        }
        Error::NotFound { resource_name, message } => wire::not_found(message).with("ResourceName", resource_name),
        Error::Conflict(message) => wire::conflict(message),
        Error::QuotaExceeded(message) => wire::quota_exceeded(message),
        Error::PayloadTooLarge { limit, size } => wire::payload_too_large(limit, size),
        Error::Internal(cause) => {
            tracing::error!(%cause, "internal error");
            AwsError::internal()
        }
    }
}
