//! Amplify Hosting's moving parts in one server process: the job runner that deploys, the
//! site table that serves by `Host`, the endpoints of the signed links (uploads, downloads,
//! webhooks), the path-addressed sites under `/_ramp/sites/`, and the access log.
//!
//! The domain (`ramp_domain::amplify`) decides; this module moves bytes: between clients, the
//! blob store and `ramp_sites` (ingest, sources, serving).

pub mod access_log;
pub mod gc;
pub mod runner;
pub mod table;
pub mod transfers;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ramp_blobs::{Blobs, Digest};
use ramp_domain::amplify::{Amplify, Job, JobKey};
use ramp_domain::store::Store;
use ramp_sites::Manifest;
use ramp_sites::ingest::IngestLimits;
use ramp_sites::source::{BucketAccess, FetchPolicy, PrefixLimits};

pub use runner::Runner;
pub use table::SiteTable;

/// How ramp hosts sites (flags of `ramp serve`).
#[derive(Debug, Clone)]
pub struct HostingConfig {
    /// Sites are served at `{displayName}.{appId}.{sites_domain}` (spec §8.1).
    pub sites_domain: String,
    pub ingest: IngestLimits,
    /// How `sourceUrl`s are fetched (SSRF rules, size, time).
    pub fetch: FetchPolicy,
    /// The S3-compatible endpoint `s3://` sources are read through, when configured.
    pub bucket: Option<BucketAccess>,
    /// Where deploys are unpacked while a job runs.
    pub scratch_dir: PathBuf,
    /// Bytes of site content kept in memory.
    pub cache_bytes: u64,
    /// Whether served requests are recorded for GenerateAccessLogs.
    pub access_log: bool,
    /// How long upload links live (AWS's are 3 hours, spec §6.2).
    pub upload_link_ttl: Duration,
    /// How long download links (artifacts, logs, access logs) live.
    pub download_link_ttl: Duration,
    /// How often a node checks the store for Amplify changes made by other nodes.
    pub refresh_interval: Duration,
    /// Which old deploys' files are collected, and when.
    pub gc: gc::GcConfig,
}

impl HostingConfig {
    pub fn prefix_limits(&self) -> PrefixLimits {
        PrefixLimits {
            max_objects: usize::try_from(self.ingest.max_files).unwrap_or(usize::MAX),
            max_total_bytes: self.ingest.max_total_bytes,
            max_object_bytes: self.ingest.max_file_bytes,
            ..PrefixLimits::default()
        }
    }
}

/// Amplify Hosting in this process.
pub struct Hosting {
    pub amplify: Arc<Amplify>,
    pub store: Arc<dyn Store>,
    pub blobs: Blobs,
    pub config: HostingConfig,
    pub runner: Runner,
    pub table: Arc<SiteTable>,
    pub access_log: access_log::Recorder,
}

impl Hosting {
    /// Builds hosting and starts its tasks: the job runner (which first finishes what a
    /// previous run left unfinished), the site table's refresh, the access-log writer and the
    /// blob store's sweeps.
    pub async fn start(
        amplify: Arc<Amplify>,
        store: Arc<dyn Store>,
        blobs: Blobs,
        config: HostingConfig,
    ) -> Arc<Hosting> {
        let (runner, jobs) = Runner::channel();
        let access_log = if config.access_log {
            access_log::Recorder::start(store.clone())
        } else {
            access_log::Recorder::off()
        };
        let table = SiteTable::new(
            store.clone(),
            blobs.clone(),
            amplify.clone(),
            config.cache_bytes,
            access_log.clone(),
        );
        table.refresh().await;
        table.clone().follow(config.refresh_interval);
        let hosting = Arc::new(Hosting {
            amplify,
            store,
            blobs,
            config,
            runner,
            table,
            access_log,
        });
        Runner::start(hosting.clone(), jobs);
        gc::start_sweeps(hosting.clone());
        hosting
    }

    /// The manifest the branch serves now, whose files a new deploy of the branch can reuse
    /// (precompressed variants are not made again for unchanged files).
    async fn previous_manifest(&self, job: &Job) -> Option<Manifest> {
        let branch = self
            .store
            .branch(&job.region, &job.app_id, &job.branch_name)
            .await
            .ok()??;
        let active = self
            .store
            .job(&JobKey {
                number: branch.active_job_id?,
                ..job.key()
            })
            .await
            .ok()??;
        let digest = Digest::parse(&active.manifest?.sha256).ok()?;
        Manifest::load(&self.blobs, digest).await.ok()
    }
}

impl crate::HostingEvents for Hosting {
    fn job_pending(&self, key: JobKey) {
        self.runner.enqueue(key);
    }

    fn changed(&self) -> crate::service::BoxFuture<'_, ()> {
        Box::pin(self.table.refresh())
    }

    fn settled(&self) -> crate::service::BoxFuture<'_, ()> {
        Box::pin(self.runner.settled())
    }
}
