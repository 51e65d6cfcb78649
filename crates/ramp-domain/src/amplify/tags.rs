//! Tags on apps, branches and jobs, by ARN (`/tags/{resourceArn}`, routed here by the ARN's
//! service part).

use super::arn;
use super::service::{Amplify, MAX_TAGS};
use crate::arn::Scope;
use crate::entities::Tags;
use crate::error::{Error, Result};
use crate::store;

/// Amplify answers an unknown ARN with ResourceNotFoundException; the server picks that
/// exception for NotFound errors of the tag operations.
fn resource_not_found(arn: &str) -> Error {
    Error::NotFound {
        resource_name: arn.to_owned(),
        message: format!("Resource {arn} not found."),
    }
}

pub(super) fn check_count(tags: &Tags) -> Result<()> {
    if tags.len() > MAX_TAGS {
        return Err(Error::BadRequest(format!(
            "A resource can have at most {MAX_TAGS} tags; {} were given.",
            tags.len()
        )));
    }
    Ok(())
}

impl Amplify {
    pub async fn tag_resource(&self, scope: &Scope, resource_arn: &str, tags: Tags) -> Result<()> {
        let resource = arn::parse_taggable(scope, resource_arn).ok_or_else(|| resource_not_found(resource_arn))?;
        match self.store.tag(&resource, resource_arn, &tags, MAX_TAGS).await {
            Err(store::Error::NotFound(_)) => Err(resource_not_found(resource_arn)),
            Err(store::Error::QuotaExceeded) => Err(Error::BadRequest(format!(
                "A resource can have at most {MAX_TAGS} tags."
            ))),
            other => Ok(other?),
        }
    }

    pub async fn untag_resource(&self, scope: &Scope, resource_arn: &str, keys: &[String]) -> Result<()> {
        self.tags_of(scope, resource_arn).await?;
        Ok(self.store.untag(resource_arn, keys).await?)
    }

    /// The tags of an existing resource.
    pub async fn tags_of(&self, scope: &Scope, resource_arn: &str) -> Result<Tags> {
        let resource = arn::parse_taggable(scope, resource_arn).ok_or_else(|| resource_not_found(resource_arn))?;
        if !self.exists(&resource).await? {
            return Err(resource_not_found(resource_arn));
        }
        Ok(self.store.tags(resource_arn).await?)
    }

    async fn exists(&self, resource: &store::TaggedResource) -> Result<bool> {
        use store::TaggedResource as R;
        Ok(match resource {
            R::AmplifyApp { region, app_id } => self.store.app(region, app_id).await?.is_some(),
            R::AmplifyBranch {
                region,
                app_id,
                branch_name,
            } => self.store.branch(region, app_id, branch_name).await?.is_some(),
            R::AmplifyJob {
                region,
                app_id,
                branch_name,
                number,
            } => {
                let key = super::JobKey {
                    region: region.clone(),
                    app_id: app_id.clone(),
                    branch_name: branch_name.clone(),
                    number: *number,
                };
                self.store.job(&key).await?.is_some()
            }
            _ => false,
        })
    }
}
