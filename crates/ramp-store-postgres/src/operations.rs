//! The store traits for `PostgresStore`: each call is one statement on the pool or one transaction
//! (READ COMMITTED), whose SQL lives in the resource's file. A transaction is committed only
//! when its work succeeded; on any error it is dropped, which rolls it back.

use async_trait::async_trait;
use ramp_clock::Timestamp;
use ramp_domain::deployment::{Alarm, DeployedContent, Deployment, DeploymentState};
use ramp_domain::entities::{
    AccountSettings, Application, ConfigurationProfile, DeploymentStrategy, Environment, EnvironmentState,
    HostedVersion, HostedVersionInfo, NewHostedVersion, Tags,
};
use ramp_domain::store::{
    AppConfigStore, Change, ClusterStore, DeploymentWrite, Error, LabelFilter, Lease, Listed, Precondition, Result,
    Slice, TagStore, TaggedResource,
};
use tokio::sync::broadcast;

use crate::sql::json;
use crate::store::PostgresStore;
use crate::{
    alarms, applications, configuration_profiles, deployment_strategies, deployments, environments, hosted_versions,
    leases, outbox, settings, tags,
};

/// A deployment's JSON columns.
fn encode(deployment: &Deployment) -> Result<deployments::Encoded> {
    Ok(deployments::Encoded {
        event_log: json(&deployment.event_log)?,
        monitors: json(&deployment.monitors)?,
        applied_extensions: json(&deployment.applied_extensions)?,
    })
}

#[async_trait]
impl AppConfigStore for PostgresStore {
    // ---- applications ----

    async fn create_application(&self, app: &Application, arn: &str, tags: &Tags, max: u64) -> Result<()> {
        transaction!(self, |conn| applications::create(conn, app, arn, tags, max))
    }

    async fn application(&self, region: &str, id: &str) -> Result<Option<Application>> {
        applications::get(&self.pool, region, id).await
    }

    async fn applications(&self, region: &str, slice: Slice) -> Result<Vec<Listed<Application>>> {
        applications::list(&self.pool, region, slice).await
    }

    async fn update_application(&self, app: &Application) -> Result<()> {
        applications::update(&self.pool, app).await
    }

    async fn delete_application(&self, region: &str, id: &str, arn: &str) -> Result<()> {
        transaction!(self, |conn| applications::delete(conn, region, id, arn))
    }

    // ---- environments ----

    async fn create_environment(
        &self,
        env: &Environment,
        arn: &str,
        tags: &Tags,
        max_per_application: u64,
    ) -> Result<()> {
        let monitors = json(&env.monitors)?;
        transaction!(self, |conn| environments::create(
            conn,
            env,
            &monitors,
            arn,
            tags,
            max_per_application
        ))
    }

    async fn environment(&self, application_id: &str, id: &str) -> Result<Option<Environment>> {
        environments::get(&self.pool, application_id, id).await
    }

    async fn environments(&self, application_id: &str, slice: Slice) -> Result<Vec<Listed<Environment>>> {
        environments::list(&self.pool, application_id, slice).await
    }

    async fn update_environment(&self, env: &Environment) -> Result<()> {
        let monitors = json(&env.monitors)?;
        environments::update(&self.pool, env, &monitors).await
    }

    async fn delete_environment(
        &self,
        application_id: &str,
        id: &str,
        arn: &str,
        protected_if_accessed_after: Option<Timestamp>,
    ) -> Result<()> {
        transaction!(self, |conn| environments::delete(
            conn,
            application_id,
            id,
            arn,
            protected_if_accessed_after
        ))
    }

    // ---- configuration profiles ----

    async fn create_configuration_profile(
        &self,
        profile: &ConfigurationProfile,
        arn: &str,
        tags: &Tags,
        max_per_application: u64,
    ) -> Result<()> {
        let validators = json(&profile.validators)?;
        transaction!(self, |conn| configuration_profiles::create(
            conn,
            profile,
            &validators,
            arn,
            tags,
            max_per_application
        ))
    }

    async fn configuration_profile(&self, application_id: &str, id: &str) -> Result<Option<ConfigurationProfile>> {
        configuration_profiles::get(&self.pool, application_id, id).await
    }

    async fn configuration_profiles(
        &self,
        application_id: &str,
        profile_type: Option<&str>,
        slice: Slice,
    ) -> Result<Vec<Listed<ConfigurationProfile>>> {
        configuration_profiles::list(&self.pool, application_id, profile_type, slice).await
    }

    async fn update_configuration_profile(&self, profile: &ConfigurationProfile) -> Result<()> {
        let validators = json(&profile.validators)?;
        configuration_profiles::update(&self.pool, profile, &validators).await
    }

    async fn delete_configuration_profile(
        &self,
        application_id: &str,
        id: &str,
        arn: &str,
        protected_if_accessed_after: Option<Timestamp>,
    ) -> Result<()> {
        transaction!(self, |conn| configuration_profiles::delete(
            conn,
            application_id,
            id,
            arn,
            protected_if_accessed_after
        ))
    }

    // ---- hosted configuration versions ----

    /// `expected_latest` is compared with the highest existing version number, taken as 0 when
    /// the profile has no versions: `Some(0)` succeeds exactly when no version exists. The new
    /// version's `kms_key_arn` is the profile's `kms_key_identifier` at creation time.
    async fn create_hosted_version(
        &self,
        region: &str,
        version: &NewHostedVersion,
        expected_latest: Option<i64>,
        max_total_bytes: u64,
    ) -> Result<HostedVersionInfo> {
        transaction!(self, |conn| hosted_versions::create(
            conn,
            region,
            version.clone(),
            expected_latest,
            max_total_bytes
        ))
    }

    async fn hosted_version(
        &self,
        application_id: &str,
        profile_id: &str,
        number: i64,
    ) -> Result<Option<HostedVersion>> {
        hosted_versions::get_one(&self.pool, application_id, profile_id, number).await
    }

    async fn hosted_version_by_label(
        &self,
        application_id: &str,
        profile_id: &str,
        label: &str,
    ) -> Result<Option<HostedVersion>> {
        hosted_versions::by_label(&self.pool, application_id, profile_id, label).await
    }

    async fn latest_hosted_version(&self, application_id: &str, profile_id: &str) -> Result<Option<HostedVersion>> {
        hosted_versions::latest(&self.pool, application_id, profile_id).await
    }

    async fn hosted_versions(
        &self,
        application_id: &str,
        profile_id: &str,
        label: Option<&LabelFilter>,
        slice: Slice,
    ) -> Result<Vec<Listed<HostedVersionInfo>>> {
        hosted_versions::list(&self.pool, application_id, profile_id, label, slice).await
    }

    async fn delete_hosted_version(&self, application_id: &str, profile_id: &str, number: i64) -> Result<()> {
        transaction!(self, |conn| hosted_versions::delete(
            conn,
            application_id,
            profile_id,
            number
        ))
    }

    // ---- deployment strategies ----

    async fn create_deployment_strategy(
        &self,
        strategy: &DeploymentStrategy,
        arn: &str,
        tags: &Tags,
        max: u64,
    ) -> Result<()> {
        transaction!(self, |conn| deployment_strategies::create(
            conn, strategy, arn, tags, max
        ))
    }

    async fn deployment_strategy(&self, region: &str, id: &str) -> Result<Option<DeploymentStrategy>> {
        deployment_strategies::get(&self.pool, region, id).await
    }

    async fn deployment_strategies(&self, region: &str, slice: Slice) -> Result<Vec<Listed<DeploymentStrategy>>> {
        deployment_strategies::list(&self.pool, region, slice).await
    }

    async fn update_deployment_strategy(&self, strategy: &DeploymentStrategy) -> Result<()> {
        deployment_strategies::update(&self.pool, strategy).await
    }

    async fn delete_deployment_strategy(&self, region: &str, id: &str, arn: &str) -> Result<()> {
        transaction!(self, |conn| deployment_strategies::delete(conn, region, id, arn))
    }

    // ---- deployments ----

    async fn start_deployment_with(
        &self,
        deployment: &Deployment,
        content: &DeployedContent,
        environment_arn: &str,
        tags: &Tags,
        write: &DeploymentWrite,
    ) -> Result<Deployment> {
        let encoded = encode(deployment)?;
        // One transaction: the deployment and its outbox messages commit together.
        transaction!(self, |conn| async {
            let stored =
                deployments::start(conn, &self.me, deployment, &encoded, content, environment_arn, tags).await?;
            outbox::insert(conn, &stored, &write.outbox).await?;
            Ok::<_, Error>(stored)
        })
    }

    async fn deployment(&self, application_id: &str, environment_id: &str, number: i64) -> Result<Option<Deployment>> {
        deployments::get_one(&self.pool, application_id, environment_id, number).await
    }

    async fn deployments(
        &self,
        application_id: &str,
        environment_id: &str,
        slice: Slice,
    ) -> Result<Vec<Listed<Deployment>>> {
        deployments::list(&self.pool, application_id, environment_id, slice).await
    }

    async fn update_deployment_with(
        &self,
        deployment: &Deployment,
        environment_state: Option<EnvironmentState>,
        write: &DeploymentWrite,
    ) -> Result<Deployment> {
        let encoded = encode(deployment)?;
        // One transaction: the environment's row lock (every deployment write takes it first;
        // `deployments::update` takes it when no precondition needed it earlier), the
        // precondition, the compare-and-set and the outbox messages.
        transaction!(self, |conn| async {
            if write.precondition != Precondition::None {
                deployments::lock_environment(conn, deployment).await?;
                outbox::check(conn, deployment, write.precondition).await?;
            }
            let stored = deployments::update(conn, &self.me, deployment, &encoded, environment_state).await?;
            outbox::insert(conn, &stored, &write.outbox).await?;
            Ok::<_, Error>(stored)
        })
    }

    async fn due_deployments(&self, now: Timestamp, limit: usize) -> Result<Vec<Deployment>> {
        deployments::due(&self.pool, now, limit).await
    }

    async fn next_due_at(&self) -> Result<Option<Timestamp>> {
        deployments::next_due_at(&self.pool).await
    }

    async fn in_progress_deployments(&self) -> Result<Vec<Deployment>> {
        deployments::in_progress(&self.pool).await
    }

    async fn deployment_counts(&self) -> Result<Vec<(DeploymentState, u64)>> {
        deployments::counts(&self.pool).await
    }

    async fn deployed_content(
        &self,
        application_id: &str,
        environment_id: &str,
        number: i64,
    ) -> Result<Option<DeployedContent>> {
        deployments::content(&self.pool, application_id, environment_id, number).await
    }

    async fn record_access(
        &self,
        application_id: &str,
        environment_id: &str,
        profile_id: &str,
        at: Timestamp,
    ) -> Result<()> {
        environments::record_access(&self.pool, application_id, environment_id, profile_id, at.millis()).await
    }

    // ---- alarms ----

    async fn put_alarm(&self, alarm: &Alarm) -> Result<()> {
        transaction!(self, |conn| alarms::put(conn, alarm))
    }

    async fn alarm(&self, name: &str) -> Result<Option<Alarm>> {
        alarms::get(&self.pool, name).await
    }

    async fn alarms(&self) -> Result<Vec<Alarm>> {
        alarms::list(&self.pool).await
    }

    async fn alarm_history(&self, name: &str, limit: usize) -> Result<Vec<Alarm>> {
        alarms::history(&self.pool, name, limit).await
    }

    // ---- account settings ----

    async fn account_settings(&self, region: &str) -> Result<Option<AccountSettings>> {
        settings::account_settings(&self.pool, region).await
    }

    async fn put_account_settings(&self, region: &str, settings: &AccountSettings) -> Result<()> {
        settings::put_account_settings(&self.pool, region, settings).await
    }
}

#[async_trait]
impl TagStore for PostgresStore {
    // ---- tags ----

    async fn tags(&self, arn: &str) -> Result<Tags> {
        tags::get_all(&self.pool, arn).await
    }

    async fn tag(&self, resource: &TaggedResource, arn: &str, tags: &Tags, max: usize) -> Result<()> {
        transaction!(self, |conn| tags::tag(conn, resource, arn, tags, max))
    }

    async fn untag(&self, arn: &str, keys: &[String]) -> Result<()> {
        transaction!(self, |conn| tags::untag(conn, arn, keys))
    }
}

#[async_trait]
impl ClusterStore for PostgresStore {
    // ---- secrets ----

    async fn secret(&self, name: &str, candidate: &[u8]) -> Result<Vec<u8>> {
        settings::secret(&self.pool, name, candidate).await
    }

    // ---- leases ----

    async fn acquire_lease(&self, name: &str, holder: &str, now: Timestamp, ttl_millis: i64) -> Result<bool> {
        leases::acquire(&self.pool, name, holder, now, ttl_millis).await
    }

    async fn release_lease(&self, name: &str, holder: &str) -> Result<()> {
        leases::release(&self.pool, name, holder).await
    }

    async fn lease(&self, name: &str) -> Result<Option<Lease>> {
        leases::get_one(&self.pool, name).await
    }

    // ---- change feed ----

    fn changes(&self) -> Option<broadcast::Receiver<Change>> {
        Some(self.feed.sender.subscribe())
    }
}
