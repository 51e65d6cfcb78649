//! The storage port: atomic domain operations that ramp's rules need, each one transaction.
//! SQLite (default) and PostgreSQL implement it; callers never see SQL (DESIGN.md "Storage").
//!
//! Rules that need atomicity live here as parameters (quota limits, the expected latest version
//! number) so that every implementation enforces them inside its transaction rather than with a
//! racy read-then-write in the caller.

use async_trait::async_trait;

use crate::deployment::{Alarm, DeployedContent, Deployment};
use crate::entities::{
    AccountSettings, Application, ConfigurationProfile, DeploymentStrategy, Environment, HostedVersion,
    HostedVersionInfo, NewHostedVersion, Tags,
};

/// What kind of resource a store error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    Application,
    Environment,
    ConfigurationProfile,
    HostedConfigurationVersion,
    DeploymentStrategy,
    Deployment,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Error {
    #[error("{0:?} not found")]
    NotFound(ResourceKind),
    /// A count quota passed as a parameter would be exceeded.
    #[error("quota exceeded")]
    QuotaExceeded,
    /// A compare-and-set precondition failed (e.g. `Latest-Version-Number`) or a unique value exists.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A delete was refused because children of this kind still exist.
    #[error("{0:?} still exist")]
    HasChildren(ResourceKind),
    /// The store itself failed (I/O, corruption, a bug): a 500 for the client.
    #[error("storage failure: {0}")]
    Unavailable(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// An item of a list with the position to continue after (an opaque, stable key).
#[derive(Debug, Clone, PartialEq)]
pub struct Listed<T> {
    pub cursor: i64,
    pub item: T,
}

/// A page request in store terms: items after `after` (exclusive), at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slice {
    pub after: Option<i64>,
    pub limit: usize,
}

/// Filter on hosted version labels: exact, or by prefix (`label*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelFilter {
    Exact(String),
    Prefix(String),
}

/// Who holds a lease, and until when (real time, epoch milliseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub holder: String,
    pub expires_at: ramp_clock::Timestamp,
}

/// A change committed by some process sharing the store, for processes that cache what they read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A deployment was started or saved.
    Deployment {
        application_id: String,
        environment_id: String,
        deployment_number: i64,
    },
    /// The feed was interrupted (a lost connection): changes may have been missed, so
    /// everything cached must be read again.
    Missed,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    // ---- applications ----
    /// Inserts `app` with its tags (stored under `arn`) unless the region already has `max` applications.
    async fn create_application(&self, app: &Application, arn: &str, tags: &Tags, max: u64) -> Result<()>;
    async fn application(&self, region: &str, id: &str) -> Result<Option<Application>>;
    /// Applications of a region in creation order.
    async fn applications(&self, region: &str, slice: Slice) -> Result<Vec<Listed<Application>>>;
    async fn update_application(&self, app: &Application) -> Result<()>;
    /// Deletes the application and the tags under `arn`; refuses while environments or profiles exist.
    async fn delete_application(&self, region: &str, id: &str, arn: &str) -> Result<()>;

    // ---- environments ----
    async fn create_environment(
        &self,
        env: &Environment,
        arn: &str,
        tags: &Tags,
        max_per_application: u64,
    ) -> Result<()>;
    async fn environment(&self, application_id: &str, id: &str) -> Result<Option<Environment>>;
    async fn environments(&self, application_id: &str, slice: Slice) -> Result<Vec<Listed<Environment>>>;
    /// Stores an environment's name, description and monitors. Its state belongs to its
    /// deployments and its last access to `record_access`, so a concurrent change of either is
    /// never overwritten by an update made from an older read.
    async fn update_environment(&self, env: &Environment) -> Result<()>;
    /// Deletes the environment, its deployments (with their content and tags) and its tags;
    /// fails with `Conflict` while a deployment is in progress.
    async fn delete_environment(&self, application_id: &str, id: &str, arn: &str) -> Result<()>;

    // ---- configuration profiles ----
    async fn create_configuration_profile(
        &self,
        profile: &ConfigurationProfile,
        arn: &str,
        tags: &Tags,
        max_per_application: u64,
    ) -> Result<()>;
    async fn configuration_profile(&self, application_id: &str, id: &str) -> Result<Option<ConfigurationProfile>>;
    /// Profiles of an application in creation order, optionally only those of one `Type`.
    async fn configuration_profiles(
        &self,
        application_id: &str,
        profile_type: Option<&str>,
        slice: Slice,
    ) -> Result<Vec<Listed<ConfigurationProfile>>>;
    /// Stores a profile's editable members; its last access belongs to `record_access`.
    async fn update_configuration_profile(&self, profile: &ConfigurationProfile) -> Result<()>;
    /// Deletes the profile and its tags; refuses while hosted versions exist.
    async fn delete_configuration_profile(&self, application_id: &str, id: &str, arn: &str) -> Result<()>;

    // ---- hosted configuration versions ----
    /// Stores a new version numbered one past the highest number the profile ever had (numbers
    /// are never reused). With `expected_latest`, fails with `Conflict` unless the profile's
    /// latest existing version number equals it. Fails with `Conflict` when the label is taken
    /// and `QuotaExceeded` when the region's hosted content would exceed `max_total_bytes`.
    async fn create_hosted_version(
        &self,
        region: &str,
        version: &NewHostedVersion,
        expected_latest: Option<i64>,
        max_total_bytes: u64,
    ) -> Result<HostedVersionInfo>;
    async fn hosted_version(
        &self,
        application_id: &str,
        profile_id: &str,
        number: i64,
    ) -> Result<Option<HostedVersion>>;
    async fn hosted_version_by_label(
        &self,
        application_id: &str,
        profile_id: &str,
        label: &str,
    ) -> Result<Option<HostedVersion>>;
    /// The profile's highest-numbered existing version.
    async fn latest_hosted_version(&self, application_id: &str, profile_id: &str) -> Result<Option<HostedVersion>>;
    /// Versions newest first; the cursor is the version number.
    async fn hosted_versions(
        &self,
        application_id: &str,
        profile_id: &str,
        label: Option<&LabelFilter>,
        slice: Slice,
    ) -> Result<Vec<Listed<HostedVersionInfo>>>;
    async fn delete_hosted_version(&self, application_id: &str, profile_id: &str, number: i64) -> Result<()>;

    // ---- deployment strategies (custom ones; the predefined ones are not stored) ----
    async fn create_deployment_strategy(
        &self,
        strategy: &DeploymentStrategy,
        arn: &str,
        tags: &Tags,
        max: u64,
    ) -> Result<()>;
    async fn deployment_strategy(&self, region: &str, id: &str) -> Result<Option<DeploymentStrategy>>;
    async fn deployment_strategies(&self, region: &str, slice: Slice) -> Result<Vec<Listed<DeploymentStrategy>>>;
    async fn update_deployment_strategy(&self, strategy: &DeploymentStrategy) -> Result<()>;
    async fn delete_deployment_strategy(&self, region: &str, id: &str, arn: &str) -> Result<()>;

    // ---- deployments ----
    /// Starts a deployment in one transaction: fails with `NotFound(Environment)` when the
    /// environment is gone and with `Conflict` when it has a deployment in progress
    /// (`DeploymentState::is_in_progress`); otherwise numbers it one past the environment's
    /// highest deployment number (ignoring `deployment.deployment_number`), stores it with its
    /// content and tags (under `{environment_arn}/deployment/{number}`), sets the environment's
    /// state to DEPLOYING, and returns the stored deployment.
    async fn start_deployment(
        &self,
        deployment: &Deployment,
        content: &DeployedContent,
        environment_arn: &str,
        tags: &Tags,
    ) -> Result<Deployment>;
    async fn deployment(&self, application_id: &str, environment_id: &str, number: i64) -> Result<Option<Deployment>>;
    /// Deployments of an environment, newest first; the cursor is the deployment number.
    async fn deployments(
        &self,
        application_id: &str,
        environment_id: &str,
        slice: Slice,
    ) -> Result<Vec<Listed<Deployment>>>;
    /// Stores a deployment's progress (state, percentage, completion time, event log, next due
    /// time) if its stored revision still equals `deployment.revision` (else `Conflict`), with
    /// `revision + 1`; what it deployed, and how, never changes after the start. Sets the
    /// environment's state in the same transaction when `environment_state` is given. Returns
    /// the deployment as stored.
    async fn update_deployment(
        &self,
        deployment: &Deployment,
        environment_state: Option<crate::entities::EnvironmentState>,
    ) -> Result<Deployment>;
    /// Deployments whose `next_due_at` is at or before `now`, earliest first, at most `limit`.
    async fn due_deployments(&self, now: ramp_clock::Timestamp, limit: usize) -> Result<Vec<Deployment>>;
    /// The earliest `next_due_at` of any deployment.
    async fn next_due_at(&self) -> Result<Option<ramp_clock::Timestamp>>;
    /// Every deployment whose state is in progress.
    async fn in_progress_deployments(&self) -> Result<Vec<Deployment>>;
    /// The content a deployment delivers.
    async fn deployed_content(
        &self,
        application_id: &str,
        environment_id: &str,
        number: i64,
    ) -> Result<Option<DeployedContent>>;

    /// Marks an environment and a profile as used to retrieve configuration at `at` (deletion
    /// protection, spec/appconfig.md §9); never moves a later mark back. Missing rows are ignored.
    async fn record_access(
        &self,
        application_id: &str,
        environment_id: &str,
        profile_id: &str,
        at: ramp_clock::Timestamp,
    ) -> Result<()>;

    // ---- alarms (global, by name) ----
    async fn put_alarm(&self, alarm: &Alarm) -> Result<()>;
    async fn alarm(&self, name: &str) -> Result<Option<Alarm>>;
    async fn alarms(&self) -> Result<Vec<Alarm>>;

    // ---- tags, by resource ARN ----
    async fn tags(&self, arn: &str) -> Result<Tags>;
    /// Adds or replaces tags; fails with `QuotaExceeded` when the resource would carry more than `max`.
    async fn tag(&self, arn: &str, tags: &Tags, max: usize) -> Result<()>;
    async fn untag(&self, arn: &str, keys: &[String]) -> Result<()>;

    // ---- account settings, per region ----
    async fn account_settings(&self, region: &str) -> Result<Option<AccountSettings>>;
    async fn put_account_settings(&self, region: &str, settings: &AccountSettings) -> Result<()>;

    // ---- server secrets ----
    /// Returns the secret stored under `name`, storing `candidate` first if there is none, so
    /// every node and every restart signs with the same key.
    async fn secret(&self, name: &str, candidate: &[u8]) -> Result<Vec<u8>>;

    // ---- coordination of the nodes sharing this store ----
    /// Takes or renews the lease `name` for `holder` until `now + ttl_millis`, if it is free,
    /// expired at `now`, or already held by `holder`; returns whether `holder` now holds it.
    /// `now` is real time (never a scaled or manual ramp clock), so the clocks of nodes sharing
    /// a store must agree to within a fraction of the lease.
    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: ramp_clock::Timestamp,
        ttl_millis: i64,
    ) -> Result<bool>;
    /// Ends `holder`'s lease `name` at once (a clean shutdown hands over without waiting);
    /// does nothing when someone else holds it.
    async fn release_lease(&self, name: &str, holder: &str) -> Result<()>;
    async fn lease(&self, name: &str) -> Result<Option<Lease>>;

    /// The changes other processes sharing this store commit, from now on; `None` when the store
    /// belongs to this process alone (whose own callers already see every change).
    fn changes(&self) -> Option<tokio::sync::broadcast::Receiver<Change>> {
        None
    }
}
