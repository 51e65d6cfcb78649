//! AWS AppConfigData (`appconfigdata` 2021-11-11): configuration sessions and
//! GetLatestConfiguration. Signed with the service name `appconfig` (spec/appconfig.md §1).

use std::collections::HashMap;

use http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use crate::error::Dialect;
use crate::routing::Labels;
use crate::validate as v;
use crate::{AwsError, AwsRequest};

crate::routing::operations! { "AppConfigData";
    StartConfigurationSession POST "/configurationsessions",
    GetLatestConfiguration    GET  "/configuration",
}

/// AppConfigData's conventions, AppConfig's: the message in `Message`, `InternalServerException`
/// (500); its model has no 413, so an oversized body gets the AWS front end's
/// `PayloadTooLargeException`, as on AppConfig.
pub static DIALECT: Dialect = Dialect {
    message_member: "Message",
    internal: ("InternalServerException", StatusCode::INTERNAL_SERVER_ERROR),
    body_too_large: ("PayloadTooLargeException", StatusCode::PAYLOAD_TOO_LARGE),
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartConfigurationSession {
    pub application_identifier: String,
    pub environment_identifier: String,
    pub configuration_profile_identifier: String,
    pub required_minimum_poll_interval_in_seconds: Option<i64>,
}

impl StartConfigurationSession {
    pub fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        let input: Self = req.json_body()?;
        v::length("ApplicationIdentifier", &input.application_identifier, 1, 128)?;
        v::length("EnvironmentIdentifier", &input.environment_identifier, 1, 128)?;
        v::length(
            "ConfigurationProfileIdentifier",
            &input.configuration_profile_identifier,
            1,
            128,
        )?;
        if let Some(seconds) = input.required_minimum_poll_interval_in_seconds {
            v::range("RequiredMinimumPollIntervalInSeconds", seconds, 15, 86400)?;
        }
        Ok(input)
    }
}

#[derive(Debug)]
pub struct GetLatestConfiguration {
    pub configuration_token: String,
}

impl GetLatestConfiguration {
    pub fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        let token = req
            .query("configuration_token")
            .ok_or_else(|| v::missing("ConfigurationToken"))?;
        // Model `Token`: `\S{1,8192}`.
        if token.is_empty() || token.len() > 8192 || has_whitespace(token) {
            return Err(invalid_parameter(
                "ConfigurationToken",
                Problem::Corrupted,
                "Invalid ConfigurationToken",
            ));
        }
        Ok(Self {
            configuration_token: token.to_owned(),
        })
    }
}

/// Whether `text` has a whitespace character (Unicode's definition, as the model's `\S`): a
/// byte scan for ASCII text, which every token ramp issues is.
fn has_whitespace(text: &str) -> bool {
    if text.is_ascii() {
        // char::is_whitespace on ASCII: space, \t, \n, vertical tab, form feed, \r.
        text.bytes().any(|b| matches!(b, b' ' | b'\t'..=b'\r'))
    } else {
        text.chars().any(char::is_whitespace)
    }
}

/// `InvalidParameterProblem` of the data plane's BadRequestException.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Corrupted,
    Expired,
    PollIntervalNotSatisfied,
}

impl Problem {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Corrupted => "Corrupted",
            Self::Expired => "Expired",
            Self::PollIntervalNotSatisfied => "PollIntervalNotSatisfied",
        }
    }
}

/// `BadRequestException` with `Reason: InvalidParameters` and the problem of one parameter
/// (spec/appconfig.md §10.2; `Details` is a union with exactly one member).
pub fn invalid_parameter(parameter: &str, problem: Problem, message: impl Into<String>) -> AwsError {
    AwsError::bad_request(message).with("Reason", "InvalidParameters").with(
        "Details",
        json!({ "InvalidParameters": { parameter: { "Problem": problem.as_str() } } }),
    )
}

/// The data plane's `ResourceNotFoundException`, with `ResourceType` and `ReferencedBy`.
pub fn resource_not_found(
    resource_type: &str,
    referenced_by: HashMap<String, String>,
    message: impl Into<String>,
) -> AwsError {
    AwsError::new("ResourceNotFoundException", StatusCode::NOT_FOUND, message)
        .with("ResourceType", resource_type)
        .with("ReferencedBy", json!(referenced_by))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_as_char_is_whitespace_sees_it() {
        for text in ["abc", "a.b-c_d", "é", ""] {
            assert!(!has_whitespace(text), "{text:?}");
        }
        for text in ["a b", "a\tb", "a\u{0b}b", "a\u{0c}", "\r", "é\u{2003}", "\u{85}"] {
            assert!(has_whitespace(text), "{text:?}");
        }
        for b in 0u8..128 {
            let text = char::from(b).to_string();
            assert_eq!(has_whitespace(&text), char::from(b).is_whitespace(), "{b}");
        }
    }
}
