use http::StatusCode;
use ramp_domain::arn::Scope;
use ramp_protocol::appconfig::{inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};

use crate::AppState;
use crate::errors::to_aws;

pub async fn list(state: &AppState, scope: &Scope, input: inputs::ResourceRef) -> Result<AwsResponse, AwsError> {
    let tags = state.appconfig.tags(scope, &input.resource_arn).await.map_err(to_aws)?;
    AwsResponse::json(
        StatusCode::OK,
        &shapes::ResourceTags {
            tags: tags.into_iter().collect(),
        },
    )
}

pub async fn tag(state: &AppState, scope: &Scope, input: inputs::TagResource) -> Result<AwsResponse, AwsError> {
    let tags = super::tags(Some(input.tags));
    state
        .appconfig
        .tag(scope, &input.resource_arn, tags)
        .await
        .map_err(to_aws)?;
    Ok(AwsResponse::no_content())
}

pub async fn untag(state: &AppState, scope: &Scope, input: inputs::UntagResource) -> Result<AwsResponse, AwsError> {
    state
        .appconfig
        .untag(scope, &input.resource_arn, &input.tag_keys)
        .await
        .map_err(to_aws)?;
    Ok(AwsResponse::no_content())
}
