//! Tags on any taggable AppConfig resource, addressed by ARN (spec/appconfig.md §16 "Tagging").

use super::{AppConfig, MAX_TAGS};
use crate::arn::{Resource, Scope};
use crate::entities::Tags;
use crate::error::{Error, Result};
use crate::store;

impl AppConfig {
    /// Checks that `arn` names an existing resource of this scope.
    async fn tagged_resource(&self, scope: &Scope, arn: &str) -> Result<()> {
        let not_found = || Error::NotFound {
            resource_name: arn.to_owned(),
            message: format!("Resource {arn} could not be found."),
        };
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

    pub async fn tag(&self, scope: &Scope, arn: &str, tags: Tags) -> Result<()> {
        self.tagged_resource(scope, arn).await?;
        match self.store.tag(arn, &tags, MAX_TAGS).await {
            Err(store::Error::QuotaExceeded) => Err(Error::BadRequest(format!(
                "A resource can carry at most {MAX_TAGS} tags; {arn} would exceed that."
            ))),
            other => Ok(other?),
        }
    }

    pub async fn untag(&self, scope: &Scope, arn: &str, keys: &[String]) -> Result<()> {
        self.tagged_resource(scope, arn).await?;
        Ok(self.store.untag(arn, keys).await?)
    }
}
