//! [`SqliteStore`]: the `Store` over one SQLite file.
//!
//! This module opens and closes the store and routes each `Store` call: reads to the pool of
//! read-only connections, writes (their arguments owned, JSON columns encoded first) to the
//! group-commit writer. The SQL lives in one file per resource, as functions over a connection
//! (a write job's transaction derefs to one).

mod alarms;
mod amplify;
mod applications;
mod configuration_profiles;
mod deployment_strategies;
mod deployments;
mod environments;
mod extensions;
mod hosted_versions;
mod leases;
mod outbox;
mod precondition;
mod settings;
mod sql;
mod tags;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use ramp_clock::Timestamp;
use ramp_domain::deployment::{Alarm, DeployedContent, Deployment, DeploymentState};
use ramp_domain::entities::{
    AccountSettings, Application, ConfigurationProfile, DeploymentStrategy, Environment, EnvironmentState,
    HostedVersion, HostedVersionInfo, NewHostedVersion, Tags,
};
use ramp_domain::store::{
    AppConfigStore, ClusterStore, DeploymentWrite, Error, LabelFilter, Lease, Listed, Result, Slice, TagStore,
    TaggedResource,
};
use rusqlite::{Connection, OpenFlags, Transaction};
use rusqlite_migration::{M, Migrations};

use crate::Db;
use crate::readers::{BUSY_TIMEOUT, Readers, STATEMENT_CACHE};
use crate::writer::Writer;
use sql::json;

/// The schema, oldest first. Never edit a released migration; add the next file instead.
pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../../migrations/sqlite/001_initial.sql")),
        M::up(include_str!("../../migrations/sqlite/002_deployments.sql")),
        M::up(include_str!("../../migrations/sqlite/003_leases.sql")),
        M::up(include_str!("../../migrations/sqlite/004_outbox.sql")),
        M::up(include_str!("../../migrations/sqlite/005_amplify.sql")),
        M::up(include_str!("../../migrations/sqlite/006_access_log_batches.sql")),
        M::up(include_str!("../../migrations/sqlite/007_extensions.sql")),
        M::up(include_str!("../../migrations/sqlite/008_alarm_history.sql")),
    ])
}

/// ramp's embedded store: one SQLite file in WAL mode, a group-commit writer thread and a pool
/// of read-only connections. Dropping it (or [`SqliteStore::close`]) flushes queued writes.
pub struct SqliteStore {
    writer: Writer,
    readers: Readers,
    path: PathBuf,
    /// Keeps the directory of an [`SqliteStore::open_in_memory`] store alive (dropped last).
    _temp_dir: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        Self::open_with(path, None)
    }

    /// A store on a fresh database in a temporary directory that is removed when the store is
    /// dropped: for tests. (WAL needs a real file, so this is not SQLite's `:memory:`.)
    pub fn open_in_memory() -> Result<SqliteStore> {
        let dir = tempfile::Builder::new()
            .prefix("ramp-store-")
            .tempdir()
            .map_err(|e| Error::Unavailable(format!("cannot create a temporary directory: {e}")))?;
        let path = dir.path().join("ramp.sqlite");
        Self::open_with(&path, Some(dir))
    }

    fn open_with(path: &Path, temp_dir: Option<tempfile::TempDir>) -> Result<SqliteStore> {
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .db()?;
        conn.busy_timeout(BUSY_TIMEOUT).db()?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .db()?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Unavailable(format!(
                "cannot switch {} to WAL (journal_mode is {mode})",
                path.display()
            )));
        }
        conn.pragma_update(None, "synchronous", "FULL").db()?;
        conn.pragma_update(None, "foreign_keys", "ON").db()?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        migrations()
            .to_latest(&mut conn)
            .map_err(|e| Error::Unavailable(format!("cannot migrate {}: {e}", path.display())))?;

        let readers = Readers::open(path)?;
        let writer = Writer::spawn(conn)?;
        tracing::debug!(path = %path.display(), "store opened");
        Ok(SqliteStore {
            writer,
            readers,
            path: path.to_owned(),
            _temp_dir: temp_dir,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Commits every write queued so far, then stops the writer; later writes fail with
    /// `Unavailable`. Blocks the calling thread until the writer has exited. Idempotent, and
    /// done by `Drop` as well.
    pub fn close(&self) {
        // Readers go first so that the writer's connection is the last one and checkpoints.
        self.readers.clear();
        self.writer.close();
    }

    async fn write<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    {
        let started = std::time::Instant::now();
        let written = self.writer.write(work).await;
        // Queueing and the group commit included: what the caller waits for.
        metrics::histogram!("ramp_store_operation_duration_seconds", "backend" => "sqlite", "kind" => "write")
            .record(started.elapsed().as_secs_f64());
        written
    }

    /// Runs a read on a pooled connection, on the calling task. On a WAL database a read never
    /// waits for the writer. The reads of the request path are indexed point lookups and list
    /// pages (at most `MaxResults` + 1 rows): microseconds, less than handing the task to a
    /// blocking thread would cost. (`block_in_place` here halved GetApplication throughput:
    /// README "Benchmarks".) Rarer reads take a whole set, as large as the data makes it, and run
    /// here too: with `Slice { limit: usize::MAX }`, an environment's deployments (a data-plane
    /// snapshot refresh, StopDeployment's revert check) and the applications, environments or
    /// profiles searched by name when a session names them so; and the engine's loads of the
    /// deployments in progress and the alarms.
    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let started = std::time::Instant::now();
        let read = self.readers.read(f);
        metrics::histogram!("ramp_store_operation_duration_seconds", "backend" => "sqlite", "kind" => "read")
            .record(started.elapsed().as_secs_f64());
        read
    }
}

/// A deployment's JSON columns.
fn encode(deployment: &Deployment) -> Result<deployments::Encoded> {
    Ok(deployments::Encoded {
        event_log: json(&deployment.event_log)?,
        monitors: json(&deployment.monitors)?,
        applied_extensions: json(&deployment.applied_extensions)?,
    })
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.close();
    }
}

#[async_trait]
impl AppConfigStore for SqliteStore {
    // ---- applications ----

    async fn create_application(&self, app: &Application, arn: &str, tags: &Tags, max: u64) -> Result<()> {
        let (app, arn, tags) = (app.clone(), arn.to_owned(), tags.clone());
        self.write(move |tx| applications::create(tx, &app, &arn, &tags, max))
            .await
    }

    async fn application(&self, region: &str, id: &str) -> Result<Option<Application>> {
        self.read(|conn| applications::get(conn, region, id))
    }

    async fn applications(&self, region: &str, slice: Slice) -> Result<Vec<Listed<Application>>> {
        self.read(|conn| applications::list(conn, region, slice))
    }

    async fn update_application(&self, app: &Application) -> Result<()> {
        let app = app.clone();
        self.write(move |tx| applications::update(tx, &app)).await
    }

    async fn delete_application(&self, region: &str, id: &str, arn: &str) -> Result<()> {
        let (region, id, arn) = (region.to_owned(), id.to_owned(), arn.to_owned());
        self.write(move |tx| applications::delete(tx, &region, &id, &arn)).await
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
        let (env, arn, tags) = (env.clone(), arn.to_owned(), tags.clone());
        self.write(move |tx| environments::create(tx, &env, &monitors, &arn, &tags, max_per_application))
            .await
    }

    async fn environment(&self, application_id: &str, id: &str) -> Result<Option<Environment>> {
        self.read(|conn| environments::get(conn, application_id, id))
    }

    async fn environments(&self, application_id: &str, slice: Slice) -> Result<Vec<Listed<Environment>>> {
        self.read(|conn| environments::list(conn, application_id, slice))
    }

    async fn update_environment(&self, env: &Environment) -> Result<()> {
        let monitors = json(&env.monitors)?;
        let env = env.clone();
        self.write(move |tx| environments::update(tx, &env, &monitors)).await
    }

    async fn delete_environment(
        &self,
        application_id: &str,
        id: &str,
        arn: &str,
        protected_if_accessed_after: Option<Timestamp>,
    ) -> Result<()> {
        let (application_id, id, arn) = (application_id.to_owned(), id.to_owned(), arn.to_owned());
        self.write(move |tx| environments::delete(tx, &application_id, &id, &arn, protected_if_accessed_after))
            .await
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
        let (profile, arn, tags) = (profile.clone(), arn.to_owned(), tags.clone());
        self.write(move |tx| {
            configuration_profiles::create(tx, &profile, &validators, &arn, &tags, max_per_application)
        })
        .await
    }

    async fn configuration_profile(&self, application_id: &str, id: &str) -> Result<Option<ConfigurationProfile>> {
        self.read(|conn| configuration_profiles::get(conn, application_id, id))
    }

    async fn configuration_profiles(
        &self,
        application_id: &str,
        profile_type: Option<&str>,
        slice: Slice,
    ) -> Result<Vec<Listed<ConfigurationProfile>>> {
        self.read(|conn| configuration_profiles::list(conn, application_id, profile_type, slice))
    }

    async fn update_configuration_profile(&self, profile: &ConfigurationProfile) -> Result<()> {
        let validators = json(&profile.validators)?;
        let profile = profile.clone();
        self.write(move |tx| configuration_profiles::update(tx, &profile, &validators))
            .await
    }

    async fn delete_configuration_profile(
        &self,
        application_id: &str,
        id: &str,
        arn: &str,
        protected_if_accessed_after: Option<Timestamp>,
    ) -> Result<()> {
        let (application_id, id, arn) = (application_id.to_owned(), id.to_owned(), arn.to_owned());
        self.write(move |tx| {
            configuration_profiles::delete(tx, &application_id, &id, &arn, protected_if_accessed_after)
        })
        .await
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
        let (region, version) = (region.to_owned(), version.clone());
        self.write(move |tx| hosted_versions::create(tx, &region, version, expected_latest, max_total_bytes))
            .await
    }

    async fn hosted_version(
        &self,
        application_id: &str,
        profile_id: &str,
        number: i64,
    ) -> Result<Option<HostedVersion>> {
        self.read(|conn| hosted_versions::get(conn, application_id, profile_id, number))
    }

    async fn hosted_version_by_label(
        &self,
        application_id: &str,
        profile_id: &str,
        label: &str,
    ) -> Result<Option<HostedVersion>> {
        self.read(|conn| hosted_versions::by_label(conn, application_id, profile_id, label))
    }

    async fn latest_hosted_version(&self, application_id: &str, profile_id: &str) -> Result<Option<HostedVersion>> {
        self.read(|conn| hosted_versions::latest(conn, application_id, profile_id))
    }

    async fn hosted_versions(
        &self,
        application_id: &str,
        profile_id: &str,
        label: Option<&LabelFilter>,
        slice: Slice,
    ) -> Result<Vec<Listed<HostedVersionInfo>>> {
        self.read(|conn| hosted_versions::list(conn, application_id, profile_id, label, slice))
    }

    async fn delete_hosted_version(&self, application_id: &str, profile_id: &str, number: i64) -> Result<()> {
        let (application_id, profile_id) = (application_id.to_owned(), profile_id.to_owned());
        self.write(move |tx| hosted_versions::delete(tx, &application_id, &profile_id, number))
            .await
    }

    // ---- deployment strategies ----

    async fn create_deployment_strategy(
        &self,
        strategy: &DeploymentStrategy,
        arn: &str,
        tags: &Tags,
        max: u64,
    ) -> Result<()> {
        let (strategy, arn, tags) = (strategy.clone(), arn.to_owned(), tags.clone());
        self.write(move |tx| deployment_strategies::create(tx, &strategy, &arn, &tags, max))
            .await
    }

    async fn deployment_strategy(&self, region: &str, id: &str) -> Result<Option<DeploymentStrategy>> {
        self.read(|conn| deployment_strategies::get(conn, region, id))
    }

    async fn deployment_strategies(&self, region: &str, slice: Slice) -> Result<Vec<Listed<DeploymentStrategy>>> {
        self.read(|conn| deployment_strategies::list(conn, region, slice))
    }

    async fn update_deployment_strategy(&self, strategy: &DeploymentStrategy) -> Result<()> {
        let strategy = strategy.clone();
        self.write(move |tx| deployment_strategies::update(tx, &strategy)).await
    }

    async fn delete_deployment_strategy(&self, region: &str, id: &str, arn: &str) -> Result<()> {
        let (region, id, arn) = (region.to_owned(), id.to_owned(), arn.to_owned());
        self.write(move |tx| deployment_strategies::delete(tx, &region, &id, &arn))
            .await
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
        let (deployment, content, environment_arn, tags, write) = (
            deployment.clone(),
            content.clone(),
            environment_arn.to_owned(),
            tags.clone(),
            write.clone(),
        );
        // One job, so one savepoint: the deployment and its outbox messages commit together.
        self.write(move |tx| {
            let stored = deployments::start(tx, &deployment, &encoded, &content, &environment_arn, &tags)?;
            outbox::insert(tx, &stored, &write.outbox)?;
            Ok(stored)
        })
        .await
    }

    async fn deployment(&self, application_id: &str, environment_id: &str, number: i64) -> Result<Option<Deployment>> {
        self.read(|conn| deployments::get(conn, application_id, environment_id, number))
    }

    async fn deployments(
        &self,
        application_id: &str,
        environment_id: &str,
        slice: Slice,
    ) -> Result<Vec<Listed<Deployment>>> {
        self.read(|conn| deployments::list(conn, application_id, environment_id, slice))
    }

    async fn update_deployment_with(
        &self,
        deployment: &Deployment,
        environment_state: Option<EnvironmentState>,
        write: &DeploymentWrite,
    ) -> Result<Deployment> {
        let encoded = encode(deployment)?;
        let (deployment, write) = (deployment.clone(), write.clone());
        // The single writer runs the check, the write and the outbox insert as one step.
        self.write(move |tx| {
            precondition::check(tx, &deployment, write.precondition)?;
            let stored = deployments::update(tx, &deployment, &encoded, environment_state)?;
            outbox::insert(tx, &stored, &write.outbox)?;
            Ok(stored)
        })
        .await
    }

    async fn due_deployments(&self, now: Timestamp, limit: usize) -> Result<Vec<Deployment>> {
        self.read(|conn| deployments::due(conn, now, limit))
    }

    async fn next_due_at(&self) -> Result<Option<Timestamp>> {
        self.read(deployments::next_due_at)
    }

    async fn in_progress_deployments(&self) -> Result<Vec<Deployment>> {
        self.read(deployments::in_progress)
    }

    async fn deployment_counts(&self) -> Result<Vec<(DeploymentState, u64)>> {
        self.read(deployments::counts)
    }

    async fn deployed_content(
        &self,
        application_id: &str,
        environment_id: &str,
        number: i64,
    ) -> Result<Option<DeployedContent>> {
        self.read(|conn| deployments::content(conn, application_id, environment_id, number))
    }

    // ---- alarms ----

    async fn record_access(
        &self,
        application_id: &str,
        environment_id: &str,
        profile_id: &str,
        at: Timestamp,
    ) -> Result<()> {
        let (app, env, profile) = (
            application_id.to_owned(),
            environment_id.to_owned(),
            profile_id.to_owned(),
        );
        self.write(move |tx| environments::record_access(tx, &app, &env, &profile, at.millis()))
            .await
    }

    async fn put_alarm(&self, alarm: &Alarm) -> Result<()> {
        let alarm = alarm.clone();
        self.write(move |tx| alarms::put(tx, &alarm)).await
    }

    async fn alarm(&self, name: &str) -> Result<Option<Alarm>> {
        self.read(|conn| alarms::get(conn, name))
    }

    async fn alarms(&self) -> Result<Vec<Alarm>> {
        self.read(alarms::list)
    }

    async fn alarm_history(&self, name: &str, limit: usize) -> Result<Vec<Alarm>> {
        self.read(|conn| alarms::history(conn, name, limit))
    }

    // ---- account settings ----

    async fn account_settings(&self, region: &str) -> Result<Option<AccountSettings>> {
        self.read(|conn| settings::account_settings(conn, region))
    }

    async fn put_account_settings(&self, region: &str, settings: &AccountSettings) -> Result<()> {
        let (region, settings) = (region.to_owned(), *settings);
        self.write(move |tx| settings::put_account_settings(tx, &region, &settings))
            .await
    }
}

#[async_trait]
impl TagStore for SqliteStore {
    // ---- tags ----

    async fn tags(&self, arn: &str) -> Result<Tags> {
        self.read(|conn| tags::get(conn, arn))
    }

    async fn tag(&self, resource: &TaggedResource, arn: &str, tags: &Tags, max: usize) -> Result<()> {
        let (resource, arn, tags) = (resource.clone(), arn.to_owned(), tags.clone());
        self.write(move |tx| tags::tag(tx, &resource, &arn, &tags, max)).await
    }

    async fn untag(&self, arn: &str, keys: &[String]) -> Result<()> {
        let (arn, keys) = (arn.to_owned(), keys.to_vec());
        self.write(move |tx| tags::untag(tx, &arn, &keys)).await
    }
}

#[async_trait]
impl ClusterStore for SqliteStore {
    // ---- secrets ----

    async fn secret(&self, name: &str, candidate: &[u8]) -> Result<Vec<u8>> {
        if let Some(value) = self.read(|conn| settings::secret(conn, name))? {
            return Ok(value);
        }
        let (name, candidate) = (name.to_owned(), candidate.to_vec());
        self.write(move |tx| settings::keep_first_secret(tx, &name, &candidate))
            .await
    }

    // ---- leases ----

    async fn acquire_lease(&self, name: &str, holder: &str, now: Timestamp, ttl_millis: i64) -> Result<bool> {
        let (name, holder) = (name.to_owned(), holder.to_owned());
        self.write(move |tx| leases::acquire(tx, &name, &holder, now, ttl_millis))
            .await
    }

    async fn release_lease(&self, name: &str, holder: &str) -> Result<()> {
        let (name, holder) = (name.to_owned(), holder.to_owned());
        self.write(move |tx| leases::release(tx, &name, &holder)).await
    }

    async fn lease(&self, name: &str) -> Result<Option<Lease>> {
        self.read(|conn| leases::get(conn, name))
    }
}
