use http::StatusCode;
use ramp_domain::appconfig::{DeletionProtectionCheck, EnvironmentUpdate, NewEnvironment};
use ramp_domain::arn::Scope;
use ramp_domain::entities::{Environment, Monitor};
use ramp_protocol::appconfig::{inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};

use crate::AppState;
use crate::errors::to_aws;

fn shape(env: Environment) -> shapes::Environment {
    shapes::Environment {
        application_id: env.application_id,
        id: env.id,
        name: env.name,
        description: env.description,
        state: env.state.as_str().to_owned(),
        monitors: env
            .monitors
            .into_iter()
            .map(|m| shapes::Monitor {
                alarm_arn: m.alarm_arn,
                alarm_role_arn: m.alarm_role_arn,
            })
            .collect(),
    }
}

fn monitors(list: Vec<shapes::Monitor>) -> Vec<Monitor> {
    list.into_iter()
        .map(|m| Monitor {
            alarm_arn: m.alarm_arn,
            alarm_role_arn: m.alarm_role_arn,
        })
        .collect()
}

pub async fn create(
    state: &AppState,
    scope: &Scope,
    input: inputs::CreateEnvironment,
) -> Result<AwsResponse, AwsError> {
    let new = NewEnvironment {
        name: input.name,
        description: input.description,
        monitors: monitors(input.monitors),
        tags: super::tags(input.tags),
    };
    let env = state
        .appconfig
        .create_environment(scope, &input.application_id, new)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::CREATED, &shape(env))
}

pub async fn get(state: &AppState, scope: &Scope, input: inputs::EnvironmentRef) -> Result<AwsResponse, AwsError> {
    let env = state
        .appconfig
        .environment(scope, &input.application_id, &input.environment_id)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::OK, &shape(env))
}

pub async fn list(state: &AppState, scope: &Scope, input: inputs::ListEnvironments) -> Result<AwsResponse, AwsError> {
    let (items, next_token) = state
        .appconfig
        .list_environments(
            scope,
            &input.application_id,
            input.page.max_results,
            input.page.next_token.as_deref(),
        )
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
    input: inputs::UpdateEnvironment,
) -> Result<AwsResponse, AwsError> {
    let update = EnvironmentUpdate {
        name: input.name,
        description: input.description,
        monitors: input.monitors.map(monitors),
    };
    let env = state
        .appconfig
        .update_environment(scope, &input.application_id, &input.environment_id, update)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::OK, &shape(env))
}

pub async fn delete(
    state: &AppState,
    scope: &Scope,
    input: inputs::DeleteEnvironment,
) -> Result<AwsResponse, AwsError> {
    let check = DeletionProtectionCheck::parse(input.deletion_protection_check.as_deref());
    state
        .appconfig
        .delete_environment(scope, &input.application_id, &input.environment_id, check)
        .await
        .map_err(to_aws)?;
    Ok(AwsResponse::no_content())
}
