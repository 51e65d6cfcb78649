//! The legacy GetConfiguration (spec/appconfig.md §10.6), served from the data plane's snapshot.

use http::{HeaderName, StatusCode};
use ramp_domain::arn::Scope;
use ramp_domain::dataplane::Error;
use ramp_protocol::appconfig::inputs;
use ramp_protocol::{AwsError, AwsResponse};

use crate::AppState;

fn to_aws(error: Error) -> AwsError {
    match error {
        Error::NotFound {
            resource_type, value, ..
        } => ramp_protocol::appconfig::errors::not_found(format!("{resource_type} {value} could not be found."))
            .with("ResourceName", resource_type),
        // AWS's words (spec/appconfig.md §10.6).
        Error::FeatureFlagsNeedTheDataPlane => AwsError::bad_request(
            "Feature flag configurations must be accessed via AWS AppConfig Data's GetLatestConfiguration API",
        ),
        Error::Corrupted(message) => AwsError::bad_request(message),
        Error::Expired | Error::TooEarly => AwsError::bad_request("Invalid request"),
        Error::Internal(cause) => {
            tracing::error!(%cause, "legacy configuration retrieval failed");
            AwsError::internal()
        }
    }
}

pub async fn get(state: &AppState, scope: &Scope, input: inputs::GetConfiguration) -> Result<AwsResponse, AwsError> {
    let found = state
        .dataplane
        .legacy_configuration(
            scope,
            &input.application,
            &input.environment,
            &input.configuration,
            &input.client_id,
            input.client_configuration_version.as_deref(),
        )
        .await
        .map_err(to_aws)?;
    let Some((served, unchanged)) = found else {
        return Err(ramp_protocol::appconfig::errors::not_found(format!(
            "Configuration {} has not been deployed to environment {}.",
            input.configuration, input.environment
        ))
        .with("ResourceName", "Configuration"));
    };
    // Empty content when the client already has this version; the model answers 200.
    let body = if unchanged {
        bytes::Bytes::new()
    } else {
        served.content.clone()
    };
    Ok(AwsResponse::payload(StatusCode::OK, &served.content_type, body).header(
        HeaderName::from_static("configuration-version"),
        &served.configuration_version,
    ))
}
