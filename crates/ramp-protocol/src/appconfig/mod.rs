//! AWS AppConfig (`appconfig` 2019-10-09) on the wire: every operation of the model, its route,
//! the inputs ramp parses and the shapes it answers with. Written by hand with AWS member names;
//! `tests/model_conformance.rs` in the `ramp` crate checks this table against the botocore model.

pub mod inputs;
pub mod shapes;

use std::sync::LazyLock;

use http::Method;

use crate::routing::{Route, Router};

macro_rules! operations {
    ($( ($method:ident, $template:literal, $op:ident) ),* $(,)?) => {
        /// Every operation of the AppConfig model.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Op { $($op),* }

        impl Op {
            pub const ALL: &'static [Op] = &[$(Op::$op),*];

            /// The operation's name in the model.
            pub fn name(self) -> &'static str {
                match self { $(Op::$op => stringify!($op)),* }
            }
        }

        /// The route table, straight from the model's `http` traits.
        pub static ROUTES: LazyLock<Router<Op>> = LazyLock::new(|| Router::new(&[
            $(Route { method: Method::$method, template: $template, op: Op::$op }),*
        ]));
    };
}

operations![
    (POST, "/applications", CreateApplication),
    (
        POST,
        "/applications/{ApplicationId}/configurationprofiles",
        CreateConfigurationProfile
    ),
    (POST, "/deploymentstrategies", CreateDeploymentStrategy),
    (POST, "/applications/{ApplicationId}/environments", CreateEnvironment),
    (POST, "/extensions", CreateExtension),
    (POST, "/extensionassociations", CreateExtensionAssociation),
    (
        POST,
        "/applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}/hostedconfigurationversions",
        CreateHostedConfigurationVersion
    ),
    (DELETE, "/applications/{ApplicationId}", DeleteApplication),
    (
        DELETE,
        "/applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}",
        DeleteConfigurationProfile
    ),
    // The model really spells it "deployement" (spec/appconfig.md §1 "Path typo that must be honoured").
    (
        DELETE,
        "/deployementstrategies/{DeploymentStrategyId}",
        DeleteDeploymentStrategy
    ),
    (
        DELETE,
        "/applications/{ApplicationId}/environments/{EnvironmentId}",
        DeleteEnvironment
    ),
    (DELETE, "/extensions/{ExtensionIdentifier}", DeleteExtension),
    (
        DELETE,
        "/extensionassociations/{ExtensionAssociationId}",
        DeleteExtensionAssociation
    ),
    (
        DELETE,
        "/applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}/hostedconfigurationversions/{VersionNumber}",
        DeleteHostedConfigurationVersion
    ),
    (GET, "/settings", GetAccountSettings),
    (GET, "/applications/{ApplicationId}", GetApplication),
    (
        GET,
        "/applications/{Application}/environments/{Environment}/configurations/{Configuration}",
        GetConfiguration
    ),
    (
        GET,
        "/applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}",
        GetConfigurationProfile
    ),
    (
        GET,
        "/applications/{ApplicationId}/environments/{EnvironmentId}/deployments/{DeploymentNumber}",
        GetDeployment
    ),
    (
        GET,
        "/deploymentstrategies/{DeploymentStrategyId}",
        GetDeploymentStrategy
    ),
    (
        GET,
        "/applications/{ApplicationId}/environments/{EnvironmentId}",
        GetEnvironment
    ),
    (GET, "/extensions/{ExtensionIdentifier}", GetExtension),
    (
        GET,
        "/extensionassociations/{ExtensionAssociationId}",
        GetExtensionAssociation
    ),
    (
        GET,
        "/applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}/hostedconfigurationversions/{VersionNumber}",
        GetHostedConfigurationVersion
    ),
    (GET, "/applications", ListApplications),
    (
        GET,
        "/applications/{ApplicationId}/configurationprofiles",
        ListConfigurationProfiles
    ),
    (GET, "/deploymentstrategies", ListDeploymentStrategies),
    (
        GET,
        "/applications/{ApplicationId}/environments/{EnvironmentId}/deployments",
        ListDeployments
    ),
    (GET, "/applications/{ApplicationId}/environments", ListEnvironments),
    (GET, "/extensionassociations", ListExtensionAssociations),
    (GET, "/extensions", ListExtensions),
    (
        GET,
        "/applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}/hostedconfigurationversions",
        ListHostedConfigurationVersions
    ),
    (GET, "/tags/{ResourceArn}", ListTagsForResource),
    (
        POST,
        "/applications/{ApplicationId}/environments/{EnvironmentId}/deployments",
        StartDeployment
    ),
    (
        DELETE,
        "/applications/{ApplicationId}/environments/{EnvironmentId}/deployments/{DeploymentNumber}",
        StopDeployment
    ),
    (POST, "/tags/{ResourceArn}", TagResource),
    (DELETE, "/tags/{ResourceArn}", UntagResource),
    (PATCH, "/settings", UpdateAccountSettings),
    (PATCH, "/applications/{ApplicationId}", UpdateApplication),
    (
        PATCH,
        "/applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}",
        UpdateConfigurationProfile
    ),
    (
        PATCH,
        "/deploymentstrategies/{DeploymentStrategyId}",
        UpdateDeploymentStrategy
    ),
    (
        PATCH,
        "/applications/{ApplicationId}/environments/{EnvironmentId}",
        UpdateEnvironment
    ),
    (PATCH, "/extensions/{ExtensionIdentifier}", UpdateExtension),
    (
        PATCH,
        "/extensionassociations/{ExtensionAssociationId}",
        UpdateExtensionAssociation
    ),
    (
        POST,
        "/applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}/validators",
        ValidateConfiguration
    ),
];
