//! Amplify's domain errors in AWS's words (spec amplify.md §5).

use ramp_domain::Error;
use ramp_protocol::AwsError;
use ramp_protocol::amplify::errors as wire;

/// Every operation but the tag operations. Amplify models no conflict exception: a resource
/// that already exists, or one in the wrong state, is a `BadRequestException` (spec §5).
pub fn to_aws(error: Error) -> AwsError {
    match error {
        Error::BadRequest(message) | Error::Conflict(message) => AwsError::bad_request(message),
        Error::InvalidConfiguration { message, .. } => AwsError::bad_request(message),
        Error::NotFound { message, .. } => wire::not_found(message),
        Error::QuotaExceeded(message) => wire::limit_exceeded(message),
        Error::PayloadTooLarge { limit, size } => AwsError::bad_request(format!(
            "The payload of {size} bytes exceeds the limit of {limit} bytes."
        )),
        Error::Internal(cause) => {
            tracing::error!(%cause, "internal error in an Amplify operation");
            AwsError::internal()
        }
    }
}

/// The tag operations, which model `ResourceNotFoundException` (with `code` and `message`)
/// instead of `NotFoundException` (spec §2 "Notes").
pub fn tags_to_aws(error: Error) -> AwsError {
    match error {
        Error::NotFound { message, .. } => wire::resource_not_found(message),
        other => to_aws(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(error: &AwsError) -> (&'static str, u16) {
        let dialect = &wire::DIALECT;
        (error.name(dialect), error.status(dialect).as_u16())
    }

    fn not_found() -> Error {
        Error::NotFound {
            resource_name: "App".into(),
            message: "App d1 not found.".into(),
        }
    }

    #[test]
    fn domain_errors_map_to_amplifys_exceptions() {
        let cases = [
            (Error::BadRequest("m".into()), ("BadRequestException", 400)),
            (Error::Conflict("m".into()), ("BadRequestException", 400)),
            (
                Error::InvalidConfiguration {
                    message: "m".into(),
                    details: vec![],
                },
                ("BadRequestException", 400),
            ),
            (not_found(), ("NotFoundException", 404)),
            (Error::QuotaExceeded("m".into()), ("LimitExceededException", 429)),
            (
                Error::PayloadTooLarge { limit: 1, size: 2 },
                ("BadRequestException", 400),
            ),
            (
                Error::Internal("disk on fire".into()),
                ("InternalFailureException", 500),
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(named(&to_aws(error)), expected);
        }
    }

    #[test]
    fn internal_causes_stay_in_the_log() {
        let error = to_aws(Error::Internal("password=hunter2".into()));
        assert!(!error.message.contains("hunter2"), "{}", error.message);
    }

    #[test]
    fn messages_reach_the_client() {
        assert_eq!(to_aws(not_found()).message, "App d1 not found.");
    }

    #[test]
    fn tag_operations_answer_resource_not_found_with_a_code() {
        let error = tags_to_aws(not_found());
        assert_eq!(named(&error), ("ResourceNotFoundException", 404));
        assert_eq!(error.members["code"], "ResourceNotFoundException");
        assert_eq!(error.message, "App d1 not found.");
        assert_eq!(
            named(&tags_to_aws(Error::BadRequest("m".into()))),
            ("BadRequestException", 400)
        );
    }
}
