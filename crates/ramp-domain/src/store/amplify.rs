//! What Amplify Hosting keeps (spec/amplify.md): apps, branches, jobs and their uploads, domain
//! associations, webhooks, backend environments and the sites' access log.
//!
//! Every write of a resource (not the access log, which serving requests append to) bumps one
//! generation counter in its transaction, so a node learns that its site table is stale with
//! one cheap read (`amplify_generation`).
//!
//! ARNs: an app's tags live under its ARN, and a branch's and job's under ARNs that extend it
//! (`{app arn}/branches/…`, branch names percent-encoded: `amplify::arn`), so deleting a
//! resource deletes the tags under its ARN and every ARN below it.

use async_trait::async_trait;
use ramp_clock::Timestamp;

use super::{Listed, Result, Slice};
use crate::amplify::{
    AccessLogEntry, App, BackendEnvironment, Branch, DomainAssociation, Job, JobKey, NewJob, ReferencedBlobs,
    ServingState, UploadedFile, Webhook,
};
use crate::entities::Tags;

#[async_trait]
pub trait AmplifyStore: Send + Sync + 'static {
    // ---- apps ----
    /// Inserts `app` with its tags under `arn`, unless the region already has `max` apps
    /// (`QuotaExceeded`).
    async fn create_app(&self, app: &App, arn: &str, tags: &Tags, max: u64) -> Result<()>;
    async fn app(&self, region: &str, app_id: &str) -> Result<Option<App>>;
    /// Apps of a region in creation order.
    async fn apps(&self, region: &str, slice: Slice) -> Result<Vec<Listed<App>>>;
    /// Replaces the app's stored members (`NotFound(AmplifyApp)` when it is gone).
    async fn update_app(&self, app: &App) -> Result<()>;
    /// Deletes the app with everything under it (branches, jobs, uploads, domain associations,
    /// webhooks, backend environments) and the tags under `arn` and below; returns the app.
    async fn delete_app(&self, region: &str, app_id: &str, arn: &str) -> Result<App>;

    // ---- branches ----
    /// Inserts `branch` with its tags under `arn`: `NotFound(AmplifyApp)` without its app,
    /// `Conflict(AlreadyExists(AmplifyBranch))` for a taken name, `QuotaExceeded` when the app
    /// has `max_per_app` branches.
    async fn create_branch(&self, branch: &Branch, arn: &str, tags: &Tags, max_per_app: u64) -> Result<()>;
    async fn branch(&self, region: &str, app_id: &str, branch_name: &str) -> Result<Option<Branch>>;
    /// Branches of an app in creation order.
    async fn branches(&self, region: &str, app_id: &str, slice: Slice) -> Result<Vec<Listed<Branch>>>;
    /// Stores the branch's settings. Its `active_job_id` and `total_number_of_jobs` belong to
    /// the job writes and are left as stored.
    async fn update_branch(&self, branch: &Branch) -> Result<()>;
    /// Deletes the branch, its jobs and uploads, the tags under `arn` and below; returns it.
    async fn delete_branch(&self, region: &str, app_id: &str, branch_name: &str, arn: &str) -> Result<Branch>;

    // ---- jobs ----
    /// Creates the branch's next job (number `total_number_of_jobs + 1`, revision 1) and
    /// returns it as stored. Refused with `Conflict(JobUnfinished { number })` while another
    /// job of the branch is unfinished, except a `Created` job older than
    /// `new.abandon_created_before`, which is cancelled in the same transaction.
    /// `NotFound(AmplifyBranch)` without the branch.
    async fn create_job(&self, new: &NewJob) -> Result<Job>;
    async fn job(&self, key: &JobKey) -> Result<Option<Job>>;
    /// Jobs of a branch, newest first (spec §7.3: tools read `ListJobs(maxResults=1)`).
    async fn jobs(&self, region: &str, app_id: &str, branch_name: &str, slice: Slice) -> Result<Vec<Listed<Job>>>;
    /// Saves `job` if the stored one is still at `job.revision` (else
    /// `Conflict(RevisionChanged)`), storing it at `job.revision + 1`; returns the saved job.
    /// With `activate`, the branch's `active_job_id` becomes this job in the same transaction
    /// (the atomic switch of spec §8.7).
    async fn save_job(&self, job: &Job, activate: bool) -> Result<Job>;
    /// Deletes a finished job that the branch does not serve, with its uploads and tags under
    /// `arn`: `Conflict(JobUnfinished)` for an unfinished one, `Conflict(JobActive)` for the
    /// active one.
    async fn delete_job(&self, key: &JobKey, arn: &str) -> Result<Job>;
    /// Every unfinished job of every region, oldest first: what the job runner must finish
    /// after a restart.
    async fn unfinished_jobs(&self) -> Result<Vec<Job>>;
    /// Finished jobs of the branch beyond the newest `keep`, excluding the active job and
    /// skew-protected jobs that ended after `skew_since`: what garbage collection may delete.
    async fn expired_jobs(
        &self,
        region: &str,
        app_id: &str,
        branch_name: &str,
        keep: usize,
        skew_since: Timestamp,
    ) -> Result<Vec<Job>>;
    /// Every manifest and archive blob any stored job references, and the files uploaded to
    /// unfinished jobs, read in one snapshot, sorted, each once.
    async fn referenced_blobs(&self) -> Result<ReferencedBlobs>;

    // ---- uploads (fileUploadUrls) ----
    /// Records (or replaces) an uploaded file of a `Created` job: `NotFound(AmplifyJob)` when
    /// the job is gone, `Conflict(JobNotCreated)` once it has started.
    async fn record_upload(&self, key: &JobKey, file: &UploadedFile) -> Result<()>;
    async fn uploads(&self, key: &JobKey) -> Result<Vec<UploadedFile>>;

    // ---- domain associations ----
    /// `NotFound(AmplifyApp)`, `Conflict(AlreadyExists(AmplifyDomainAssociation))` for a
    /// domain already associated with any app of the region.
    async fn create_domain_association(&self, domain: &DomainAssociation) -> Result<()>;
    async fn domain_association(
        &self,
        region: &str,
        app_id: &str,
        domain_name: &str,
    ) -> Result<Option<DomainAssociation>>;
    async fn domain_associations(
        &self,
        region: &str,
        app_id: &str,
        slice: Slice,
    ) -> Result<Vec<Listed<DomainAssociation>>>;
    async fn update_domain_association(&self, domain: &DomainAssociation) -> Result<()>;
    async fn delete_domain_association(
        &self,
        region: &str,
        app_id: &str,
        domain_name: &str,
    ) -> Result<DomainAssociation>;

    // ---- webhooks (IDs unique in a region) ----
    async fn create_webhook(&self, webhook: &Webhook) -> Result<()>;
    async fn webhook(&self, region: &str, webhook_id: &str) -> Result<Option<Webhook>>;
    async fn webhooks(&self, region: &str, app_id: &str, slice: Slice) -> Result<Vec<Listed<Webhook>>>;
    async fn update_webhook(&self, webhook: &Webhook) -> Result<()>;
    async fn delete_webhook(&self, region: &str, webhook_id: &str) -> Result<Webhook>;

    // ---- backend environments ----
    async fn create_backend_environment(&self, environment: &BackendEnvironment) -> Result<()>;
    async fn backend_environment(&self, region: &str, app_id: &str, name: &str) -> Result<Option<BackendEnvironment>>;
    async fn backend_environments(
        &self,
        region: &str,
        app_id: &str,
        slice: Slice,
    ) -> Result<Vec<Listed<BackendEnvironment>>>;
    async fn delete_backend_environment(&self, region: &str, app_id: &str, name: &str) -> Result<BackendEnvironment>;

    // ---- serving ----
    async fn amplify_generation(&self) -> Result<i64>;
    /// The site table's inputs, all regions, read in one snapshot.
    async fn serving_state(&self, skew_since: Timestamp) -> Result<ServingState>;

    // ---- access log ----
    /// Appends entries (named apart from `AppConfigStore::record_access`, which would make
    /// calls on `dyn Store` ambiguous).
    async fn append_access_log(&self, entries: &[AccessLogEntry]) -> Result<()>;
    /// The app's entries with `from <= time < to`, oldest first, at most `limit`.
    async fn access_log(
        &self,
        region: &str,
        app_id: &str,
        from: Timestamp,
        to: Timestamp,
        limit: usize,
    ) -> Result<Vec<AccessLogEntry>>;
    /// Deletes entries older than `before`.
    async fn prune_access_log(&self, before: Timestamp) -> Result<u64>;
}
