use http::StatusCode;
use ramp_domain::appconfig::{DeletionProtectionCheck, NewConfigurationProfile, ProfileUpdate};
use ramp_domain::arn::Scope;
use ramp_domain::entities::{ConfigurationProfile, Validator, ValidatorType};
use ramp_protocol::appconfig::{inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};

use crate::AppState;
use crate::errors::to_aws;

fn shape(state: &AppState, scope: &Scope, profile: ConfigurationProfile) -> shapes::ConfigurationProfile {
    shapes::ConfigurationProfile {
        kms_key_arn: profile
            .kms_key_identifier
            .as_deref()
            .map(|k| state.appconfig.kms_key_arn(scope, k)),
        application_id: profile.application_id,
        id: profile.id,
        name: profile.name,
        description: profile.description,
        location_uri: profile.location_uri,
        retrieval_role_arn: profile.retrieval_role_arn,
        validators: profile
            .validators
            .into_iter()
            .map(|v| shapes::Validator {
                r#type: v.validator_type.as_str().to_owned(),
                content: v.content,
            })
            .collect(),
        r#type: profile.profile_type,
        kms_key_identifier: profile.kms_key_identifier,
    }
}

fn summary(profile: ConfigurationProfile) -> shapes::ConfigurationProfileSummary {
    shapes::ConfigurationProfileSummary {
        application_id: profile.application_id,
        id: profile.id,
        name: profile.name,
        location_uri: profile.location_uri,
        validator_types: profile
            .validators
            .iter()
            .map(|v| v.validator_type.as_str().to_owned())
            .collect(),
        r#type: profile.profile_type,
    }
}

/// The wire layer checked the enum, so every type parses.
fn validators(list: Vec<shapes::Validator>) -> Vec<Validator> {
    list.into_iter()
        .filter_map(|v| {
            Some(Validator {
                validator_type: ValidatorType::parse(&v.r#type)?,
                content: v.content,
            })
        })
        .collect()
}

pub async fn create(
    state: &AppState,
    scope: &Scope,
    input: inputs::CreateConfigurationProfile,
) -> Result<AwsResponse, AwsError> {
    let new = NewConfigurationProfile {
        name: input.name,
        description: input.description,
        location_uri: input.location_uri,
        retrieval_role_arn: input.retrieval_role_arn,
        validators: validators(input.validators),
        profile_type: input.r#type,
        kms_key_identifier: input.kms_key_identifier,
        tags: super::tags(input.tags),
    };
    let profile = state
        .appconfig
        .create_configuration_profile(scope, &input.application_id, new)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::CREATED, &shape(state, scope, profile))
}

pub async fn get(
    state: &AppState,
    scope: &Scope,
    input: inputs::ConfigurationProfileRef,
) -> Result<AwsResponse, AwsError> {
    let profile = state
        .appconfig
        .configuration_profile(scope, &input.application_id, &input.configuration_profile_id)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::OK, &shape(state, scope, profile))
}

pub async fn list(
    state: &AppState,
    scope: &Scope,
    input: inputs::ListConfigurationProfiles,
) -> Result<AwsResponse, AwsError> {
    let (items, next_token) = state
        .appconfig
        .list_configuration_profiles(
            scope,
            &input.application_id,
            input.r#type.as_deref(),
            input.page.max_results,
            input.page.next_token.as_deref(),
        )
        .await
        .map_err(to_aws)?;
    AwsResponse::json(
        StatusCode::OK,
        &shapes::Page {
            items: items.into_iter().map(summary).collect(),
            next_token,
        },
    )
}

pub async fn update(
    state: &AppState,
    scope: &Scope,
    input: inputs::UpdateConfigurationProfile,
) -> Result<AwsResponse, AwsError> {
    let update = ProfileUpdate {
        name: input.name,
        description: input.description,
        retrieval_role_arn: input.retrieval_role_arn,
        validators: input.validators.map(validators),
        kms_key_identifier: input.kms_key_identifier,
    };
    let profile = state
        .appconfig
        .update_configuration_profile(scope, &input.application_id, &input.configuration_profile_id, update)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::OK, &shape(state, scope, profile))
}

pub async fn delete(
    state: &AppState,
    scope: &Scope,
    input: inputs::DeleteConfigurationProfile,
) -> Result<AwsResponse, AwsError> {
    let check = DeletionProtectionCheck::parse(input.deletion_protection_check.as_deref());
    state
        .appconfig
        .delete_configuration_profile(scope, &input.application_id, &input.configuration_profile_id, check)
        .await
        .map_err(to_aws)?;
    Ok(AwsResponse::no_content())
}

pub async fn validate(
    state: &AppState,
    scope: &Scope,
    input: inputs::ValidateConfiguration,
) -> Result<AwsResponse, AwsError> {
    state
        .appconfig
        .validate_configuration(
            scope,
            &input.application_id,
            &input.configuration_profile_id,
            &input.configuration_version,
        )
        .await
        .map_err(to_aws)?;
    Ok(AwsResponse::no_content())
}
