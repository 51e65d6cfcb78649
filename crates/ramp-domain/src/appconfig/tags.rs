//! Tags on any taggable AppConfig resource, addressed by ARN (spec/appconfig.md §16 "Tagging").

use super::{AppConfig, MAX_TAGS, predefined_strategies};
use crate::arn::{Resource, Scope};
use crate::entities::Tags;
use crate::error::{Error, Result};
use crate::store::{self, TaggedResource};

fn resource_not_found(arn: &str) -> Error {
    Error::NotFound {
        resource_name: arn.to_owned(),
        message: format!("Resource {arn} could not be found."),
    }
}

/// The stored resource `arn` names, for the store to check in the tag write's transaction.
fn stored_resource(scope: &Scope, arn: &str) -> Result<TaggedResource> {
    let region = scope.region.clone();
    Ok(match scope.parse_arn(arn).ok_or_else(|| resource_not_found(arn))? {
        Resource::Application { application_id } => TaggedResource::Application {
            region,
            id: application_id,
        },
        Resource::Environment {
            application_id,
            environment_id,
        } => TaggedResource::Environment {
            region,
            application_id,
            id: environment_id,
        },
        Resource::ConfigurationProfile {
            application_id,
            profile_id,
        } => TaggedResource::ConfigurationProfile {
            region,
            application_id,
            id: profile_id,
        },
        Resource::DeploymentStrategy { strategy_id } => {
            if predefined_strategies(&scope.region).iter().any(|s| s.id == strategy_id) {
                TaggedResource::Predefined
            } else {
                TaggedResource::DeploymentStrategy {
                    region,
                    id: strategy_id,
                }
            }
        }
        Resource::Deployment {
            application_id,
            environment_id,
            deployment_number,
        } => TaggedResource::Deployment {
            region,
            application_id,
            environment_id,
            number: deployment_number,
        },
        Resource::Extension {
            extension_id,
            version_number,
        } => TaggedResource::Extension {
            region,
            id: extension_id,
            version: version_number,
        },
        Resource::ExtensionAssociation { association_id } => TaggedResource::ExtensionAssociation {
            region,
            id: association_id,
        },
    })
}

impl AppConfig {
    /// Checks that `arn` names an existing resource of this scope.
    async fn tagged_resource(&self, scope: &Scope, arn: &str) -> Result<()> {
        let not_found = || resource_not_found(arn);
        let resource = scope.parse_arn(arn).ok_or_else(not_found)?;
        let found = match &resource {
            Resource::Application { application_id } => self.application(scope, application_id).await.map(|_| ()),
            Resource::Environment {
                application_id,
                environment_id,
            } => self
                .environment(scope, application_id, environment_id)
                .await
                .map(|_| ()),
            Resource::ConfigurationProfile {
                application_id,
                profile_id,
            } => self
                .configuration_profile(scope, application_id, profile_id)
                .await
                .map(|_| ()),
            Resource::DeploymentStrategy { strategy_id } => {
                self.deployment_strategy(scope, strategy_id).await.map(|_| ())
            }
            Resource::Deployment {
                application_id,
                environment_id,
                deployment_number,
            } => self
                .deployment(scope, application_id, environment_id, *deployment_number)
                .await
                .map(|_| ()),
            Resource::Extension {
                extension_id,
                version_number,
            } => self
                .stored_extension(scope, extension_id, Some(*version_number))
                .await
                .map(|_| ()),
            Resource::ExtensionAssociation { association_id } => {
                self.extension_association(scope, association_id).await.map(|_| ())
            }
        };
        found.map_err(|e| match e {
            Error::NotFound { .. } => not_found(),
            other => other,
        })
    }

    pub async fn tags(&self, scope: &Scope, arn: &str) -> Result<Tags> {
        self.tagged_resource(scope, arn).await?;
        Ok(self.store.tags(arn).await?)
    }

    /// The resource's existence is checked by the store in the write's transaction: tags are
    /// never written for a resource deleted meanwhile.
    pub async fn tag(&self, scope: &Scope, arn: &str, tags: Tags) -> Result<()> {
        let resource = stored_resource(scope, arn)?;
        match self.store.tag(&resource, arn, &tags, MAX_TAGS).await {
            Err(store::Error::QuotaExceeded) => Err(Error::BadRequest(format!(
                "A resource can carry at most {MAX_TAGS} tags; {arn} would exceed that."
            ))),
            Err(store::Error::NotFound(_)) => Err(resource_not_found(arn)),
            other => Ok(other?),
        }
    }

    pub async fn untag(&self, scope: &Scope, arn: &str, keys: &[String]) -> Result<()> {
        self.tagged_resource(scope, arn).await?;
        Ok(self.store.untag(arn, keys).await?)
    }
}
