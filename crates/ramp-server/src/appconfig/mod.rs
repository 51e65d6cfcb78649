//! AppConfig operations: parse the wire input, call the domain, answer with the wire shape.

mod applications;
mod configuration;
mod configuration_profiles;
mod deployment_strategies;
mod deployments;
mod environments;
mod hosted_versions;
mod settings;
mod tags;

use std::collections::{BTreeMap, HashMap};

use ramp_domain::arn::Scope;
use ramp_protocol::appconfig::Op;
use ramp_protocol::appconfig::inputs::Input;
use ramp_protocol::routing::Labels;
use ramp_protocol::{AwsError, AwsRequest, AwsResponse};

use crate::AppState;

fn parse<T: Input>(request: &AwsRequest, labels: &Labels) -> Result<T, AwsError> {
    T::parse(request, labels)
}

fn tags(tags: Option<HashMap<String, String>>) -> BTreeMap<String, String> {
    tags.unwrap_or_default().into_iter().collect()
}

pub async fn dispatch(
    state: &AppState,
    scope: &Scope,
    op: Op,
    request: &AwsRequest,
    labels: &Labels,
) -> Result<AwsResponse, AwsError> {
    let (r, l) = (request, labels);
    match op {
        Op::CreateApplication => applications::create(state, scope, parse(r, l)?).await,
        Op::GetApplication => applications::get(state, scope, parse(r, l)?).await,
        Op::ListApplications => applications::list(state, scope, parse(r, l)?).await,
        Op::UpdateApplication => applications::update(state, scope, parse(r, l)?).await,
        Op::DeleteApplication => applications::delete(state, scope, parse(r, l)?).await,

        Op::CreateEnvironment => environments::create(state, scope, parse(r, l)?).await,
        Op::GetEnvironment => environments::get(state, scope, parse(r, l)?).await,
        Op::ListEnvironments => environments::list(state, scope, parse(r, l)?).await,
        Op::UpdateEnvironment => environments::update(state, scope, parse(r, l)?).await,
        Op::DeleteEnvironment => environments::delete(state, scope, parse(r, l)?).await,

        Op::CreateConfigurationProfile => configuration_profiles::create(state, scope, parse(r, l)?).await,
        Op::GetConfigurationProfile => configuration_profiles::get(state, scope, parse(r, l)?).await,
        Op::ListConfigurationProfiles => configuration_profiles::list(state, scope, parse(r, l)?).await,
        Op::UpdateConfigurationProfile => configuration_profiles::update(state, scope, parse(r, l)?).await,
        Op::DeleteConfigurationProfile => configuration_profiles::delete(state, scope, parse(r, l)?).await,
        Op::ValidateConfiguration => configuration_profiles::validate(state, scope, parse(r, l)?).await,

        Op::CreateHostedConfigurationVersion => hosted_versions::create(state, scope, parse(r, l)?).await,
        Op::GetHostedConfigurationVersion => hosted_versions::get(state, scope, parse(r, l)?).await,
        Op::ListHostedConfigurationVersions => hosted_versions::list(state, scope, parse(r, l)?).await,
        Op::DeleteHostedConfigurationVersion => hosted_versions::delete(state, scope, parse(r, l)?).await,

        Op::CreateDeploymentStrategy => deployment_strategies::create(state, scope, parse(r, l)?).await,
        Op::GetDeploymentStrategy => deployment_strategies::get(state, scope, parse(r, l)?).await,
        Op::ListDeploymentStrategies => deployment_strategies::list(state, scope, parse(r, l)?).await,
        Op::UpdateDeploymentStrategy => deployment_strategies::update(state, scope, parse(r, l)?).await,
        Op::DeleteDeploymentStrategy => deployment_strategies::delete(state, scope, parse(r, l)?).await,

        Op::ListTagsForResource => tags::list(state, scope, parse(r, l)?).await,
        Op::TagResource => tags::tag(state, scope, parse(r, l)?).await,
        Op::UntagResource => tags::untag(state, scope, parse(r, l)?).await,

        Op::GetAccountSettings => settings::get(state, scope, parse(r, l)?).await,
        Op::UpdateAccountSettings => settings::update(state, scope, parse(r, l)?).await,

        Op::StartDeployment => deployments::start(state, scope, parse(r, l)?).await,
        Op::GetDeployment => deployments::get(state, scope, parse(r, l)?).await,
        Op::ListDeployments => deployments::list(state, scope, parse(r, l)?).await,
        Op::StopDeployment => deployments::stop(state, scope, parse(r, l)?).await,

        Op::GetConfiguration => configuration::get(state, scope, parse(r, l)?).await,

        // Extensions have an issue of their own (README, compatibility matrix).
        Op::CreateExtension
        | Op::GetExtension
        | Op::ListExtensions
        | Op::UpdateExtension
        | Op::DeleteExtension
        | Op::CreateExtensionAssociation
        | Op::GetExtensionAssociation
        | Op::ListExtensionAssociations
        | Op::UpdateExtensionAssociation
        | Op::DeleteExtensionAssociation => Err(AwsError::not_implemented(op.name())),
    }
}
