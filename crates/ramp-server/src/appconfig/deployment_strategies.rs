use http::StatusCode;
use ramp_domain::appconfig::{NewDeploymentStrategy, StrategyUpdate};
use ramp_domain::arn::Scope;
use ramp_domain::entities::{DeploymentStrategy, GrowthType};
use ramp_protocol::appconfig::{inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};

use crate::AppState;
use crate::errors::to_aws;

fn shape(s: DeploymentStrategy) -> shapes::DeploymentStrategy {
    shapes::DeploymentStrategy {
        id: s.id,
        name: s.name,
        description: s.description,
        deployment_duration_in_minutes: s.deployment_duration_in_minutes,
        growth_type: s.growth_type.as_str().to_owned(),
        growth_factor: s.growth_factor,
        final_bake_time_in_minutes: s.final_bake_time_in_minutes,
        replicate_to: s.replicate_to,
    }
}

/// The wire layer checked the enum, so a present value always parses.
fn growth_type(text: Option<String>) -> Option<GrowthType> {
    text.as_deref().and_then(GrowthType::parse)
}

pub async fn create(
    state: &AppState,
    scope: &Scope,
    input: inputs::CreateDeploymentStrategy,
) -> Result<AwsResponse, AwsError> {
    let new = NewDeploymentStrategy {
        name: input.name,
        description: input.description,
        deployment_duration_in_minutes: input.deployment_duration_in_minutes,
        final_bake_time_in_minutes: input.final_bake_time_in_minutes,
        growth_factor: input.growth_factor,
        growth_type: growth_type(input.growth_type),
        replicate_to: input.replicate_to,
        tags: super::tags(input.tags),
    };
    let strategy = state
        .appconfig
        .create_deployment_strategy(scope, new)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::CREATED, &shape(strategy))
}

pub async fn get(
    state: &AppState,
    scope: &Scope,
    input: inputs::DeploymentStrategyRef,
) -> Result<AwsResponse, AwsError> {
    let strategy = state
        .appconfig
        .deployment_strategy(scope, &input.deployment_strategy_id)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::OK, &shape(strategy))
}

pub async fn list(
    state: &AppState,
    scope: &Scope,
    input: inputs::ListDeploymentStrategies,
) -> Result<AwsResponse, AwsError> {
    let (items, next_token) = state
        .appconfig
        .list_deployment_strategies(scope, input.page.max_results, input.page.next_token.as_deref())
        .await
        .map_err(to_aws)?;
    AwsResponse::json(
        StatusCode::OK,
        &shapes::Page {
            items: items.into_iter().map(shape).collect(),
            next_token,
        },
    )
}

pub async fn update(
    state: &AppState,
    scope: &Scope,
    input: inputs::UpdateDeploymentStrategy,
) -> Result<AwsResponse, AwsError> {
    let update = StrategyUpdate {
        description: input.description,
        deployment_duration_in_minutes: input.deployment_duration_in_minutes,
        final_bake_time_in_minutes: input.final_bake_time_in_minutes,
        growth_factor: input.growth_factor,
        growth_type: growth_type(input.growth_type),
    };
    let strategy = state
        .appconfig
        .update_deployment_strategy(scope, &input.deployment_strategy_id, update)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::OK, &shape(strategy))
}

pub async fn delete(
    state: &AppState,
    scope: &Scope,
    input: inputs::DeploymentStrategyRef,
) -> Result<AwsResponse, AwsError> {
    state
        .appconfig
        .delete_deployment_strategy(scope, &input.deployment_strategy_id)
        .await
        .map_err(to_aws)?;
    Ok(AwsResponse::no_content())
}
