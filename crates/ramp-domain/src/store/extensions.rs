//! What AppConfig's extensions keep: extension versions, associations, and the invocations
//! of actions recorded after the deployment transition that caused them.
//!
//! Extensions are stored one row per version (key: region, id, version number; the name is
//! unique per region across ids), associations one row each (key: region, id). Tags live under
//! the version's ARN (`{arn_base}{id}/{version}`) and the association's ARN.

use async_trait::async_trait;

use super::{Listed, Result, Slice};
use crate::entities::Tags;
use crate::extensions::{AssociationFilter, Extension, ExtensionAssociation, RecordedInvocation};

/// How a request names an extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtensionRef {
    Id(String),
    Name(String),
}

/// The number of the next version of an existing extension whose latest version is `actual`,
/// given the caller's `Latest-Version-Number` (the rule of `create_extension`, in one place for
/// every backend).
pub fn next_extension_version(latest_version_number: Option<i64>, actual: i64) -> Result<i64> {
    use super::{Conflict, Error, ResourceKind};
    match latest_version_number {
        None => Err(Error::Conflict(Conflict::AlreadyExists(ResourceKind::Extension))),
        Some(expected) if expected != actual => Err(Error::Conflict(Conflict::LatestVersion { expected, actual })),
        Some(_) => Ok(actual + 1),
    }
}

#[async_trait]
pub trait ExtensionStore: Send + Sync + 'static {
    /// Stores a new version of an extension and returns it as stored, with its tags under
    /// `{arn_base}{id}/{version}`:
    /// * no extension of the region has `new.name`: version 1 under `new.id`, unless
    ///   `latest_version_number` is given and not 0 (`Conflict(LatestVersion { expected, actual: 0 })`),
    ///   or the region already has `max` extensions (`QuotaExceeded`);
    /// * the name exists: version `latest + 1` under the existing id, when
    ///   `latest_version_number` is `Some(latest)`; `None` is
    ///   `Conflict(AlreadyExists(Extension))`, another number `Conflict(LatestVersion { expected, actual })`.
    ///
    /// `new.version_number` and (for an existing name) `new.id` are ignored.
    async fn create_extension(
        &self,
        new: &Extension,
        arn_base: &str,
        tags: &Tags,
        latest_version_number: Option<i64>,
        max: u64,
    ) -> Result<Extension>;
    /// The version `version` (the latest when `None`) of the extension `extension` names.
    async fn extension(
        &self,
        region: &str,
        extension: &ExtensionRef,
        version: Option<i64>,
    ) -> Result<Option<Extension>>;
    /// The latest version of each extension of the region, in order of creation of their first
    /// version, optionally only the one named `name`.
    async fn extensions(&self, region: &str, name: Option<&str>, slice: Slice) -> Result<Vec<Listed<Extension>>>;
    /// Stores the description, actions and parameters of the version `extension` names
    /// (`NotFound(Extension)` when it is gone).
    async fn update_extension(&self, extension: &Extension) -> Result<()>;
    /// Deletes one version with the tags under its ARN `arn`: `NotFound(Extension)` when it is
    /// gone, `HasChildren(ExtensionAssociation)` while an association uses that version.
    async fn delete_extension(&self, region: &str, id: &str, version: i64, arn: &str) -> Result<()>;

    /// Stores an association with its tags under `arn`. The extension version it names must
    /// exist (`NotFound(Extension)`), unless `extension_stored` is false (an AWS-authored
    /// extension, which ramp does not store); one association per extension and resource
    /// (`Conflict(AlreadyExists(ExtensionAssociation))`); at most `max` per region
    /// (`QuotaExceeded`).
    async fn create_extension_association(
        &self,
        association: &ExtensionAssociation,
        arn: &str,
        tags: &Tags,
        extension_stored: bool,
        max: u64,
    ) -> Result<()>;
    async fn extension_association(&self, region: &str, id: &str) -> Result<Option<ExtensionAssociation>>;
    /// Associations of the region matching `filter`, in creation order.
    async fn extension_associations(
        &self,
        region: &str,
        filter: &AssociationFilter,
        slice: Slice,
    ) -> Result<Vec<Listed<ExtensionAssociation>>>;
    /// Every association of the region on one of `resource_arns`, in creation order (what a
    /// deployment or a hosted version applies).
    async fn associations_of(&self, region: &str, resource_arns: &[String]) -> Result<Vec<ExtensionAssociation>>;
    /// Stores the association's parameters (`NotFound(ExtensionAssociation)` when it is gone).
    async fn update_extension_association(&self, association: &ExtensionAssociation) -> Result<()>;
    /// Deletes the association and the tags under `arn` (`NotFound(ExtensionAssociation)`).
    async fn delete_extension_association(&self, region: &str, id: &str, arn: &str) -> Result<()>;
    /// Deletes every association on `resource_arn` or an ARN below it (`{resource_arn}/…`),
    /// with their tags: what is left of a deleted application, environment or profile.
    async fn delete_associations_under(&self, region: &str, resource_arn: &str) -> Result<u64>;

    /// Records invocations, replacing one already recorded with the same deployment and
    /// `InvocationId` (a retry after a crash records its outcome once).
    async fn record_invocations(&self, invocations: &[RecordedInvocation]) -> Result<()>;
    /// The invocations recorded for a deployment, in the order they were first recorded.
    async fn invocations(
        &self,
        application_id: &str,
        environment_id: &str,
        deployment_number: i64,
    ) -> Result<Vec<RecordedInvocation>>;
}
