//! What AppConfig keeps: applications, environments, configuration profiles, hosted versions,
//! deployment strategies, deployments and their alarms, and per-region account settings.

use async_trait::async_trait;
use ramp_clock::Timestamp;

use super::{DeploymentWrite, LabelFilter, Listed, Result, Slice};
use crate::deployment::{Alarm, DeployedContent, Deployment, DeploymentState};
use crate::entities::{
    AccountSettings, Application, ConfigurationProfile, DeploymentStrategy, Environment, EnvironmentState,
    HostedVersion, HostedVersionInfo, NewHostedVersion, Tags,
};

/// How many of an alarm's past states its history keeps (the newest).
pub const ALARM_HISTORY_KEPT: usize = 100;

#[async_trait]
pub trait AppConfigStore: Send + Sync + 'static {
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
    /// fails with `DeletionProtected` when it was last used to retrieve configuration after
    /// `protected_if_accessed_after` (deletion protection, decided in the delete's transaction
    /// so that an access recorded meanwhile counts), and with `Conflict::DeploymentInProgress`
    /// while a deployment is in progress.
    async fn delete_environment(
        &self,
        application_id: &str,
        id: &str,
        arn: &str,
        protected_if_accessed_after: Option<Timestamp>,
    ) -> Result<()>;

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
    /// Deletes the profile and its tags; fails with `DeletionProtected` when it was last used to
    /// retrieve configuration after `protected_if_accessed_after` (as `delete_environment`), and
    /// with `HasChildren` while hosted versions exist.
    async fn delete_configuration_profile(
        &self,
        application_id: &str,
        id: &str,
        arn: &str,
        protected_if_accessed_after: Option<Timestamp>,
    ) -> Result<()>;

    // ---- hosted configuration versions ----
    /// Stores a new version numbered one past the highest number the profile ever had (numbers
    /// are never reused). With `expected_latest`, fails with `Conflict::LatestVersion` unless the
    /// profile's latest existing version number equals it. Fails with `Conflict::LabelTaken` when
    /// the label is taken and `QuotaExceeded` when the region's hosted content would exceed `max_total_bytes`.
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
    /// [`Self::start_deployment_with`] with no outbox message: for tests and tools, never for a
    /// transition clients or extensions must hear of.
    async fn start_deployment(
        &self,
        deployment: &Deployment,
        content: &DeployedContent,
        environment_arn: &str,
        tags: &Tags,
    ) -> Result<Deployment> {
        self.start_deployment_with(deployment, content, environment_arn, tags, &DeploymentWrite::default())
            .await
    }
    /// Starts a deployment in one transaction: fails with `NotFound(Environment)` when the
    /// environment is gone and with `Conflict::DeploymentInProgress` when it has one in progress
    /// (`DeploymentState::is_in_progress`); otherwise numbers it one past the environment's
    /// highest deployment number (ignoring `deployment.deployment_number`), stores it with its
    /// content and tags (under `{environment_arn}/deployment/{number}`) and `write.outbox`'s
    /// messages (keyed by that number, revision 0), sets the environment's state to DEPLOYING,
    /// and returns the stored deployment. A refused start writes no outbox message.
    async fn start_deployment_with(
        &self,
        deployment: &Deployment,
        content: &DeployedContent,
        environment_arn: &str,
        tags: &Tags,
        write: &DeploymentWrite,
    ) -> Result<Deployment>;
    async fn deployment(&self, application_id: &str, environment_id: &str, number: i64) -> Result<Option<Deployment>>;
    /// Deployments of an environment, newest first; the cursor is the deployment number.
    async fn deployments(
        &self,
        application_id: &str,
        environment_id: &str,
        slice: Slice,
    ) -> Result<Vec<Listed<Deployment>>>;
    /// [`Self::update_deployment_with`] with no outbox message or precondition: for tests and
    /// tools, never for a transition clients or extensions must hear of.
    async fn update_deployment(
        &self,
        deployment: &Deployment,
        environment_state: Option<EnvironmentState>,
    ) -> Result<Deployment> {
        self.update_deployment_with(deployment, environment_state, &DeploymentWrite::default())
            .await
    }
    /// Stores a deployment's progress (state, percentage, completion time, event log, next due
    /// time) if its stored revision still equals `deployment.revision` (else
    /// `Conflict::RevisionChanged`), with
    /// `revision + 1`; what it deployed, and how, never changes after the start. Sets the
    /// environment's state in the same transaction when `environment_state` is given. Checks
    /// `write.precondition` in that transaction after locking the environment (else
    /// `Refused`), and stores `write.outbox`'s messages keyed by the new revision. Returns
    /// the deployment as stored; a refused update writes nothing.
    async fn update_deployment_with(
        &self,
        deployment: &Deployment,
        environment_state: Option<EnvironmentState>,
        write: &DeploymentWrite,
    ) -> Result<Deployment>;
    /// Deployments whose `next_due_at` is at or before `now`, earliest first, at most `limit`.
    async fn due_deployments(&self, now: ramp_clock::Timestamp, limit: usize) -> Result<Vec<Deployment>>;
    /// The earliest `next_due_at` of any deployment.
    async fn next_due_at(&self) -> Result<Option<ramp_clock::Timestamp>>;
    /// Every deployment whose state is in progress.
    async fn in_progress_deployments(&self) -> Result<Vec<Deployment>>;
    /// How many deployments are in each state, in every region (states with none left out).
    async fn deployment_counts(&self) -> Result<Vec<(DeploymentState, u64)>>;
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
    /// Stores the alarm's state and, in the same transaction, appends it to the alarm's
    /// history (which keeps the newest [`ALARM_HISTORY_KEPT`] entries per alarm).
    async fn put_alarm(&self, alarm: &Alarm) -> Result<()>;
    async fn alarm(&self, name: &str) -> Result<Option<Alarm>>;
    async fn alarms(&self) -> Result<Vec<Alarm>>;
    /// The states alarm `name` was put in, newest first, at most `limit` of them.
    async fn alarm_history(&self, name: &str, limit: usize) -> Result<Vec<Alarm>>;

    // ---- account settings, per region ----
    async fn account_settings(&self, region: &str) -> Result<Option<AccountSettings>>;
    async fn put_account_settings(&self, region: &str, settings: &AccountSettings) -> Result<()>;
}
