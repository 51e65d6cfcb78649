//! The extension association operations (spec/appconfig.md §8.4): wire ⇄ domain.

use http::StatusCode;
use ramp_domain::appconfig::NewExtensionAssociation;
use ramp_domain::arn::Scope;
use ramp_domain::extensions::ExtensionAssociation;
use ramp_protocol::appconfig::{inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};

use crate::AppState;
use crate::errors::to_aws;

fn shape(state: &AppState, scope: &Scope, a: ExtensionAssociation) -> shapes::ExtensionAssociation {
    shapes::ExtensionAssociation {
        arn: state.appconfig.extension_association_arn(scope, &a.id),
        id: a.id,
        extension_arn: a.extension_arn,
        resource_arn: a.resource_arn,
        parameters: a.parameters.into_iter().collect(),
        extension_version_number: a.extension_version_number,
    }
}

pub async fn create(
    state: &AppState,
    scope: &Scope,
    input: inputs::CreateExtensionAssociation,
) -> Result<AwsResponse, AwsError> {
    let new = NewExtensionAssociation {
        extension_identifier: input.extension_identifier,
        extension_version_number: input.extension_version_number,
        resource_identifier: input.resource_identifier,
        parameters: input.parameters.unwrap_or_default().into_iter().collect(),
        tags: super::tags(input.tags),
    };
    let association = state
        .appconfig
        .create_extension_association(scope, new)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::CREATED, &shape(state, scope, association))
}

pub async fn get(
    state: &AppState,
    scope: &Scope,
    input: inputs::ExtensionAssociationRef,
) -> Result<AwsResponse, AwsError> {
    let association = state
        .appconfig
        .extension_association(scope, &input.extension_association_id)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::OK, &shape(state, scope, association))
}

pub async fn list(
    state: &AppState,
    scope: &Scope,
    input: inputs::ListExtensionAssociations,
) -> Result<AwsResponse, AwsError> {
    let (items, next_token) = state
        .appconfig
        .list_extension_associations(
            scope,
            input.resource_identifier,
            input.extension_identifier.as_deref(),
            input.extension_version_number,
            input.page.max_results,
            input.page.next_token.as_deref(),
        )
        .await
        .map_err(to_aws)?;
    let items = items
        .into_iter()
        .map(|a| shapes::ExtensionAssociationSummary {
            id: a.id,
            extension_arn: a.extension_arn,
            resource_arn: a.resource_arn,
        })
        .collect();
    AwsResponse::json(StatusCode::OK, &shapes::Page { items, next_token })
}

pub async fn update(
    state: &AppState,
    scope: &Scope,
    input: inputs::UpdateExtensionAssociation,
) -> Result<AwsResponse, AwsError> {
    let parameters = input.parameters.map(|p| p.into_iter().collect());
    let association = state
        .appconfig
        .update_extension_association(scope, &input.extension_association_id, parameters)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::OK, &shape(state, scope, association))
}

pub async fn delete(
    state: &AppState,
    scope: &Scope,
    input: inputs::ExtensionAssociationRef,
) -> Result<AwsResponse, AwsError> {
    state
        .appconfig
        .delete_extension_association(scope, &input.extension_association_id)
        .await
        .map_err(to_aws)?;
    Ok(AwsResponse::no_content())
}
