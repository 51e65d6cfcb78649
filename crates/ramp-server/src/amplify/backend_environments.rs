//! Backend environments: stored and returned as AWS does (ramp runs no backend).

use ramp_domain::amplify::{BackendEnvironment, arn};
use ramp_protocol::amplify::{inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};

use super::errors::to_aws;
use super::{Ctx, ok};

fn shape(cx: &Ctx<'_>, environment: BackendEnvironment) -> shapes::BackendEnvironment {
    shapes::BackendEnvironment {
        backend_environment_arn: arn::backend_environment(cx.scope, &environment.app_id, &environment.environment_name),
        environment_name: environment.environment_name,
        stack_name: environment.stack_name,
        deployment_artifacts: environment.deployment_artifacts,
        create_time: environment.create_time,
        update_time: environment.update_time,
    }
}

fn output(cx: &Ctx<'_>, environment: BackendEnvironment) -> Result<AwsResponse, AwsError> {
    ok(&shapes::BackendEnvironmentOutput {
        backend_environment: shape(cx, environment),
    })
}

pub async fn create(cx: &Ctx<'_>, input: inputs::CreateBackendEnvironment) -> Result<AwsResponse, AwsError> {
    let environment = cx
        .amplify
        .create_backend_environment(
            cx.scope,
            &input.app_id,
            &input.environment_name,
            input.stack_name,
            input.deployment_artifacts,
        )
        .await
        .map_err(to_aws)?;
    output(cx, environment)
}

pub async fn get(cx: &Ctx<'_>, input: inputs::BackendEnvironmentRef) -> Result<AwsResponse, AwsError> {
    let environment = cx
        .amplify
        .backend_environment(cx.scope, &input.app_id, &input.environment_name)
        .await
        .map_err(to_aws)?;
    output(cx, environment)
}

pub async fn list(cx: &Ctx<'_>, input: inputs::ListBackendEnvironments) -> Result<AwsResponse, AwsError> {
    let (environments, next_token) = cx
        .amplify
        .list_backend_environments(
            cx.scope,
            &input.app_id,
            input.environment_name.as_deref(),
            input.page.max_results,
            input.page.next_token.as_deref(),
        )
        .await
        .map_err(to_aws)?;
    ok(&shapes::ListBackendEnvironmentsOutput {
        backend_environments: environments.into_iter().map(|e| shape(cx, e)).collect(),
        next_token,
    })
}

pub async fn delete(cx: &Ctx<'_>, input: inputs::BackendEnvironmentRef) -> Result<AwsResponse, AwsError> {
    let environment = cx
        .amplify
        .delete_backend_environment(cx.scope, &input.app_id, &input.environment_name)
        .await
        .map_err(to_aws)?;
    output(cx, environment)
}
