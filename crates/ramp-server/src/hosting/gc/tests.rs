//! Expiry of old deploys (on the domain, over an SQLite store in memory, with a manual clock)
//! and the blob sweep (with a grace period of 0 where deletion is the point).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use ramp_blobs::{Blobs, Digest};
use ramp_clock::{ManualClock, SystemClock, Timestamp};
use ramp_domain::amplify::{
    Amplify, App, Branch, Job, JobKey, JobStatus, NewJob, Quotas, StartJobRequest, StoredBlob, UploadedFile,
};
use ramp_domain::arn::Scope;
use ramp_domain::entities::Tags;
use ramp_domain::error::Error;
use ramp_domain::store::Store;
use ramp_sites::Manifest;
use ramp_sites::ingest::{self, IngestLimits, UploadedFile as SiteUpload};

use super::{SweepReport, sweep};

const REGION: &str = "us-east-1";
const APP: &str = "d1";
const DAY_MILLIS: i64 = 24 * 3600 * 1000;

struct World {
    store: Arc<dyn Store>,
    clock: Arc<ManualClock>,
    amplify: Amplify,
    blobs: Blobs,
}

async fn world() -> World {
    let store: Arc<dyn Store> = Arc::new(ramp_store::SqliteStore::open_in_memory().unwrap());
    let clock = Arc::new(ManualClock::new(Timestamp::from_millis(1_700_000_000_000)));
    let amplify = Amplify::new(store.clone(), clock.clone(), Quotas::default(), "localhost".to_owned())
        .await
        .unwrap();
    let app = App {
        region: REGION.to_owned(),
        app_id: APP.to_owned(),
        name: "site".to_owned(),
        platform: "WEB".to_owned(),
        ..App::default()
    };
    store.create_app(&app, "arn:app", &Tags::new(), 10).await.unwrap();
    World {
        store,
        clock,
        amplify,
        blobs: Blobs::in_memory(),
    }
}

impl World {
    async fn branch(&self, name: &str, skew_protected: bool) {
        let branch = Branch {
            region: REGION.to_owned(),
            app_id: APP.to_owned(),
            branch_name: name.to_owned(),
            display_name: name.to_owned(),
            enable_skew_protection: skew_protected,
            ..Branch::default()
        };
        self.store
            .create_branch(&branch, &format!("arn:{name}"), &Tags::new(), 10)
            .await
            .unwrap();
    }

    /// A job of `branch` that succeeded now with `manifest` (and `archive`), made live.
    async fn deployed(&self, branch: &str, manifest: &str, archive: Option<&str>) -> Job {
        let created = self.created(branch).await;
        let job = Job {
            status: JobStatus::Succeed,
            end_time: Some(self.now()),
            manifest: Some(stored(manifest)),
            archive: archive.map(stored),
            ..created
        };
        self.store.save_job(&job, true).await.unwrap()
    }

    async fn created(&self, branch: &str) -> Job {
        let now = self.now();
        let job = Job {
            region: REGION.to_owned(),
            app_id: APP.to_owned(),
            branch_name: branch.to_owned(),
            create_time: now,
            start_time: now,
            ..Job::default()
        };
        self.store
            .create_job(&NewJob {
                job,
                abandon_created_before: Timestamp::from_millis(0),
            })
            .await
            .unwrap()
    }

    fn now(&self) -> Timestamp {
        ramp_clock::Clock::now(self.clock.as_ref())
    }

    async fn job(&self, branch: &str, number: i64) -> Job {
        self.store.job(&key(branch, number)).await.unwrap().unwrap()
    }

    async fn retry(&self, branch: &str, number: i64) -> Result<Job, Error> {
        let request = StartJobRequest {
            job_id: Some(number.to_string()),
            job_type: ramp_domain::amplify::JobType::Retry,
            ..StartJobRequest::default()
        };
        self.amplify
            .start_job(&Scope::new(REGION, "000000000000"), APP, branch, request)
            .await
    }

    async fn sweep(&self, grace: Duration) -> SweepReport {
        // Real wall time, as the sweep's caller gives it: the blobs' times are real.
        let now = SystemClock::real_now().plus_millis(1000);
        sweep(&self.amplify, self.store.as_ref(), &self.blobs, now, grace)
            .await
            .unwrap()
    }

    /// A deploy of `files` (path, content) stored as ingest stores it; its manifest's digest.
    async fn site(&self, files: &[(&str, &str)]) -> (Digest, Manifest) {
        let mut uploads = Vec::new();
        for (path, content) in files {
            let blob = self.blobs.put(Bytes::from(content.to_string())).await.unwrap();
            uploads.push(SiteUpload {
                path: (*path).to_owned(),
                blob,
                size: content.len() as u64,
            });
        }
        let ingested = ingest::ingest_files(&self.blobs, uploads, &IngestLimits::default(), None)
            .await
            .unwrap();
        let digest = ingested.manifest.store(&self.blobs).await.unwrap();
        (digest, ingested.manifest)
    }

    async fn stored(&self, digest: Digest) -> bool {
        self.blobs.contains(digest).await.unwrap()
    }
}

fn stored(sha256: &str) -> StoredBlob {
    StoredBlob {
        sha256: sha256.to_owned(),
        size: 1,
    }
}

fn key(branch: &str, number: i64) -> JobKey {
    JobKey {
        region: REGION.to_owned(),
        app_id: APP.to_owned(),
        branch_name: branch.to_owned(),
        number,
    }
}

#[tokio::test]
async fn old_deploys_lose_their_files_once_and_retry_of_them_is_refused() {
    let w = world().await;
    w.branch("main", false).await;
    for n in 1..=4 {
        w.deployed("main", &format!("m{n}"), Some(&format!("a{n}"))).await;
    }
    // A rollback: job 2 is live again (as a RETRY would make it).
    let two = w.job("main", 2).await;
    w.store.save_job(&two, true).await.unwrap();

    let released = w.amplify.expire_deploys(REGION, APP, "main", 1).await.unwrap();
    assert_eq!(released, [1, 3], "beyond the newest one, except the live job 2");
    let one = w.job("main", 1).await;
    assert_eq!((one.manifest, one.archive), (None, None));
    assert!(
        one.log.last().unwrap().contains("newest 1 deployments"),
        "{:?}",
        one.log
    );
    assert!(w.job("main", 2).await.manifest.is_some(), "live");
    assert!(w.job("main", 4).await.manifest.is_some(), "newest");

    let revision = w.job("main", 1).await.revision;
    assert!(
        w.amplify
            .expire_deploys(REGION, APP, "main", 1)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(w.job("main", 1).await.revision, revision, "no second write");

    let refused = w.retry("main", 3).await.unwrap_err();
    assert!(
        matches!(&refused, Error::BadRequest(m) if m.contains("has no deployed files")),
        "{refused:?}"
    );
    assert!(w.retry("main", 4).await.is_ok(), "a kept deploy can be published again");
}

#[tokio::test]
async fn skew_protection_keeps_deploys_for_a_week() {
    let w = world().await;
    w.branch("skew", true).await;
    w.deployed("skew", "m1", None).await;
    w.clock.advance(Duration::from_millis(3 * DAY_MILLIS as u64));
    w.deployed("skew", "m2", None).await;
    w.clock.advance(Duration::from_millis(DAY_MILLIS as u64));
    w.deployed("skew", "m3", None).await;

    assert!(
        w.amplify
            .expire_deploys(REGION, APP, "skew", 0)
            .await
            .unwrap()
            .is_empty(),
        "all within the week: still served"
    );
    w.clock.advance(Duration::from_millis(4 * DAY_MILLIS as u64));
    assert_eq!(
        w.amplify.expire_deploys(REGION, APP, "skew", 0).await.unwrap(),
        [1],
        "job 1 ended 8 days ago; job 2 7 days ago is still served; job 3 is live"
    );
}

#[tokio::test]
async fn the_sweep_deletes_what_no_job_references_once_old_enough() {
    let w = world().await;
    w.branch("main", false).await;
    let (old_manifest, old) = w.site(&[("index.html", "<h1>old</h1>"), ("app.js", "shared()")]).await;
    let (live_manifest, live) = w.site(&[("index.html", "<h1>new</h1>"), ("app.js", "shared()")]).await;
    let archive = w.blobs.put(Bytes::from_static(b"zip")).await.unwrap();
    let orphan = w
        .blobs
        .put(Bytes::from_static(b"left by a failed upload"))
        .await
        .unwrap();
    w.deployed("main", &old_manifest.to_hex(), None).await;
    w.deployed("main", &live_manifest.to_hex(), Some(&archive.to_hex()))
        .await;

    let young = w.sweep(Duration::from_secs(3600)).await;
    assert_eq!(
        (young.deleted, young.stopped.as_deref()),
        (0, None),
        "everything is young: {young:?}"
    );
    assert_eq!(young.young, 1, "the orphan");

    assert_eq!(w.amplify.expire_deploys(REGION, APP, "main", 1).await.unwrap(), [1]);
    let report = w.sweep(Duration::ZERO).await;
    assert!(!w.stored(orphan).await);
    assert!(!w.stored(old_manifest).await);
    let old_only: Vec<Digest> = old.blobs().filter(|d| !live.blobs().any(|l| l == *d)).collect();
    assert!(!old_only.is_empty());
    for digest in &old_only {
        assert!(!w.stored(*digest).await, "the expired deploy's own files go");
    }
    for digest in live.blobs().chain([live_manifest, archive]) {
        assert!(
            w.stored(digest).await,
            "the live deploy keeps everything, shared files too"
        );
    }
    assert_eq!(report.deleted, 2 + old_only.len() as u64, "{report:?}");
    assert_eq!(report.young, 0);
}

#[tokio::test]
async fn nothing_is_deleted_while_a_deploy_is_being_uploaded() {
    let w = world().await;
    w.branch("main", false).await;
    let orphan = w
        .blobs
        .put(Bytes::from_static(b"old content uploaded again"))
        .await
        .unwrap();
    let upload = w.blobs.put(Bytes::from_static(b"index")).await.unwrap();
    let job = w.created("main").await;

    let report = w.sweep(Duration::ZERO).await;
    assert_eq!(report.stopped.as_deref(), Some("a deploy is in flight"));
    assert!(w.stored(orphan).await);

    // Past the upload window the job is abandoned: its recorded uploads stay, nothing else.
    w.amplify
        .record_upload(
            &job.key(),
            &UploadedFile {
                path: "index.html".to_owned(),
                blob: StoredBlob {
                    sha256: upload.to_hex(),
                    size: 5,
                },
            },
        )
        .await
        .unwrap();
    w.clock.advance(Duration::from_secs(9 * 3600));
    let report = w.sweep(Duration::ZERO).await;
    assert_eq!((report.deleted, report.stopped), (1, None));
    assert!(!w.stored(orphan).await);
    assert!(w.stored(upload).await, "an unfinished job's upload is referenced");
}
