use http::StatusCode;
use ramp_domain::arn::Scope;
use ramp_domain::entities::Application;
use ramp_protocol::appconfig::{inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};

use crate::AppState;
use crate::errors::to_aws;

fn shape(app: Application) -> shapes::Application {
    shapes::Application {
        id: app.id,
        name: app.name,
        description: app.description,
    }
}

pub async fn create(
    state: &AppState,
    scope: &Scope,
    input: inputs::CreateApplication,
) -> Result<AwsResponse, AwsError> {
    let app = state
        .appconfig
        .create_application(scope, input.name, input.description, super::tags(input.tags))
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::CREATED, &shape(app))
}

pub async fn get(state: &AppState, scope: &Scope, input: inputs::ApplicationRef) -> Result<AwsResponse, AwsError> {
    let app = state
        .appconfig
        .application(scope, &input.application_id)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::OK, &shape(app))
}

pub async fn list(state: &AppState, scope: &Scope, input: inputs::ListApplications) -> Result<AwsResponse, AwsError> {
    let (items, next_token) = state
        .appconfig
        .list_applications(scope, input.page.max_results, input.page.next_token.as_deref())
        .await
        .map_err(to_aws)?;
    let page = shapes::Page {
        items: items.into_iter().map(shape).collect(),
        next_token,
    };
    AwsResponse::json(StatusCode::OK, &page)
}

pub async fn update(
    state: &AppState,
    scope: &Scope,
    input: inputs::UpdateApplication,
) -> Result<AwsResponse, AwsError> {
    let app = state
        .appconfig
        .update_application(scope, &input.application_id, input.name, input.description)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::OK, &shape(app))
}

pub async fn delete(state: &AppState, scope: &Scope, input: inputs::ApplicationRef) -> Result<AwsResponse, AwsError> {
    state
        .appconfig
        .delete_application(scope, &input.application_id)
        .await
        .map_err(to_aws)?;
    Ok(AwsResponse::no_content())
}
