//! AppConfig as a [`Service`]: its operations parse the wire input, call the domain, answer with
//! the wire shape.

mod applications;
mod configuration;
mod configuration_profiles;
mod deployment_strategies;
mod deployments;
mod environments;
mod extension_associations;
mod extensions;
mod hosted_versions;
mod settings;
mod tags;

use std::collections::{BTreeMap, HashMap};

use ramp_domain::arn::Scope;
use ramp_protocol::appconfig::inputs::Input;
use ramp_protocol::appconfig::{self as wire, Op};
use ramp_protocol::routing::{Labels, Router};
use ramp_protocol::{AwsError, AwsRequest, AwsResponse, Dialect};

use crate::AppState;
use crate::service::{BodyPolicy, Call, Service};

/// AWS AppConfig (`appconfig` 2019-10-09).
pub struct AppConfig;

impl Service for AppConfig {
    type Op = Op;
    const NAME: &'static str = "AppConfig";
    const SIGNING_NAME: &'static str = "appconfig";
    const DIALECT: &'static Dialect = &wire::DIALECT;
    const ARN_SERVICE: Option<&'static str> = Some("appconfig");

    fn routes(&self) -> &Router<Op> {
        &wire::ROUTES
    }

    fn operation_name(&self, op: Op) -> &'static str {
        op.name()
    }

    /// Every operation reads at most the hosted configuration quota (with some slack); the
    /// upload of a hosted configuration is the one whose model declares its 413, with sizes
    /// (spec/appconfig.md §2.4).
    fn body_policy(&self, state: &AppState, op: Op) -> BodyPolicy {
        match op {
            Op::CreateHostedConfigurationVersion => BodyPolicy::Buffered {
                limit: state.max_body_bytes,
                too_large: wire::errors::payload_too_large,
            },
            _ => BodyPolicy::buffered(state.max_body_bytes),
        }
    }

    async fn call<'a>(&'a self, op: Op, call: Call<'a>) -> Result<AwsResponse, AwsError> {
        dispatch(call.state, call.scope, op, call.request, call.labels).await
    }
}

fn parse<T: Input>(request: &AwsRequest, labels: &Labels) -> Result<T, AwsError> {
    T::parse(request, labels)
}

fn tags(tags: Option<HashMap<String, String>>) -> BTreeMap<String, String> {
    tags.unwrap_or_default().into_iter().collect()
}

async fn dispatch(
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

        Op::CreateExtension => extensions::create(state, scope, parse(r, l)?).await,
        Op::GetExtension => extensions::get(state, scope, parse(r, l)?).await,
        Op::ListExtensions => extensions::list(state, scope, parse(r, l)?).await,
        Op::UpdateExtension => extensions::update(state, scope, parse(r, l)?).await,
        Op::DeleteExtension => extensions::delete(state, scope, parse(r, l)?).await,

        Op::CreateExtensionAssociation => extension_associations::create(state, scope, parse(r, l)?).await,
        Op::GetExtensionAssociation => extension_associations::get(state, scope, parse(r, l)?).await,
        Op::ListExtensionAssociations => extension_associations::list(state, scope, parse(r, l)?).await,
        Op::UpdateExtensionAssociation => extension_associations::update(state, scope, parse(r, l)?).await,
        Op::DeleteExtensionAssociation => extension_associations::delete(state, scope, parse(r, l)?).await,
    }
}
