use http::StatusCode;
use ramp_domain::appconfig::StartDeploymentRequest;
use ramp_domain::arn::Scope;
use ramp_domain::deployment::Deployment;
use ramp_protocol::appconfig::{inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};

use crate::AppState;
use crate::errors::to_aws;

fn shape(state: &AppState, scope: &Scope, d: Deployment) -> shapes::Deployment {
    shapes::Deployment {
        kms_key_arn: d
            .kms_key_identifier
            .as_deref()
            .map(|k| state.appconfig.kms_key_arn(scope, k)),
        application_id: d.application_id,
        environment_id: d.environment_id,
        deployment_strategy_id: d.deployment_strategy_id,
        configuration_profile_id: d.configuration_profile_id,
        deployment_number: d.deployment_number,
        configuration_name: d.configuration_name,
        configuration_location_uri: d.configuration_location_uri,
        configuration_version: d.configuration_version,
        description: d.description,
        deployment_duration_in_minutes: d.strategy.deployment_duration_in_minutes,
        growth_type: d.strategy.growth_type.as_str().to_owned(),
        growth_factor: d.strategy.growth_factor,
        final_bake_time_in_minutes: d.strategy.final_bake_time_in_minutes,
        state: d.state.as_str().to_owned(),
        // AWS lists the event log newest first (spec/appconfig.md §4.1).
        event_log: d
            .event_log
            .into_iter()
            .rev()
            .map(|e| shapes::DeploymentEvent {
                event_type: e.event_type.as_str().to_owned(),
                triggered_by: e.triggered_by.as_str().to_owned(),
                description: e.description,
                occurred_at: e.occurred_at.to_iso8601(),
                action_invocations: e
                    .action_invocations
                    .into_iter()
                    .map(|i| shapes::ActionInvocation {
                        extension_identifier: i.extension_identifier,
                        action_name: i.action_name,
                        uri: i.uri,
                        role_arn: i.role_arn,
                        error_message: i.error_message,
                        error_code: i.error_code,
                        invocation_id: i.invocation_id,
                    })
                    .collect(),
            })
            .collect(),
        percentage_complete: d.percentage_complete,
        started_at: d.started_at.to_iso8601(),
        completed_at: d.completed_at.map(|t| t.to_iso8601()),
        kms_key_identifier: d.kms_key_identifier,
        version_label: d.version_label,
        applied_extensions: d
            .applied_extensions
            .into_iter()
            .map(|a| shapes::AppliedExtension {
                extension_id: a.extension_id,
                extension_association_id: Some(a.extension_association_id).filter(|id| !id.is_empty()),
                version_number: a.version_number,
                parameters: a.parameters.into_iter().collect(),
            })
            .collect(),
    }
}

fn summary(d: Deployment) -> shapes::DeploymentSummary {
    shapes::DeploymentSummary {
        deployment_number: d.deployment_number,
        configuration_name: d.configuration_name,
        configuration_version: d.configuration_version,
        deployment_duration_in_minutes: d.strategy.deployment_duration_in_minutes,
        growth_type: d.strategy.growth_type.as_str().to_owned(),
        growth_factor: d.strategy.growth_factor,
        final_bake_time_in_minutes: d.strategy.final_bake_time_in_minutes,
        state: d.state.as_str().to_owned(),
        percentage_complete: d.percentage_complete,
        started_at: d.started_at.to_iso8601(),
        completed_at: d.completed_at.map(|t| t.to_iso8601()),
        version_label: d.version_label,
    }
}

pub async fn start(state: &AppState, scope: &Scope, input: inputs::StartDeployment) -> Result<AwsResponse, AwsError> {
    let request = StartDeploymentRequest {
        deployment_strategy_id: input.deployment_strategy_id,
        configuration_profile_id: input.configuration_profile_id,
        configuration_version: input.configuration_version,
        description: input.description,
        kms_key_identifier: input.kms_key_identifier,
        tags: super::tags(input.tags),
        dynamic_extension_parameters: input
            .dynamic_extension_parameters
            .unwrap_or_default()
            .into_iter()
            .collect(),
    };
    let deployment = state
        .appconfig
        .start_deployment(scope, &input.application_id, &input.environment_id, request)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::CREATED, &shape(state, scope, deployment))
}

pub async fn get(state: &AppState, scope: &Scope, input: inputs::DeploymentRef) -> Result<AwsResponse, AwsError> {
    let deployment = state
        .appconfig
        .deployment(
            scope,
            &input.application_id,
            &input.environment_id,
            input.deployment_number,
        )
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::OK, &shape(state, scope, deployment))
}

pub async fn list(state: &AppState, scope: &Scope, input: inputs::ListDeployments) -> Result<AwsResponse, AwsError> {
    let (items, next_token) = state
        .appconfig
        .list_deployments(
            scope,
            &input.application_id,
            &input.environment_id,
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

/// 202 with the deployment as it now is (spec/appconfig.md §7 "Wire details").
pub async fn stop(state: &AppState, scope: &Scope, input: inputs::StopDeployment) -> Result<AwsResponse, AwsError> {
    let deployment = state
        .appconfig
        .stop_deployment(
            scope,
            &input.application_id,
            &input.environment_id,
            input.deployment_number,
            input.allow_revert,
        )
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::ACCEPTED, &shape(state, scope, deployment))
}
