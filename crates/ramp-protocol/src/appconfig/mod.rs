//! AWS AppConfig (`appconfig` 2019-10-09) on the wire: every operation of the model, its route,
//! the inputs ramp parses, the shapes it answers with and its errors. Written by hand with AWS
//! member names; `tests/model_conformance.rs` in the `ramp` crate checks this table against the
//! botocore model.

pub mod errors;
pub mod inputs;
pub mod shapes;

pub use errors::DIALECT;

crate::routing::operations! { "AppConfig";
    CreateApplication                POST   "/applications",
    CreateConfigurationProfile       POST   "/applications/{ApplicationId}/configurationprofiles",
    CreateDeploymentStrategy         POST   "/deploymentstrategies",
    CreateEnvironment                POST   "/applications/{ApplicationId}/environments",
    CreateExtension                  POST   "/extensions",
    CreateExtensionAssociation       POST   "/extensionassociations",
    CreateHostedConfigurationVersion POST   "/applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}/hostedconfigurationversions",
    DeleteApplication                DELETE "/applications/{ApplicationId}",
    DeleteConfigurationProfile       DELETE "/applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}",
    // The model really spells it "deployement" (spec/appconfig.md §1 "Path typo that must be honoured").
    DeleteDeploymentStrategy         DELETE "/deployementstrategies/{DeploymentStrategyId}",
    DeleteEnvironment                DELETE "/applications/{ApplicationId}/environments/{EnvironmentId}",
    DeleteExtension                  DELETE "/extensions/{ExtensionIdentifier}",
    DeleteExtensionAssociation       DELETE "/extensionassociations/{ExtensionAssociationId}",
    DeleteHostedConfigurationVersion DELETE "/applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}/hostedconfigurationversions/{VersionNumber}",
    GetAccountSettings               GET    "/settings",
    GetApplication                   GET    "/applications/{ApplicationId}",
    GetConfiguration                 GET    "/applications/{Application}/environments/{Environment}/configurations/{Configuration}",
    GetConfigurationProfile          GET    "/applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}",
    GetDeployment                    GET    "/applications/{ApplicationId}/environments/{EnvironmentId}/deployments/{DeploymentNumber}",
    GetDeploymentStrategy            GET    "/deploymentstrategies/{DeploymentStrategyId}",
    GetEnvironment                   GET    "/applications/{ApplicationId}/environments/{EnvironmentId}",
    GetExtension                     GET    "/extensions/{ExtensionIdentifier}",
    GetExtensionAssociation          GET    "/extensionassociations/{ExtensionAssociationId}",
    GetHostedConfigurationVersion    GET    "/applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}/hostedconfigurationversions/{VersionNumber}",
    ListApplications                 GET    "/applications",
    ListConfigurationProfiles        GET    "/applications/{ApplicationId}/configurationprofiles",
    ListDeploymentStrategies         GET    "/deploymentstrategies",
    ListDeployments                  GET    "/applications/{ApplicationId}/environments/{EnvironmentId}/deployments",
    ListEnvironments                 GET    "/applications/{ApplicationId}/environments",
    ListExtensionAssociations        GET    "/extensionassociations",
    ListExtensions                   GET    "/extensions",
    ListHostedConfigurationVersions  GET    "/applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}/hostedconfigurationversions",
    ListTagsForResource              GET    "/tags/{ResourceArn}",
    StartDeployment                  POST   "/applications/{ApplicationId}/environments/{EnvironmentId}/deployments",
    StopDeployment                   DELETE "/applications/{ApplicationId}/environments/{EnvironmentId}/deployments/{DeploymentNumber}",
    TagResource                      POST   "/tags/{ResourceArn}",
    UntagResource                    DELETE "/tags/{ResourceArn}",
    UpdateAccountSettings            PATCH  "/settings",
    UpdateApplication                PATCH  "/applications/{ApplicationId}",
    UpdateConfigurationProfile       PATCH  "/applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}",
    UpdateDeploymentStrategy         PATCH  "/deploymentstrategies/{DeploymentStrategyId}",
    UpdateEnvironment                PATCH  "/applications/{ApplicationId}/environments/{EnvironmentId}",
    UpdateExtension                  PATCH  "/extensions/{ExtensionIdentifier}",
    UpdateExtensionAssociation       PATCH  "/extensionassociations/{ExtensionAssociationId}",
    ValidateConfiguration            POST   "/applications/{ApplicationId}/configurationprofiles/{ConfigurationProfileId}/validators",
}
