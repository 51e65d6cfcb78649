//! `AmplifyStore` for [`PostgresStore`]: each write one transaction that takes its locks in the
//! crate's order (app → branch → job → tags → generation, see `lib.rs`) and bumps the Amplify
//! generation last; reads on the pool, and the reads that must agree with each other in one
//! REPEATABLE READ snapshot. The SQL is in one file per resource; `migrations/005_amplify.sql`
//! says which columns hold the truth.

mod access_log;
mod apps;
mod branches;
mod docs;
mod jobs;
mod others;
mod serving;
mod uploads;

use async_trait::async_trait;
use ramp_clock::Timestamp;
use ramp_domain::amplify::{
    AccessLogEntry, App, BackendEnvironment, Branch, DomainAssociation, Job, JobKey, NewJob, ReferencedBlobs,
    ServingState, UploadedFile, Webhook,
};
use ramp_domain::entities::Tags;
use ramp_domain::store::{AmplifyStore, Listed, Result, Slice};

use crate::sql::{execute, json};
use crate::store::PostgresStore;

/// Like `transaction!`, read-only in one REPEATABLE READ snapshot: reads that must agree.
macro_rules! snapshot {
    ($store:expr, |$conn:ident| $work:expr) => {{
        transaction!($store, |$conn| async {
            execute(
                &mut *$conn,
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"),
            )
            .await?;
            $work.await
        })
    }};
}

#[async_trait]
impl AmplifyStore for PostgresStore {
    // ---- apps ----

    async fn create_app(&self, app: &App, arn: &str, tags: &Tags, max: u64) -> Result<()> {
        let doc = json(app)?;
        transaction!(self, |conn| apps::create(conn, app, &doc, arn, tags, max))
    }

    async fn app(&self, region: &str, app_id: &str) -> Result<Option<App>> {
        apps::get(&self.pool, region, app_id).await
    }

    async fn apps(&self, region: &str, slice: Slice) -> Result<Vec<Listed<App>>> {
        apps::list(&self.pool, region, slice).await
    }

    async fn update_app(&self, app: &App) -> Result<()> {
        let doc = json(app)?;
        transaction!(self, |conn| apps::update(conn, app, &doc))
    }

    async fn delete_app(&self, region: &str, app_id: &str, arn: &str) -> Result<App> {
        transaction!(self, |conn| apps::delete(conn, region, app_id, arn))
    }

    // ---- branches ----

    async fn create_branch(&self, branch: &Branch, arn: &str, tags: &Tags, max_per_app: u64) -> Result<()> {
        let doc = json(branch)?;
        transaction!(self, |conn| branches::create(
            conn,
            branch,
            &doc,
            arn,
            tags,
            max_per_app
        ))
    }

    async fn branch(&self, region: &str, app_id: &str, branch_name: &str) -> Result<Option<Branch>> {
        branches::get(&self.pool, region, app_id, branch_name).await
    }

    async fn branches(&self, region: &str, app_id: &str, slice: Slice) -> Result<Vec<Listed<Branch>>> {
        branches::list(&self.pool, region, app_id, slice).await
    }

    async fn update_branch(&self, branch: &Branch) -> Result<()> {
        let doc = json(branch)?;
        transaction!(self, |conn| branches::update(conn, branch, &doc))
    }

    async fn delete_branch(&self, region: &str, app_id: &str, branch_name: &str, arn: &str) -> Result<Branch> {
        transaction!(self, |conn| branches::delete(conn, region, app_id, branch_name, arn))
    }

    // ---- jobs ----

    async fn create_job(&self, new: &NewJob) -> Result<Job> {
        transaction!(self, |conn| jobs::create(conn, new))
    }

    async fn job(&self, key: &JobKey) -> Result<Option<Job>> {
        jobs::get_job(&self.pool, key).await
    }

    async fn jobs(&self, region: &str, app_id: &str, branch_name: &str, slice: Slice) -> Result<Vec<Listed<Job>>> {
        jobs::list(&self.pool, region, app_id, branch_name, slice).await
    }

    async fn save_job(&self, job: &Job, activate: bool) -> Result<Job> {
        transaction!(self, |conn| jobs::save(conn, job, activate))
    }

    async fn delete_job(&self, key: &JobKey, arn: &str) -> Result<Job> {
        transaction!(self, |conn| jobs::delete(conn, key, arn))
    }

    async fn unfinished_jobs(&self) -> Result<Vec<Job>> {
        jobs::unfinished_jobs(&self.pool).await
    }

    async fn expired_jobs(
        &self,
        region: &str,
        app_id: &str,
        branch_name: &str,
        keep: usize,
        skew_since: Timestamp,
    ) -> Result<Vec<Job>> {
        snapshot!(self, |conn| serving::expired(
            conn,
            region,
            app_id,
            branch_name,
            keep,
            skew_since
        ))
    }

    async fn referenced_blobs(&self) -> Result<ReferencedBlobs> {
        snapshot!(self, |conn| jobs::referenced_blobs(conn))
    }

    // ---- uploads ----

    async fn record_upload(&self, key: &JobKey, file: &UploadedFile) -> Result<()> {
        transaction!(self, |conn| uploads::record(conn, key, file))
    }

    async fn uploads(&self, key: &JobKey) -> Result<Vec<UploadedFile>> {
        uploads::list(&self.pool, key).await
    }

    // ---- domain associations ----

    async fn create_domain_association(&self, domain: &DomainAssociation) -> Result<()> {
        let doc = json(domain)?;
        transaction!(self, |conn| others::create_domain(conn, domain, &doc))
    }

    async fn domain_association(
        &self,
        region: &str,
        app_id: &str,
        domain_name: &str,
    ) -> Result<Option<DomainAssociation>> {
        others::domain(&self.pool, region, app_id, domain_name).await
    }

    async fn domain_associations(
        &self,
        region: &str,
        app_id: &str,
        slice: Slice,
    ) -> Result<Vec<Listed<DomainAssociation>>> {
        others::domains(&self.pool, region, app_id, slice).await
    }

    async fn update_domain_association(&self, domain: &DomainAssociation) -> Result<()> {
        let doc = json(domain)?;
        transaction!(self, |conn| others::update_domain(conn, domain, &doc))
    }

    async fn delete_domain_association(
        &self,
        region: &str,
        app_id: &str,
        domain_name: &str,
    ) -> Result<DomainAssociation> {
        transaction!(self, |conn| others::delete_domain(conn, region, app_id, domain_name))
    }

    // ---- webhooks ----

    async fn create_webhook(&self, webhook: &Webhook) -> Result<()> {
        let doc = json(webhook)?;
        transaction!(self, |conn| others::create_webhook(conn, webhook, &doc))
    }

    async fn webhook(&self, region: &str, webhook_id: &str) -> Result<Option<Webhook>> {
        others::webhook(&self.pool, region, webhook_id).await
    }

    async fn webhooks(&self, region: &str, app_id: &str, slice: Slice) -> Result<Vec<Listed<Webhook>>> {
        others::webhooks(&self.pool, region, app_id, slice).await
    }

    async fn update_webhook(&self, webhook: &Webhook) -> Result<()> {
        let doc = json(webhook)?;
        transaction!(self, |conn| others::update_webhook(conn, webhook, &doc))
    }

    async fn delete_webhook(&self, region: &str, webhook_id: &str) -> Result<Webhook> {
        transaction!(self, |conn| others::delete_webhook(conn, region, webhook_id))
    }

    // ---- backend environments ----

    async fn create_backend_environment(&self, environment: &BackendEnvironment) -> Result<()> {
        let doc = json(environment)?;
        transaction!(self, |conn| others::create_backend(conn, environment, &doc))
    }

    async fn backend_environment(&self, region: &str, app_id: &str, name: &str) -> Result<Option<BackendEnvironment>> {
        others::backend(&self.pool, region, app_id, name).await
    }

    async fn backend_environments(
        &self,
        region: &str,
        app_id: &str,
        slice: Slice,
    ) -> Result<Vec<Listed<BackendEnvironment>>> {
        others::backends(&self.pool, region, app_id, slice).await
    }

    async fn delete_backend_environment(&self, region: &str, app_id: &str, name: &str) -> Result<BackendEnvironment> {
        transaction!(self, |conn| others::delete_backend(conn, region, app_id, name))
    }

    // ---- serving ----

    async fn amplify_generation(&self) -> Result<i64> {
        serving::generation(&self.pool).await
    }

    async fn serving_state(&self, skew_since: Timestamp) -> Result<ServingState> {
        snapshot!(self, |conn| serving::state(conn, skew_since))
    }

    // ---- access log ----

    async fn append_access_log(&self, entries: &[AccessLogEntry]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        access_log::append(&self.pool, entries).await
    }

    async fn access_log(
        &self,
        region: &str,
        app_id: &str,
        from: Timestamp,
        to: Timestamp,
        limit: usize,
    ) -> Result<Vec<AccessLogEntry>> {
        access_log::read(&self.pool, region, app_id, from, to, limit).await
    }

    async fn prune_access_log(&self, before: Timestamp) -> Result<u64> {
        transaction!(self, |conn| access_log::prune(conn, before))
    }
}
