//! The extension operations (spec/appconfig.md §8.5, §8.6): wire ⇄ domain.

use std::collections::HashMap;

use http::StatusCode;
use ramp_domain::appconfig::{ExtensionUpdate, NewExtension};
use ramp_domain::arn::Scope;
use ramp_domain::extensions::{self as domain, ActionPoint, Actions, Extension, Parameters};
use ramp_protocol::appconfig::{inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};

use crate::AppState;
use crate::errors::to_aws;

/// The wire layer checked every key against the model's `ActionPoint` enum.
pub(super) fn actions_in(wire: HashMap<String, Vec<shapes::Action>>) -> Actions {
    wire.into_iter()
        .filter_map(|(point, list)| {
            let list = list
                .into_iter()
                .map(|a| domain::Action {
                    name: a.name,
                    description: a.description,
                    uri: a.uri,
                    role_arn: a.role_arn,
                })
                .collect();
            ActionPoint::parse(&point).map(|point| (point, list))
        })
        .collect()
}

fn parameters_in(wire: Option<HashMap<String, shapes::Parameter>>) -> Parameters {
    wire.unwrap_or_default()
        .into_iter()
        .map(|(name, p)| {
            let parameter = domain::Parameter {
                description: p.description,
                required: p.required,
                dynamic: p.dynamic,
            };
            (name, parameter)
        })
        .collect()
}

pub(super) fn actions_out(actions: Actions) -> HashMap<String, Vec<shapes::Action>> {
    actions
        .into_iter()
        .map(|(point, list)| {
            let list = list
                .into_iter()
                .map(|a| shapes::Action {
                    name: a.name,
                    description: a.description,
                    uri: a.uri,
                    role_arn: a.role_arn,
                })
                .collect();
            (point.as_str().to_owned(), list)
        })
        .collect()
}

fn shape(state: &AppState, scope: &Scope, e: Extension) -> shapes::Extension {
    shapes::Extension {
        arn: state.appconfig.extension_arn(scope, &e),
        id: e.id,
        name: e.name,
        version_number: e.version_number,
        description: e.description,
        actions: actions_out(e.actions),
        parameters: e
            .parameters
            .into_iter()
            .map(|(name, p)| {
                let parameter = shapes::Parameter {
                    description: p.description,
                    required: p.required,
                    dynamic: p.dynamic,
                };
                (name, parameter)
            })
            .collect(),
    }
}

fn summary(state: &AppState, scope: &Scope, e: Extension) -> shapes::ExtensionSummary {
    shapes::ExtensionSummary {
        arn: state.appconfig.extension_arn(scope, &e),
        id: e.id,
        name: e.name,
        version_number: e.version_number,
        description: e.description,
    }
}

pub async fn create(state: &AppState, scope: &Scope, input: inputs::CreateExtension) -> Result<AwsResponse, AwsError> {
    let new = NewExtension {
        name: input.name,
        description: input.description,
        actions: actions_in(input.actions),
        parameters: parameters_in(input.parameters),
        tags: super::tags(input.tags),
        latest_version_number: input.latest_version_number,
    };
    let extension = state.appconfig.create_extension(scope, new).await.map_err(to_aws)?;
    AwsResponse::json(StatusCode::CREATED, &shape(state, scope, extension))
}

pub async fn get(state: &AppState, scope: &Scope, input: inputs::ExtensionRef) -> Result<AwsResponse, AwsError> {
    let extension = state
        .appconfig
        .extension(scope, &input.extension_identifier, input.version_number)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::OK, &shape(state, scope, extension))
}

pub async fn list(state: &AppState, scope: &Scope, input: inputs::ListExtensions) -> Result<AwsResponse, AwsError> {
    let (items, next_token) = state
        .appconfig
        .list_extensions(
            scope,
            input.name.as_deref(),
            input.page.max_results,
            input.page.next_token.as_deref(),
        )
        .await
        .map_err(to_aws)?;
    AwsResponse::json(
        StatusCode::OK,
        &shapes::Page {
            items: items.into_iter().map(|e| summary(state, scope, e)).collect(),
            next_token,
        },
    )
}

pub async fn update(state: &AppState, scope: &Scope, input: inputs::UpdateExtension) -> Result<AwsResponse, AwsError> {
    let update = ExtensionUpdate {
        description: input.description,
        actions: input.actions.map(actions_in),
        parameters: input.parameters.map(|p| parameters_in(Some(p))),
        version_number: input.version_number,
    };
    let extension = state
        .appconfig
        .update_extension(scope, &input.extension_identifier, update)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::OK, &shape(state, scope, extension))
}

pub async fn delete(state: &AppState, scope: &Scope, input: inputs::DeleteExtension) -> Result<AwsResponse, AwsError> {
    let target = input.0;
    state
        .appconfig
        .delete_extension(scope, &target.extension_identifier, target.version_number)
        .await
        .map_err(to_aws)?;
    Ok(AwsResponse::no_content())
}
