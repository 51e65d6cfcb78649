//! Jobs: manual deploys and their lifecycle (spec/amplify.md §6, §7).
//!
//! ```text
//! CreateDeployment ─► CREATED ──StartDeployment──► PENDING ─► RUNNING ─┬─► SUCCEED (branch switches to it)
//! StartDeployment(sourceUrl), StartJob(RETRY|RELEASE) ─► PENDING       └─► FAILED
//! CREATED ──StopJob──► CANCELLED;  PENDING/RUNNING ──StopJob──► CANCELLING ─► CANCELLED (by the runner)
//! ```
//! The DEPLOY step is done by the job runner (ramp-server's hosting), which reports through
//! [`Amplify::job_running`], [`Amplify::job_succeeded`], [`Amplify::job_failed`] and
//! [`Amplify::job_cancelled`]; those retry the compare-and-set against a concurrent StopJob.

use std::collections::BTreeMap;

use ramp_clock::Timestamp;

use super::branches::branch_not_found;
use super::service::{Amplify, MAX_PAGE, UPLOAD_WINDOW_MILLIS};
use super::{Job, JobKey, JobSource, JobStatus, JobType, NewJob, Step, StoredBlob, UploadedFile, arn};
use crate::arn::Scope;
use crate::error::{Error, Result};
use crate::store::{self, Conflict, ResourceKind};

pub const DEPLOY_STEP: &str = "DEPLOY";
pub const VERIFY_STEP: &str = "VERIFY";

/// What StartJob asks for (the members ramp acts on).
#[derive(Debug, Clone, Default)]
pub struct StartJobRequest {
    pub job_type: JobType,
    pub job_id: Option<String>,
    pub job_reason: Option<String>,
    pub commit_id: Option<String>,
    pub commit_message: Option<String>,
    pub commit_time: Option<Timestamp>,
}

fn job_not_found(key: &JobKey) -> Error {
    Error::NotFound {
        resource_name: "Job".to_owned(),
        message: format!(
            "Job {} not found for branch {} of app {}.",
            key.number, key.branch_name, key.app_id
        ),
    }
}

/// A job ID as sent (`"3"`): a positive decimal number.
pub fn parse_job_id(job_id: &str) -> Result<i64> {
    job_id
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0 && job_id.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| Error::BadRequest(format!("Job id {job_id} is not a valid job id.")))
}

impl Amplify {
    fn new_job(&self, scope: &Scope, app_id: &str, branch_name: &str, job_type: JobType, source: JobSource) -> Job {
        let now = self.now();
        Job {
            region: scope.region.clone(),
            app_id: app_id.to_owned(),
            branch_name: branch_name.to_owned(),
            job_type,
            status: JobStatus::Created,
            source,
            commit_id: "HEAD".to_owned(),
            commit_time: now,
            create_time: now,
            start_time: now,
            ..Job::default()
        }
    }

    async fn create_job(&self, job: Job) -> Result<Job> {
        let new = NewJob {
            abandon_created_before: self.now().plus_millis(-UPLOAD_WINDOW_MILLIS),
            job,
        };
        match self.store.create_job(&new).await {
            Ok(job) => Ok(job),
            Err(store::Error::NotFound(_)) => Err(branch_not_found(&new.job.app_id, &new.job.branch_name)),
            Err(e) => Err(e.into()),
        }
    }

    /// Checks that the app takes manual deploys: static (`WEB`) apps only (spec §8.10).
    async fn deployable_branch(&self, scope: &Scope, app_id: &str, branch_name: &str) -> Result<()> {
        let app = self.app(scope, app_id).await?;
        if app.platform != "WEB" {
            return Err(Error::BadRequest(format!(
                "Manual deployments are not supported for apps with platform {}.",
                app.platform
            )));
        }
        self.branch(scope, app_id, branch_name).await?;
        Ok(())
    }

    /// CreateDeployment: reserves the branch's next job for an upload, of one zip or of the
    /// files of `file_map` (path → MD5 hex).
    pub async fn create_deployment(
        &self,
        scope: &Scope,
        app_id: &str,
        branch_name: &str,
        file_map: Option<BTreeMap<String, String>>,
    ) -> Result<Job> {
        self.deployable_branch(scope, app_id, branch_name).await?;
        let source = match file_map {
            Some(file_map) => JobSource::Files { file_map },
            None => JobSource::Zip,
        };
        self.create_job(self.new_job(scope, app_id, branch_name, JobType::Manual, source))
            .await
    }

    /// StartDeployment: starts the job CreateDeployment reserved (`job_id`), or a new job that
    /// fetches `source_url`.
    pub async fn start_deployment(
        &self,
        scope: &Scope,
        app_id: &str,
        branch_name: &str,
        job_id: Option<&str>,
        source_url: Option<(String, String)>,
    ) -> Result<Job> {
        match (job_id, source_url) {
            (None, None) => Err(Error::BadRequest(
                "Must specify jobId or sourceUrl for StartDeploymentRequest.".to_owned(),
            )),
            (Some(_), Some(_)) => Err(Error::BadRequest(
                "Specify either jobId or sourceUrl for StartDeploymentRequest, not both.".to_owned(),
            )),
            (Some(job_id), None) => self.start_uploaded_job(scope, app_id, branch_name, job_id).await,
            (None, Some((url, url_type))) => {
                self.deployable_branch(scope, app_id, branch_name).await?;
                let mut job = self.new_job(
                    scope,
                    app_id,
                    branch_name,
                    JobType::Manual,
                    JobSource::Url { url, url_type },
                );
                job.status = JobStatus::Pending;
                self.create_job(job).await
            }
        }
    }

    async fn start_uploaded_job(&self, scope: &Scope, app_id: &str, branch_name: &str, job_id: &str) -> Result<Job> {
        let key = JobKey {
            region: scope.region.clone(),
            app_id: app_id.to_owned(),
            branch_name: branch_name.to_owned(),
            number: parse_job_id(job_id)?,
        };
        let mut job = self.job(scope, &key).await?;
        if job.status != JobStatus::Created || matches!(job.source, JobSource::Url { .. } | JobSource::Job { .. }) {
            return Err(Error::BadRequest(format!(
                "Job {} cannot be started: its status is {}.",
                job.number,
                job.status.as_str()
            )));
        }
        let now = self.now();
        if now.millis() - job.create_time.millis() > UPLOAD_WINDOW_MILLIS {
            // Spec §6.2: past the window, StartDeployment fails and so does the job.
            fail(
                &mut job,
                now,
                "The deployment was not started within 8 hours of CreateDeployment.",
            );
            self.store.save_job(&job, false).await?;
            return Err(Error::BadRequest(format!(
                "Job {} was created more than 8 hours ago and can no longer be started.",
                job.number
            )));
        }
        job.status = JobStatus::Pending;
        job.start_time = now;
        self.save(job).await
    }

    /// StartJob. For a manual app (spec §2, §8.9): MANUAL is refused as AWS refuses it;
    /// RETRY of an earlier job re-publishes that job's files (ramp's one-call rollback);
    /// RELEASE re-publishes the branch's current deploy. WEB_HOOK jobs come from webhooks.
    pub async fn start_job(
        &self,
        scope: &Scope,
        app_id: &str,
        branch_name: &str,
        request: StartJobRequest,
    ) -> Result<Job> {
        let branch = self.branch(scope, app_id, branch_name).await?;
        let source_number = match request.job_type {
            JobType::Manual => {
                return Err(Error::BadRequest(
                    "The requested jobType MANUAL does not support.".to_owned(),
                ));
            }
            JobType::Retry => {
                let job_id = request
                    .job_id
                    .as_deref()
                    .ok_or_else(|| Error::BadRequest("jobId is required for a RETRY job.".to_owned()))?;
                parse_job_id(job_id)?
            }
            JobType::Release | JobType::WebHook => branch.active_job_id.ok_or_else(|| {
                Error::BadRequest(format!(
                    "Branch {branch_name} has no deployment to release yet; deploy it first."
                ))
            })?,
        };
        let source_key = JobKey {
            region: scope.region.clone(),
            app_id: app_id.to_owned(),
            branch_name: branch_name.to_owned(),
            number: source_number,
        };
        let source = self.job(scope, &source_key).await?;
        if source.manifest.is_none() {
            return Err(Error::BadRequest(format!(
                "Job {source_number} has no deployed files to publish again (its status is {}).",
                source.status.as_str()
            )));
        }
        let mut job = self.new_job(
            scope,
            app_id,
            branch_name,
            request.job_type,
            JobSource::Job { number: source_number },
        );
        job.status = JobStatus::Pending;
        job.job_reason = request.job_reason;
        job.commit_id = request.commit_id.unwrap_or_else(|| "HEAD".to_owned());
        job.commit_message = request.commit_message.unwrap_or_default();
        if let Some(time) = request.commit_time {
            job.commit_time = time;
        }
        self.create_job(job).await
    }

    pub async fn job(&self, scope: &Scope, key: &JobKey) -> Result<Job> {
        if let Some(job) = self.store.job(key).await? {
            return Ok(job);
        }
        self.branch(scope, &key.app_id, &key.branch_name).await?;
        Err(job_not_found(key))
    }

    pub async fn list_jobs(
        &self,
        scope: &Scope,
        app_id: &str,
        branch_name: &str,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<Job>, Option<String>)> {
        self.branch(scope, app_id, branch_name).await?;
        let list = format!("amplify/ListJobs/{}/{app_id}/{branch_name}", scope.region);
        self.paged(&list, MAX_PAGE, max_results, next_token, |slice| {
            self.store.jobs(&scope.region, app_id, branch_name, slice)
        })
        .await
    }

    /// StopJob: a job that has not started is cancelled at once; a pending or running one goes
    /// to CANCELLING and the runner finishes it as CANCELLED; a finished one is refused.
    pub async fn stop_job(&self, scope: &Scope, key: &JobKey) -> Result<Job> {
        loop {
            let mut job = self.job(scope, key).await?;
            match job.status {
                JobStatus::Created => cancel(&mut job, self.now()),
                JobStatus::Pending | JobStatus::Provisioning | JobStatus::Running => job.status = JobStatus::Cancelling,
                JobStatus::Cancelling => return Ok(job),
                finished => {
                    return Err(Error::BadRequest(format!(
                        "Job {} has already finished with status {}.",
                        job.number,
                        finished.as_str()
                    )));
                }
            }
            match self.store.save_job(&job, false).await {
                Err(e) if e.is_revision_race() => continue,
                other => return Ok(other?),
            }
        }
    }

    /// DeleteJob: a finished job the branch does not serve (spec §7.3 recommendations).
    pub async fn delete_job(&self, scope: &Scope, key: &JobKey) -> Result<Job> {
        let arn = arn::job(scope, &key.app_id, &key.branch_name, key.number);
        match self.store.delete_job(key, &arn).await {
            Ok(job) => Ok(job),
            Err(store::Error::NotFound(ResourceKind::AmplifyJob)) => Err(job_not_found(key)),
            Err(store::Error::NotFound(_)) => self.job(scope, key).await,
            Err(store::Error::Conflict(Conflict::JobUnfinished { number })) => Err(Error::BadRequest(format!(
                "Job {number} is not finished; stop it with StopJob before deleting it."
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// Records a file uploaded through a `fileUploadUrls` URL.
    pub async fn record_upload(&self, key: &JobKey, file: &UploadedFile) -> Result<()> {
        match self.store.record_upload(key, file).await {
            Err(store::Error::NotFound(_)) => Err(job_not_found(key)),
            other => Ok(other?),
        }
    }

    async fn save(&self, job: Job) -> Result<Job> {
        Ok(self.store.save_job(&job, false).await?)
    }

    // ---- reports of the job runner ----

    /// The runner took the job: PENDING → RUNNING with the DEPLOY step running. `None` when
    /// the job is no longer pending (stopped meanwhile, or taken by another node).
    pub async fn job_running(&self, key: &JobKey) -> Result<Option<Job>> {
        self.report(key, |job, now| {
            if job.status != JobStatus::Pending {
                return None;
            }
            job.status = JobStatus::Running;
            job.steps = vec![Step {
                step_name: DEPLOY_STEP.to_owned(),
                status: JobStatus::Running,
                start_time: now,
                ..Step::default()
            }];
            Some(false)
        })
        .await
    }

    /// ramp stopped while the job was running: back to PENDING, to be deployed again from
    /// the start (ingest is idempotent).
    pub async fn job_requeued(&self, key: &JobKey) -> Result<Option<Job>> {
        self.report(key, |job, _| {
            if !matches!(job.status, JobStatus::Running | JobStatus::Provisioning) {
                return None;
            }
            job.status = JobStatus::Pending;
            job.steps.clear();
            job.log
                .push("[WARNING]: ramp stopped during the deployment; deploying again.".to_owned());
            Some(false)
        })
        .await
    }

    /// The DEPLOY step stored the deploy: the job succeeds and the branch serves it, in one
    /// write. A job stopped meanwhile is cancelled instead and the branch keeps its deploy.
    pub async fn job_succeeded(
        &self,
        key: &JobKey,
        manifest: StoredBlob,
        archive: Option<StoredBlob>,
        log: Vec<String>,
    ) -> Result<Option<Job>> {
        self.report(key, |job, now| {
            job.log.extend(log.iter().cloned());
            if job.status == JobStatus::Cancelling {
                cancel(job, now);
                return Some(false);
            }
            if job.status != JobStatus::Running {
                return None;
            }
            finish_step(job, DEPLOY_STEP, JobStatus::Succeed, now, None);
            job.steps.push(Step {
                step_name: VERIFY_STEP.to_owned(),
                status: JobStatus::Succeed,
                start_time: now,
                end_time: Some(now),
                status_reason: None,
            });
            job.manifest = Some(manifest.clone());
            if archive.is_some() {
                job.archive = archive.clone();
            }
            job.status = JobStatus::Succeed;
            job.end_time = Some(now);
            Some(true)
        })
        .await
    }

    /// The DEPLOY step failed for `reason` (shown to the client): the branch keeps its deploy.
    pub async fn job_failed(&self, key: &JobKey, reason: &str, log: Vec<String>) -> Result<Option<Job>> {
        self.report(key, |job, now| {
            job.log.extend(log.iter().cloned());
            if job.status.is_finished() {
                return None;
            }
            if job.status == JobStatus::Cancelling {
                cancel(job, now);
            } else {
                fail(job, now, reason);
            }
            Some(false)
        })
        .await
    }

    /// A stopped job (CANCELLING) is now CANCELLED.
    pub async fn job_cancelled(&self, key: &JobKey) -> Result<Option<Job>> {
        self.report(key, |job, now| {
            if job.status != JobStatus::Cancelling {
                return None;
            }
            cancel(job, now);
            Some(false)
        })
        .await
    }

    /// Applies a runner report with compare-and-set, retrying when StopJob wrote in between.
    /// `change` returns `None` to leave the job alone, or whether the write activates it.
    pub(super) async fn report(
        &self,
        key: &JobKey,
        mut change: impl FnMut(&mut Job, Timestamp) -> Option<bool>,
    ) -> Result<Option<Job>> {
        loop {
            let Some(mut job) = self.store.job(key).await? else {
                return Ok(None);
            };
            let Some(activate) = change(&mut job, self.now()) else {
                return Ok(None);
            };
            match self.store.save_job(&job, activate).await {
                Ok(saved) => return Ok(Some(saved)),
                Err(e) if e.is_revision_race() => continue,
                Err(store::Error::NotFound(_)) => return Ok(None),
                Err(e) => return Err(e.into()),
            }
        }
    }
}

fn finish_step(job: &mut Job, name: &str, status: JobStatus, now: Timestamp, reason: Option<&str>) {
    if let Some(step) = job.steps.iter_mut().find(|s| s.step_name == name) {
        step.status = status;
        step.end_time = Some(now);
        step.status_reason = reason.map(str::to_owned);
    }
}

fn fail(job: &mut Job, now: Timestamp, reason: &str) {
    finish_step(job, DEPLOY_STEP, JobStatus::Failed, now, Some(reason));
    job.status = JobStatus::Failed;
    job.status_reason = Some(reason.to_owned());
    job.log.push(format!("[ERROR]: {reason}"));
    job.end_time = Some(now);
}

fn cancel(job: &mut Job, now: Timestamp) {
    finish_step(
        job,
        DEPLOY_STEP,
        JobStatus::Cancelled,
        now,
        Some("The job was stopped."),
    );
    job.status = JobStatus::Cancelled;
    job.end_time = Some(now);
}
