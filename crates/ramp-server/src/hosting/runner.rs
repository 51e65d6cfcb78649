//! The job runner: does the DEPLOY step of Amplify jobs (spec/amplify.md §7) and reports the
//! outcome to the domain, which switches the branch to the new deploy in the same write.
//!
//! Jobs are queued in this process by StartDeployment and StartJob. At start-up the runner takes
//! every unfinished job from the store (a job in flight when ramp was killed is deployed again
//! from the start: ingest is idempotent, content-addressed), so no job stays PENDING or RUNNING
//! across a restart. After each job, the branch's old deploys beyond the configured number
//! lose their files (`gc.rs`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ramp_blobs::Digest;
use ramp_domain::amplify::{Job, JobKey, JobSource, JobStatus, StoredBlob};
use ramp_sites::Manifest;
use ramp_sites::ingest::{self, Ingested, UploadedFile as SiteUpload};
use ramp_sites::source::{self, S3Source};
use tokio::sync::mpsc;

use super::Hosting;

/// The upload record that holds a job's zip (fileMap paths are never empty).
pub const ZIP_UPLOAD_PATH: &str = "";

/// Hands jobs to the runner task.
#[derive(Clone)]
pub struct Runner {
    queue: mpsc::UnboundedSender<JobKey>,
    /// Held for writing from a job's outcome write until the site table has it: readers of a
    /// finished job wait on it (`settled`), so nobody sees SUCCEED and then the old site.
    publishing: Arc<tokio::sync::RwLock<()>>,
}

/// Why a deploy failed, for the client (the job's `statusReason`) and the job log.
struct Failure {
    reason: String,
    log: Vec<String>,
}

impl Failure {
    fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            log: Vec::new(),
        }
    }
}

impl Runner {
    /// Starts the runner task over `hosting` and queues every unfinished job of the store.
    pub fn start(hosting: Arc<Hosting>, jobs: mpsc::UnboundedReceiver<JobKey>) {
        tokio::spawn(run_queue(hosting, jobs));
    }

    pub fn channel() -> (Runner, mpsc::UnboundedReceiver<JobKey>) {
        let (queue, jobs) = mpsc::unbounded_channel();
        let publishing = Arc::new(tokio::sync::RwLock::new(()));
        (Runner { queue, publishing }, jobs)
    }

    /// Resolves once no job outcome is between the store and the site table.
    pub async fn settled(&self) {
        drop(self.publishing.read().await);
    }

    /// Queues a PENDING job.
    pub fn enqueue(&self, key: JobKey) {
        // The receiver lives as long as the process; a closed queue means shutdown.
        let _ = self.queue.send(key);
    }
}

async fn run_queue(hosting: Arc<Hosting>, mut jobs: mpsc::UnboundedReceiver<JobKey>) {
    recover(&hosting).await;
    while let Some(key) = jobs.recv().await {
        // One deploy at a time per node: ingest already uses both cores.
        run(&hosting, &key).await;
        super::gc::expire_after_job(&hosting, &key).await;
    }
}

/// Finishes what a previous run of ramp left unfinished.
async fn recover(hosting: &Arc<Hosting>) {
    let jobs = match hosting.store.unfinished_jobs().await {
        Ok(jobs) => jobs,
        Err(e) => {
            tracing::error!(error = %e, "could not read the unfinished Amplify jobs");
            return;
        }
    };
    for job in jobs {
        let key = job.key();
        let outcome = match job.status {
            JobStatus::Cancelling => hosting.amplify.job_cancelled(&key).await.map(|_| ()),
            JobStatus::Running | JobStatus::Provisioning => hosting.amplify.job_requeued(&key).await.map(|_| {
                hosting.runner.enqueue(key.clone());
            }),
            JobStatus::Pending => {
                hosting.runner.enqueue(key.clone());
                Ok(())
            }
            // Waiting for its upload: StartDeployment will queue it.
            _ => Ok(()),
        };
        if let Err(e) = outcome {
            tracing::error!(job = ?key, error = %e, "could not recover an Amplify job");
        }
    }
}

async fn run(hosting: &Hosting, key: &JobKey) {
    let job = match hosting.amplify.job_running(key).await {
        Ok(Some(job)) => job,
        Ok(None) => {
            // Stopped before it started, or another node took it.
            if let Err(e) = hosting.amplify.job_cancelled(key).await {
                tracing::error!(job = ?key, error = %e, "could not cancel an Amplify job");
            }
            return;
        }
        Err(e) => {
            tracing::error!(job = ?key, error = %e, "could not start an Amplify job");
            return;
        }
    };
    let started = std::time::Instant::now();
    let outcome = deploy(hosting, &job).await;
    let publishing = hosting.runner.publishing.write().await;
    let reported = match outcome {
        Ok(deployed) => {
            tracing::info!(job = ?key, files = deployed.files, elapsed_ms = started.elapsed().as_millis() as u64, "deployed");
            hosting
                .amplify
                .job_succeeded(key, deployed.manifest, deployed.archive, deployed.log)
                .await
        }
        Err(failure) => {
            tracing::info!(job = ?key, reason = %failure.reason, "deploy failed");
            hosting.amplify.job_failed(key, &failure.reason, failure.log).await
        }
    };
    if let Err(e) = reported {
        tracing::error!(job = ?key, error = %e, "could not record an Amplify job's outcome");
    }
    hosting.table.refresh().await;
    drop(publishing);
}

struct Deployed {
    manifest: StoredBlob,
    archive: Option<StoredBlob>,
    files: u64,
    log: Vec<String>,
}

/// The DEPLOY step: the job's files into blobs and a manifest.
async fn deploy(hosting: &Hosting, job: &Job) -> Result<Deployed, Failure> {
    let scratch = tempfile::Builder::new()
        .prefix("ramp-deploy-")
        .tempdir_in(&hosting.config.scratch_dir)
        .map_err(|e| Failure::new(format!("ramp could not make a scratch directory: {e}")))?;
    let reuse = hosting.previous_manifest(job).await;
    let mut log = vec![format!("[INFO]: Starting deployment of job {}", job.number)];
    let (ingested, archive) = match &job.source {
        JobSource::Zip => {
            let upload = uploaded_zip(hosting, job).await?;
            let archive = scratch.path().join("artifacts.zip");
            fetch_blob(hosting, &upload, &archive).await?;
            (ingest_archive(hosting, &archive, reuse.as_ref()).await?, Some(upload))
        }
        JobSource::Files { file_map } => {
            let files = uploaded_files(hosting, job, file_map).await?;
            let ingested = ingest::ingest_files(&hosting.blobs, files, &hosting.config.ingest, reuse.as_ref())
                .await
                .map_err(|e| Failure::new(e.to_string()))?;
            (ingested, None)
        }
        JobSource::Url { url, url_type } if url_type == "BUCKET_PREFIX" => {
            log.push(format!("[INFO]: Reading the objects under {url}"));
            (ingest_prefix(hosting, url, reuse.as_ref()).await?, None)
        }
        JobSource::Url { url, .. } => {
            log.push(format!("[INFO]: Downloading {url}"));
            let archive = scratch.path().join("artifacts.zip");
            download(hosting, url, &archive).await?;
            let stored = store_archive(hosting, &archive).await?;
            (ingest_archive(hosting, &archive, reuse.as_ref()).await?, Some(stored))
        }
        JobSource::Job { number } => return republish(hosting, job, *number, log).await,
    };
    log.extend(ingested.log.iter().cloned());
    let manifest = store_manifest(hosting, &ingested.manifest).await?;
    log.push("[INFO]: Deployment finished.".to_owned());
    Ok(Deployed {
        manifest,
        archive,
        files: ingested.files,
        log,
    })
}

/// RETRY, RELEASE and webhook jobs publish an earlier job's deploy again: no files move.
async fn republish(hosting: &Hosting, job: &Job, number: i64, mut log: Vec<String>) -> Result<Deployed, Failure> {
    let source = hosting
        .store
        .job(&JobKey { number, ..job.key() })
        .await
        .map_err(|e| Failure::new(format!("ramp could not read job {number}: {e}")))?
        .ok_or_else(|| Failure::new(format!("Job {number} no longer exists.")))?;
    let manifest = source
        .manifest
        .ok_or_else(|| Failure::new(format!("Job {number} has no deployed files.")))?;
    log.push(format!("[INFO]: Publishing the files of job {number} again"));
    log.push("[INFO]: Deployment finished.".to_owned());
    Ok(Deployed {
        manifest,
        archive: source.archive,
        files: 0,
        log,
    })
}

async fn uploaded_zip(hosting: &Hosting, job: &Job) -> Result<StoredBlob, Failure> {
    let uploads = hosting
        .store
        .uploads(&job.key())
        .await
        .map_err(|e| Failure::new(format!("ramp could not read the job's uploads: {e}")))?;
    uploads
        .into_iter()
        .find(|u| u.path == ZIP_UPLOAD_PATH)
        .map(|u| u.blob)
        .ok_or_else(|| Failure::new("The deployment's zip file was not uploaded to its zipUploadUrl."))
}

async fn uploaded_files(
    hosting: &Hosting,
    job: &Job,
    file_map: &std::collections::BTreeMap<String, String>,
) -> Result<Vec<SiteUpload>, Failure> {
    let uploads = hosting
        .store
        .uploads(&job.key())
        .await
        .map_err(|e| Failure::new(format!("ramp could not read the job's uploads: {e}")))?;
    let mut files = Vec::with_capacity(file_map.len());
    for path in file_map.keys() {
        let upload = uploads
            .iter()
            .find(|u| &u.path == path)
            .ok_or_else(|| Failure::new(format!("File {path} of the fileMap was not uploaded.")))?;
        files.push(SiteUpload {
            path: path.clone(),
            blob: digest(&upload.blob)?,
            size: upload.blob.size,
        });
    }
    Ok(files)
}

fn digest(blob: &StoredBlob) -> Result<Digest, Failure> {
    Digest::parse(&blob.sha256).map_err(|e| Failure::new(format!("ramp stored a bad digest: {e}")))
}

async fn fetch_blob(hosting: &Hosting, blob: &StoredBlob, into: &Path) -> Result<(), Failure> {
    match hosting.blobs.get_to_file(digest(blob)?, into).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(Failure::new("The uploaded zip file is missing from ramp's blob store.")),
        Err(e) => Err(Failure::new(format!("ramp could not read the uploaded zip file: {e}"))),
    }
}

async fn ingest_archive(hosting: &Hosting, archive: &Path, reuse: Option<&Manifest>) -> Result<Ingested, Failure> {
    ingest::ingest_zip(&hosting.blobs, archive, &hosting.config.ingest, reuse)
        .await
        .map_err(|e| Failure::new(e.to_string()))
}

async fn ingest_prefix(hosting: &Hosting, url: &str, reuse: Option<&Manifest>) -> Result<Ingested, Failure> {
    let access = hosting
        .config
        .bucket
        .as_ref()
        .ok_or_else(|| Failure::new(NO_S3_ENDPOINT))?;
    let objects = source::fetch_prefix(access, url, &hosting.blobs, hosting.config.prefix_limits())
        .await
        .map_err(|e| Failure::new(e.to_string()))?;
    let files = objects
        .into_iter()
        .map(|o| SiteUpload {
            path: o.path,
            blob: o.blob,
            size: o.size,
        })
        .collect();
    ingest::ingest_files(&hosting.blobs, files, &hosting.config.ingest, reuse)
        .await
        .map_err(|e| Failure::new(e.to_string()))
}

const NO_S3_ENDPOINT: &str = "s3:// sources need an S3 endpoint: start ramp with --s3-endpoint (and credentials).";

/// A `ZIP` source: an http(s) URL fetched with the SSRF rules, or an `s3://bucket/key`.
async fn download(hosting: &Hosting, url: &str, into: &Path) -> Result<(), Failure> {
    let fetched = if url.starts_with("s3://") {
        S3Source::parse(url).map_err(|e| Failure::new(e.to_string()))?;
        let access = hosting
            .config
            .bucket
            .as_ref()
            .ok_or_else(|| Failure::new(NO_S3_ENDPOINT))?;
        source::fetch_object(access, url, hosting.config.ingest.max_archive_bytes, into).await
    } else {
        source::fetch_zip(url, &hosting.config.fetch, into).await
    };
    fetched.map(|_| ()).map_err(|e| Failure::new(e.to_string()))
}

/// Keeps a fetched archive as the job's artifact (ListArtifacts).
async fn store_archive(hosting: &Hosting, archive: &Path) -> Result<StoredBlob, Failure> {
    let path: PathBuf = archive.to_owned();
    let (digest, size) = tokio::task::spawn_blocking(move || super::transfers::hash_file(&path))
        .await
        .map_err(|e| Failure::new(format!("ramp could not hash the archive: {e}")))?
        .map_err(|e| Failure::new(format!("ramp could not hash the archive: {e}")))?;
    hosting
        .blobs
        .put_file(archive, digest)
        .await
        .map_err(|e| Failure::new(format!("ramp could not store the archive: {e}")))?;
    Ok(StoredBlob {
        sha256: digest.to_hex(),
        size,
    })
}

async fn store_manifest(hosting: &Hosting, manifest: &Manifest) -> Result<StoredBlob, Failure> {
    let digest = manifest
        .store(&hosting.blobs)
        .await
        .map_err(|e| Failure::new(format!("ramp could not store the deploy's manifest: {e}")))?;
    let size = serde_json::to_vec(manifest).map_or(0, |json| json.len() as u64);
    Ok(StoredBlob {
        sha256: digest.to_hex(),
        size,
    })
}
