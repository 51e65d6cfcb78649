//! `AmplifyStore` for [`SqliteStore`]: reads on the pool, writes as jobs of the group-commit
//! writer, each bumping the Amplify generation in its own savepoint. The SQL is in one file
//! per resource; `migrations/sqlite/005_amplify.sql` (and 006, the access log) says which columns hold the truth.

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

use super::SqliteStore;
use docs::encode;

#[async_trait]
impl AmplifyStore for SqliteStore {
    // ---- apps ----

    async fn create_app(&self, app: &App, arn: &str, tags: &Tags, max: u64) -> Result<()> {
        let doc = encode(app)?;
        let (app, arn, tags) = (app.clone(), arn.to_owned(), tags.clone());
        self.write(move |tx| apps::create(tx, &app, &doc, &arn, &tags, max))
            .await
    }

    async fn app(&self, region: &str, app_id: &str) -> Result<Option<App>> {
        self.read(|conn| apps::get(conn, region, app_id))
    }

    async fn apps(&self, region: &str, slice: Slice) -> Result<Vec<Listed<App>>> {
        self.read(|conn| apps::list(conn, region, slice))
    }

    async fn update_app(&self, app: &App) -> Result<()> {
        let doc = encode(app)?;
        let app = app.clone();
        self.write(move |tx| apps::update(tx, &app, &doc)).await
    }

    async fn delete_app(&self, region: &str, app_id: &str, arn: &str) -> Result<App> {
        let (region, app_id, arn) = (region.to_owned(), app_id.to_owned(), arn.to_owned());
        self.write(move |tx| apps::delete(tx, &region, &app_id, &arn)).await
    }

    // ---- branches ----

    async fn create_branch(&self, branch: &Branch, arn: &str, tags: &Tags, max_per_app: u64) -> Result<()> {
        let doc = encode(branch)?;
        let (branch, arn, tags) = (branch.clone(), arn.to_owned(), tags.clone());
        self.write(move |tx| branches::create(tx, &branch, &doc, &arn, &tags, max_per_app))
            .await
    }

    async fn branch(&self, region: &str, app_id: &str, branch_name: &str) -> Result<Option<Branch>> {
        self.read(|conn| branches::get(conn, region, app_id, branch_name))
    }

    async fn branches(&self, region: &str, app_id: &str, slice: Slice) -> Result<Vec<Listed<Branch>>> {
        self.read(|conn| branches::list(conn, region, app_id, slice))
    }

    async fn update_branch(&self, branch: &Branch) -> Result<()> {
        let doc = encode(branch)?;
        let branch = branch.clone();
        self.write(move |tx| branches::update(tx, &branch, &doc)).await
    }

    async fn delete_branch(&self, region: &str, app_id: &str, branch_name: &str, arn: &str) -> Result<Branch> {
        let key = (
            region.to_owned(),
            app_id.to_owned(),
            branch_name.to_owned(),
            arn.to_owned(),
        );
        self.write(move |tx| branches::delete(tx, &key.0, &key.1, &key.2, &key.3))
            .await
    }

    // ---- jobs ----

    async fn create_job(&self, new: &NewJob) -> Result<Job> {
        let new = new.clone();
        self.write(move |tx| jobs::create(tx, &new)).await
    }

    async fn job(&self, key: &JobKey) -> Result<Option<Job>> {
        self.read(|conn| jobs::get(conn, key))
    }

    async fn jobs(&self, region: &str, app_id: &str, branch_name: &str, slice: Slice) -> Result<Vec<Listed<Job>>> {
        self.read(|conn| jobs::list(conn, region, app_id, branch_name, slice))
    }

    async fn save_job(&self, job: &Job, activate: bool) -> Result<Job> {
        let job = job.clone();
        self.write(move |tx| jobs::save(tx, &job, activate)).await
    }

    async fn delete_job(&self, key: &JobKey, arn: &str) -> Result<Job> {
        let (key, arn) = (key.clone(), arn.to_owned());
        self.write(move |tx| jobs::delete(tx, &key, &arn)).await
    }

    async fn unfinished_jobs(&self) -> Result<Vec<Job>> {
        self.read(jobs::unfinished)
    }

    async fn expired_jobs(
        &self,
        region: &str,
        app_id: &str,
        branch_name: &str,
        keep: usize,
        skew_since: Timestamp,
    ) -> Result<Vec<Job>> {
        self.read(|conn| serving::expired(conn, region, app_id, branch_name, keep, skew_since))
    }

    async fn referenced_blobs(&self) -> Result<ReferencedBlobs> {
        self.read(jobs::referenced_blobs)
    }

    // ---- uploads ----

    async fn record_upload(&self, key: &JobKey, file: &UploadedFile) -> Result<()> {
        let (key, file) = (key.clone(), file.clone());
        self.write(move |tx| uploads::record(tx, &key, &file)).await
    }

    async fn uploads(&self, key: &JobKey) -> Result<Vec<UploadedFile>> {
        self.read(|conn| uploads::list(conn, key))
    }

    // ---- domain associations ----

    async fn create_domain_association(&self, domain: &DomainAssociation) -> Result<()> {
        let doc = encode(domain)?;
        let domain = domain.clone();
        self.write(move |tx| others::create_domain(tx, &domain, &doc)).await
    }

    async fn domain_association(
        &self,
        region: &str,
        app_id: &str,
        domain_name: &str,
    ) -> Result<Option<DomainAssociation>> {
        self.read(|conn| others::domain(conn, region, app_id, domain_name))
    }

    async fn domain_associations(
        &self,
        region: &str,
        app_id: &str,
        slice: Slice,
    ) -> Result<Vec<Listed<DomainAssociation>>> {
        self.read(|conn| others::domains(conn, region, app_id, slice))
    }

    async fn update_domain_association(&self, domain: &DomainAssociation) -> Result<()> {
        let doc = encode(domain)?;
        let domain = domain.clone();
        self.write(move |tx| others::update_domain(tx, &domain, &doc)).await
    }

    async fn delete_domain_association(
        &self,
        region: &str,
        app_id: &str,
        domain_name: &str,
    ) -> Result<DomainAssociation> {
        let key = (region.to_owned(), app_id.to_owned(), domain_name.to_owned());
        self.write(move |tx| others::delete_domain(tx, &key.0, &key.1, &key.2))
            .await
    }

    // ---- webhooks ----

    async fn create_webhook(&self, webhook: &Webhook) -> Result<()> {
        let doc = encode(webhook)?;
        let webhook = webhook.clone();
        self.write(move |tx| others::create_webhook(tx, &webhook, &doc)).await
    }

    async fn webhook(&self, region: &str, webhook_id: &str) -> Result<Option<Webhook>> {
        self.read(|conn| others::webhook(conn, region, webhook_id))
    }

    async fn webhooks(&self, region: &str, app_id: &str, slice: Slice) -> Result<Vec<Listed<Webhook>>> {
        self.read(|conn| others::webhooks(conn, region, app_id, slice))
    }

    async fn update_webhook(&self, webhook: &Webhook) -> Result<()> {
        let doc = encode(webhook)?;
        let webhook = webhook.clone();
        self.write(move |tx| others::update_webhook(tx, &webhook, &doc)).await
    }

    async fn delete_webhook(&self, region: &str, webhook_id: &str) -> Result<Webhook> {
        let (region, webhook_id) = (region.to_owned(), webhook_id.to_owned());
        self.write(move |tx| others::delete_webhook(tx, &region, &webhook_id))
            .await
    }

    // ---- backend environments ----

    async fn create_backend_environment(&self, environment: &BackendEnvironment) -> Result<()> {
        let doc = encode(environment)?;
        let environment = environment.clone();
        self.write(move |tx| others::create_backend(tx, &environment, &doc))
            .await
    }

    async fn backend_environment(&self, region: &str, app_id: &str, name: &str) -> Result<Option<BackendEnvironment>> {
        self.read(|conn| others::backend(conn, region, app_id, name))
    }

    async fn backend_environments(
        &self,
        region: &str,
        app_id: &str,
        slice: Slice,
    ) -> Result<Vec<Listed<BackendEnvironment>>> {
        self.read(|conn| others::backends(conn, region, app_id, slice))
    }

    async fn delete_backend_environment(&self, region: &str, app_id: &str, name: &str) -> Result<BackendEnvironment> {
        let key = (region.to_owned(), app_id.to_owned(), name.to_owned());
        self.write(move |tx| others::delete_backend(tx, &key.0, &key.1, &key.2))
            .await
    }

    // ---- serving ----

    async fn amplify_generation(&self) -> Result<i64> {
        self.read(serving::generation)
    }

    async fn serving_state(&self, skew_since: Timestamp) -> Result<ServingState> {
        self.read(|conn| serving::state(conn, skew_since))
    }

    // ---- access log ----

    async fn append_access_log(&self, entries: &[AccessLogEntry]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let batches = ramp_domain::store::AccessLogBatch::split(entries)?;
        self.write(move |tx| access_log::append(tx, &batches)).await
    }

    async fn access_log(
        &self,
        region: &str,
        app_id: &str,
        from: Timestamp,
        to: Timestamp,
        limit: usize,
    ) -> Result<Vec<AccessLogEntry>> {
        self.read(|conn| access_log::read(conn, region, app_id, from, to, limit))
    }

    async fn prune_access_log(&self, before: Timestamp) -> Result<u64> {
        self.write(move |tx| access_log::prune(tx, before)).await
    }
}
