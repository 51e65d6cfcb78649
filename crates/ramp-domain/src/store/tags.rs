//! Tags, by resource ARN: shared by every service ramp hosts (`/tags/{ResourceArn}` names the
//! resource by ARN whatever its service).

use async_trait::async_trait;

use super::Result;
use crate::entities::Tags;

/// The stored resource an ARN names, which a tag write checks inside its transaction: a
/// resource deleted meanwhile is refused with `NotFound` rather than left with orphan tags.
/// Each service adds its taggable kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaggedResource {
    Application {
        region: String,
        id: String,
    },
    Environment {
        region: String,
        application_id: String,
        id: String,
    },
    ConfigurationProfile {
        region: String,
        application_id: String,
        id: String,
    },
    DeploymentStrategy {
        region: String,
        id: String,
    },
    Deployment {
        region: String,
        application_id: String,
        environment_id: String,
        number: i64,
    },
    /// One version of an extension.
    Extension {
        region: String,
        id: String,
        version: i64,
    },
    ExtensionAssociation {
        region: String,
        id: String,
    },
    AmplifyApp {
        region: String,
        app_id: String,
    },
    AmplifyBranch {
        region: String,
        app_id: String,
        branch_name: String,
    },
    AmplifyJob {
        region: String,
        app_id: String,
        branch_name: String,
        number: i64,
    },
    /// A resource ramp defines without storing it (AWS's predefined deployment strategies):
    /// always there, never deleted, nothing to check.
    Predefined,
}

#[async_trait]
pub trait TagStore: Send + Sync + 'static {
    async fn tags(&self, arn: &str) -> Result<Tags>;
    /// Adds or replaces tags on `arn`, the ARN of `resource`: fails with `NotFound` unless
    /// `resource` exists (checked in the same transaction, so a delete cannot slip in between),
    /// and with `QuotaExceeded` when the resource would carry more than `max`.
    async fn tag(&self, resource: &TaggedResource, arn: &str, tags: &Tags, max: usize) -> Result<()>;
    async fn untag(&self, arn: &str, keys: &[String]) -> Result<()>;
}
