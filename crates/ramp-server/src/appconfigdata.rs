//! AppConfigData operations: StartConfigurationSession and GetLatestConfiguration.

use std::collections::HashMap;

use http::{HeaderName, HeaderValue, StatusCode};
use ramp_domain::arn::Scope;
use ramp_domain::dataplane::Error;
use ramp_protocol::appconfigdata::{self as wire, Op, Problem};
use ramp_protocol::routing::Labels;
use ramp_protocol::{AwsError, AwsRequest, AwsResponse};
use serde_json::json;

use crate::AppState;

fn to_aws(error: Error) -> AwsError {
    const TOKEN: &str = "ConfigurationToken";
    match error {
        Error::NotFound {
            resource_type,
            member,
            value,
        } => {
            let message = format!("{resource_type} {value} could not be found.");
            wire::resource_not_found(resource_type, HashMap::from([(member.to_owned(), value)]), message)
        }
        Error::Corrupted(message) => wire::invalid_parameter(TOKEN, Problem::Corrupted, message),
        Error::Expired => wire::invalid_parameter(TOKEN, Problem::Expired, "The configuration token has expired."),
        // The words clients see from AWS (spec/appconfig.md §10.2).
        Error::TooEarly => wire::invalid_parameter(TOKEN, Problem::PollIntervalNotSatisfied, "Request too early"),
        // Only the legacy GetConfiguration refuses feature flags; the data plane serves them.
        Error::FeatureFlagsNeedTheDataPlane | Error::Internal(_) => {
            tracing::error!(?error, "data plane failure");
            AwsError::internal()
        }
    }
}

/// AWS AppConfigData (`appconfigdata` 2021-11-11), signed as `appconfig` (spec/appconfig.md §1
/// "Signing"). Its inputs are three identifiers and a number, or a query string: 64 KiB is plenty.
pub struct AppConfigData;

impl crate::service::Service for AppConfigData {
    type Op = Op;
    const NAME: &'static str = "AppConfigData";
    const SIGNING_NAME: &'static str = "appconfig";
    const DIALECT: &'static ramp_protocol::Dialect = &wire::DIALECT;

    fn routes(&self) -> &ramp_protocol::routing::Router<Op> {
        &wire::ROUTES
    }

    fn operation_name(&self, op: Op) -> &'static str {
        op.name()
    }

    fn body_policy(&self, _: &AppState, _: Op) -> crate::service::BodyPolicy {
        crate::service::BodyPolicy::buffered(64 * 1024)
    }

    async fn call<'a>(&'a self, op: Op, call: crate::service::Call<'a>) -> Result<AwsResponse, AwsError> {
        dispatch(call.state, call.scope, op, call.request, call.labels).await
    }
}

async fn dispatch(
    state: &AppState,
    scope: &Scope,
    op: Op,
    request: &AwsRequest,
    labels: &Labels,
) -> Result<AwsResponse, AwsError> {
    match op {
        Op::StartConfigurationSession => {
            let started =
                async { start_session(state, scope, wire::StartConfigurationSession::parse(request, labels)?).await }
                    .await;
            crate::metrics::dataplane_session(if started.is_ok() { "started" } else { "refused" });
            started
        }
        Op::GetLatestConfiguration => {
            let polled = async { latest(state, wire::GetLatestConfiguration::parse(request, labels)?).await }.await;
            if polled.is_err() {
                crate::metrics::dataplane_poll("refused");
            }
            polled
        }
    }
}

async fn start_session(
    state: &AppState,
    scope: &Scope,
    input: wire::StartConfigurationSession,
) -> Result<AwsResponse, AwsError> {
    let token = state
        .dataplane
        .start_session(
            scope,
            &input.application_identifier,
            &input.environment_identifier,
            &input.configuration_profile_identifier,
            input.required_minimum_poll_interval_in_seconds,
        )
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::CREATED, &json!({ "InitialConfigurationToken": token }))
}

/// The configuration when the session's version changed, an empty body when not; the next
/// token and the poll interval every time (spec/appconfig.md §10.2).
async fn latest(state: &AppState, input: wire::GetLatestConfiguration) -> Result<AwsResponse, AwsError> {
    let latest = state
        .dataplane
        .latest(&input.configuration_token)
        .await
        .map_err(to_aws)?;
    crate::metrics::dataplane_poll(if latest.configuration.is_some() {
        "configuration"
    } else {
        "unchanged"
    });
    let header = HeaderName::from_static;
    let mut response = match &latest.configuration {
        Some(served) => AwsResponse::payload(StatusCode::OK, &served.content_type, served.content.clone())
            .opt_header(header("version-label"), served.version_label.as_deref()),
        None => AwsResponse {
            status: StatusCode::OK,
            headers: Vec::with_capacity(2),
            body: bytes::Bytes::new(),
        },
    };
    // Every poll answers these two: the token moves into the header without a copy (it is
    // base64url and '.', always a valid header value), and the interval needs no String.
    if let Ok(token) = HeaderValue::try_from(latest.next_token) {
        response.headers.push((header("next-poll-configuration-token"), token));
    }
    response.headers.push((
        header("next-poll-interval-in-seconds"),
        HeaderValue::from(latest.poll_interval_seconds),
    ));
    Ok(response)
}
