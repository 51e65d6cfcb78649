//! Amplify jobs: numbering from the branch's counter, one unfinished job per branch (and the
//! abandoned-upload rule), compare-and-set saves, the active-job switch, delete refusals,
//! uploads while `Created`, and what garbage collection and a restart read.

use ramp_domain::amplify::{Job, JobSource, JobStatus, StoredBlob, UploadedFile};
use ramp_domain::store::{Conflict, Error, ResourceKind};

use super::amplify::{app_with_branches, job_arn, job_key, new_job};
use super::{ALL, Store, at, page};

/// `job` finished with `status` at `end`.
fn finished(job: &Job, status: JobStatus, end: i64) -> Job {
    Job {
        status,
        end_time: Some(at(end)),
        ..job.clone()
    }
}

/// Creates a job on the branch and saves it finished as `status` (activating it if asked).
async fn finished_job(
    store: &dyn Store,
    region: &str,
    app: &str,
    branch: &str,
    status: JobStatus,
    end: i64,
    activate: bool,
) -> Job {
    let created = store
        .create_job(&new_job(region, app, branch, at(end - 5)))
        .await
        .expect("create job");
    store
        .save_job(&finished(&created, status, end), activate)
        .await
        .expect("finish job")
}

pub async fn amplify_jobs_are_numbered_per_branch(store: &dyn Store) {
    let r = "us-east-1";
    app_with_branches(store, r, "d1", &["main", "dev"]).await;
    let mut numbers = Vec::new();
    for i in 0..3 {
        let job = finished_job(store, r, "d1", "main", JobStatus::Succeed, 100 + i, false).await;
        numbers.push(job.number);
    }
    assert_eq!(numbers, [1, 2, 3]);
    let dev = store
        .create_job(&new_job(r, "d1", "dev", at(5)))
        .await
        .expect("dev job");
    assert_eq!(
        (dev.number, dev.revision),
        (1, 1),
        "numbered per branch, from revision 1"
    );
    assert_eq!(dev.status, JobStatus::Created);
    assert_eq!(store.job(&dev.key()).await.expect("get"), Some(dev.clone()));
    let main = store.branch(r, "d1", "main").await.expect("get").expect("exists");
    assert_eq!(main.total_number_of_jobs, 3);
    assert_eq!(
        store
            .branch(r, "d1", "dev")
            .await
            .expect("get")
            .expect("exists")
            .total_number_of_jobs,
        1
    );

    let listed = store.jobs(r, "d1", "main", ALL).await.expect("list");
    let order: Vec<i64> = listed.iter().map(|l| l.item.number).collect();
    assert_eq!(order, [3, 2, 1], "newest first");
    let first = store.jobs(r, "d1", "main", page(None, 1)).await.expect("page");
    assert_eq!(first[0].item.number, 3);
    let rest = store
        .jobs(r, "d1", "main", page(Some(first[0].cursor), 5))
        .await
        .expect("page");
    assert_eq!(rest.iter().map(|l| l.item.number).collect::<Vec<_>>(), [2, 1]);

    assert_eq!(
        store.create_job(&new_job(r, "d1", "gone", at(5))).await,
        Err(Error::NotFound(ResourceKind::AmplifyBranch))
    );
    assert_eq!(store.job(&job_key(r, "d1", "main", 9)).await.expect("get"), None);
    // Numbers are never reused, even after a delete.
    store
        .delete_job(&job_key(r, "d1", "main", 3), &job_arn(r, "d1", "main", 3))
        .await
        .expect("delete");
    let next = store
        .create_job(&new_job(r, "d1", "main", at(200)))
        .await
        .expect("create");
    assert_eq!(next.number, 4);
}

pub async fn amplify_one_unfinished_job_per_branch(store: &dyn Store) {
    let r = "eu-west-1";
    app_with_branches(store, r, "d1", &["main", "dev"]).await;
    let first = store
        .create_job(&new_job(r, "d1", "main", at(1_000)))
        .await
        .expect("first");
    assert_eq!(
        store.create_job(&new_job(r, "d1", "main", at(2_000))).await,
        Err(Error::Conflict(Conflict::JobUnfinished { number: 1 }))
    );
    store
        .create_job(&new_job(r, "d1", "dev", at(2_000)))
        .await
        .expect("another branch is free");

    // A Created job older than the cutoff is abandoned: cancelled by the new job's creation.
    let mut abandoning = new_job(r, "d1", "main", at(5_000));
    abandoning.abandon_created_before = at(1_000);
    assert_eq!(
        store.create_job(&abandoning).await,
        Err(Error::Conflict(Conflict::JobUnfinished { number: 1 })),
        "created exactly at the cutoff is not older"
    );
    abandoning.abandon_created_before = at(1_001);
    let second = store.create_job(&abandoning).await.expect("abandons the first");
    assert_eq!(second.number, 2);
    let cancelled = store.job(&first.key()).await.expect("get").expect("kept");
    assert_eq!(cancelled.status, JobStatus::Cancelled);
    assert_eq!(cancelled.revision, first.revision + 1, "a cancel is a write");
    assert!(cancelled.end_time.is_some());

    // A started job is never abandoned, however old.
    let running = Job {
        status: JobStatus::Running,
        ..second.clone()
    };
    store.save_job(&running, false).await.expect("start");
    let mut late = new_job(r, "d1", "main", at(9_000));
    late.abandon_created_before = at(9_000);
    assert_eq!(
        store.create_job(&late).await,
        Err(Error::Conflict(Conflict::JobUnfinished { number: 2 }))
    );
    assert_eq!(
        store.job(&second.key()).await.expect("get").expect("kept").status,
        JobStatus::Running
    );
    let stored = store.job(&second.key()).await.expect("get").expect("kept");
    store
        .save_job(&finished(&stored, JobStatus::Failed, 9_500), false)
        .await
        .expect("fail");
    assert_eq!(store.create_job(&late).await.expect("free again").number, 3);
}

pub async fn amplify_save_job_is_compare_and_set(store: &dyn Store) {
    let r = "ap-northeast-1";
    app_with_branches(store, r, "d1", &["main"]).await;
    let created = store
        .create_job(&new_job(r, "d1", "main", at(10)))
        .await
        .expect("create");
    let pending = Job {
        status: JobStatus::Pending,
        source: JobSource::Files {
            file_map: [("index.html".to_owned(), "abc".to_owned())].into(),
        },
        log: vec!["[INFO]: Starting".to_owned()],
        ..created.clone()
    };
    let saved = store.save_job(&pending, false).await.expect("save");
    assert_eq!(saved.revision, created.revision + 1);
    assert_eq!(
        saved,
        Job {
            revision: 2,
            ..pending.clone()
        }
    );
    assert_eq!(store.job(&created.key()).await.expect("get"), Some(saved.clone()));

    let stale = Job {
        status: JobStatus::Cancelled,
        ..created.clone()
    };
    assert_eq!(
        store.save_job(&stale, false).await,
        Err(Error::Conflict(Conflict::RevisionChanged {
            number: created.number,
            revision: created.revision
        }))
    );
    assert!(store.save_job(&stale, false).await.is_err_and(|e| e.is_revision_race()));
    assert_eq!(
        store.job(&created.key()).await.expect("get"),
        Some(saved.clone()),
        "a refused save changes nothing"
    );
    let gone = Job {
        number: 42,
        ..saved.clone()
    };
    assert_eq!(
        store.save_job(&gone, false).await,
        Err(Error::NotFound(ResourceKind::AmplifyJob))
    );
}

pub async fn amplify_activate_switches_the_active_job(store: &dyn Store) {
    let r = "ap-southeast-2";
    app_with_branches(store, r, "d1", &["main"]).await;
    let one = finished_job(store, r, "d1", "main", JobStatus::Succeed, 100, true).await;
    let branch = store.branch(r, "d1", "main").await.expect("get").expect("exists");
    assert_eq!(branch.active_job_id, Some(one.number));

    let two = finished_job(store, r, "d1", "main", JobStatus::Failed, 200, false).await;
    assert_eq!(
        store
            .branch(r, "d1", "main")
            .await
            .expect("get")
            .expect("exists")
            .active_job_id,
        Some(one.number),
        "a save without activate leaves the active job"
    );
    let three = finished_job(store, r, "d1", "main", JobStatus::Succeed, 300, true).await;
    let branch = store.branch(r, "d1", "main").await.expect("get").expect("exists");
    assert_eq!(branch.active_job_id, Some(three.number));
    assert_eq!(branch.total_number_of_jobs, 3);
    // update_branch leaves the job members alone.
    store
        .update_branch(&super::amplify::branch(r, "d1", "main"))
        .await
        .expect("update");
    let branch = store.branch(r, "d1", "main").await.expect("get").expect("exists");
    assert_eq!((branch.active_job_id, branch.total_number_of_jobs), (Some(3), 3));
    // A refused activation switches nothing.
    let stale = Job {
        revision: 1,
        ..one.clone()
    };
    assert!(store.save_job(&stale, true).await.is_err());
    assert_eq!(
        store
            .branch(r, "d1", "main")
            .await
            .expect("get")
            .expect("exists")
            .active_job_id,
        Some(3)
    );
    assert_eq!(two.status, JobStatus::Failed);
}

pub async fn amplify_delete_job_refusals(store: &dyn Store) {
    let r = "us-west-1";
    app_with_branches(store, r, "d1", &["main"]).await;
    let old = finished_job(store, r, "d1", "main", JobStatus::Succeed, 100, true).await;
    let active = finished_job(store, r, "d1", "main", JobStatus::Succeed, 200, true).await;
    let running = store
        .create_job(&new_job(r, "d1", "main", at(300)))
        .await
        .expect("create");
    let arn = |n| job_arn(r, "d1", "main", n);
    assert_eq!(
        store.delete_job(&running.key(), &arn(running.number)).await,
        Err(Error::Conflict(Conflict::JobUnfinished { number: running.number }))
    );
    assert_eq!(
        store.delete_job(&active.key(), &arn(active.number)).await,
        Err(Error::Conflict(Conflict::JobActive { number: active.number }))
    );
    store
        .tag(
            &ramp_domain::store::TaggedResource::AmplifyJob {
                region: r.to_owned(),
                app_id: "d1".to_owned(),
                branch_name: "main".to_owned(),
                number: old.number,
            },
            &arn(old.number),
            &super::tags(&[("k", "v")]),
            10,
        )
        .await
        .expect("tag");
    assert_eq!(store.delete_job(&old.key(), &arn(old.number)).await, Ok(old.clone()));
    assert_eq!(store.job(&old.key()).await.expect("get"), None);
    assert!(store.tags(&arn(old.number)).await.expect("tags").is_empty());
    assert_eq!(
        store.delete_job(&old.key(), &arn(old.number)).await,
        Err(Error::NotFound(ResourceKind::AmplifyJob))
    );
}

fn file(path: &str, sha: &str) -> UploadedFile {
    UploadedFile {
        path: path.to_owned(),
        blob: StoredBlob {
            sha256: sha.to_owned(),
            size: 3,
        },
    }
}

pub async fn amplify_uploads_only_while_created(store: &dyn Store) {
    let r = "eu-north-1";
    app_with_branches(store, r, "d1", &["main"]).await;
    let job = store
        .create_job(&new_job(r, "d1", "main", at(10)))
        .await
        .expect("create");
    let key = job.key();
    store.record_upload(&key, &file("b.css", "11")).await.expect("upload");
    store.record_upload(&key, &file("a.html", "22")).await.expect("upload");
    store.record_upload(&key, &file("b.css", "33")).await.expect("replace");
    assert_eq!(
        store.uploads(&key).await.expect("uploads"),
        [file("a.html", "22"), file("b.css", "33")]
    );
    assert_eq!(
        store
            .record_upload(&job_key(r, "d1", "main", 9), &file("x", "44"))
            .await,
        Err(Error::NotFound(ResourceKind::AmplifyJob))
    );
    let started = store
        .save_job(
            &Job {
                status: JobStatus::Pending,
                ..job.clone()
            },
            false,
        )
        .await
        .expect("start");
    assert_eq!(
        store.record_upload(&key, &file("late.js", "55")).await,
        Err(Error::Conflict(Conflict::JobNotCreated { number: job.number }))
    );
    assert_eq!(store.uploads(&key).await.expect("uploads").len(), 2);
    store
        .save_job(&finished(&started, JobStatus::Succeed, 20), false)
        .await
        .expect("finish");
    store
        .delete_job(&key, &job_arn(r, "d1", "main", job.number))
        .await
        .expect("delete");
    assert!(
        store.uploads(&key).await.expect("uploads").is_empty(),
        "gone with the job"
    );
}

pub async fn amplify_unfinished_jobs_of_every_region_oldest_first(store: &dyn Store) {
    app_with_branches(store, "us-east-1", "d1", &["main", "dev"]).await;
    app_with_branches(store, "eu-west-1", "d2", &["main"]).await;
    let a = store
        .create_job(&new_job("us-east-1", "d1", "dev", at(1)))
        .await
        .expect("a");
    let done = finished_job(store, "us-east-1", "d1", "main", JobStatus::Succeed, 50, true).await;
    let b = store
        .create_job(&new_job("eu-west-1", "d2", "main", at(2)))
        .await
        .expect("b");
    let c = store
        .create_job(&new_job("us-east-1", "d1", "main", at(3)))
        .await
        .expect("c");
    let running = store
        .save_job(
            &Job {
                status: JobStatus::Running,
                ..c.clone()
            },
            false,
        )
        .await
        .expect("run");
    let unfinished = store.unfinished_jobs().await.expect("unfinished");
    assert_eq!(unfinished, [a, b, running]);
    assert!(!unfinished.contains(&done));
}

pub async fn amplify_expired_jobs_spare_the_newest_active_and_skew_protected(store: &dyn Store) {
    let r = "us-east-2";
    app_with_branches(store, r, "d1", &["main", "skew"]).await;
    // main: 1 active (old), 2..=6 finished, 7 running.
    finished_job(store, r, "d1", "main", JobStatus::Succeed, 100, true).await;
    for i in 2..=6 {
        finished_job(store, r, "d1", "main", JobStatus::Succeed, 100 * i, false).await;
    }
    store
        .create_job(&new_job(r, "d1", "main", at(800)))
        .await
        .expect("unfinished");
    let numbers = |jobs: Vec<Job>| jobs.iter().map(|j| j.number).collect::<Vec<_>>();
    let expired = store.expired_jobs(r, "d1", "main", 2, at(0)).await.expect("expired");
    assert_eq!(
        numbers(expired),
        [2, 3, 4],
        "beyond the newest two finished, not the active one"
    );
    assert!(
        store
            .expired_jobs(r, "d1", "main", 10, at(0))
            .await
            .expect("expired")
            .is_empty()
    );

    // skew: protection keeps succeeded jobs that ended at or after skew_since.
    let mut skew = super::amplify::branch(r, "d1", "skew");
    skew.enable_skew_protection = true;
    store.update_branch(&skew).await.expect("protect");
    for (status, end) in [
        (JobStatus::Succeed, 100),
        (JobStatus::Succeed, 200),
        (JobStatus::Failed, 300),
        (JobStatus::Succeed, 400),
        (JobStatus::Succeed, 500),
    ] {
        finished_job(store, r, "d1", "skew", status, end, false).await;
    }
    let expired = store.expired_jobs(r, "d1", "skew", 1, at(200)).await.expect("expired");
    assert_eq!(
        numbers(expired),
        [1, 3],
        "1 ended before skew_since; 3 failed, so nothing serves it"
    );
    assert!(
        store
            .expired_jobs(r, "d1", "gone", 0, at(0))
            .await
            .expect("none")
            .is_empty()
    );
}

pub async fn amplify_referenced_blobs_cover_every_job(store: &dyn Store) {
    let r = "us-east-1";
    app_with_branches(store, r, "d1", &["main"]).await;
    app_with_branches(store, "eu-west-1", "d2", &["main"]).await;
    let blob = |sha: &str| StoredBlob {
        sha256: sha.to_owned(),
        size: 1,
    };
    // d1: a zip deploy, then a RETRY of it (same manifest and archive: listed once).
    for number in 1..=2 {
        let created = store
            .create_job(&new_job(r, "d1", "main", at(number)))
            .await
            .expect("create");
        store
            .record_upload(&created.key(), &file("index.html", "ff"))
            .await
            .expect("upload");
        let deployed = Job {
            status: JobStatus::Succeed,
            archive: Some(blob("zz")),
            manifest: Some(blob("mm")),
            ..created
        };
        store.save_job(&deployed, true).await.expect("deploy");
    }
    // d2: a job still being uploaded.
    let other = store
        .create_job(&new_job("eu-west-1", "d2", "main", at(1)))
        .await
        .expect("create");
    store
        .save_job(
            &Job {
                manifest: Some(blob("aa")),
                ..other.clone()
            },
            false,
        )
        .await
        .expect("save");
    store
        .record_upload(&other.key(), &file("index.html", "uu"))
        .await
        .expect("upload");
    let blobs = store.referenced_blobs().await.expect("blobs");
    assert_eq!(blobs.manifests, ["aa", "mm"], "each once, sorted");
    assert_eq!(
        blobs.others,
        ["uu", "zz"],
        "archives and the uploads of the unfinished job; a finished job's uploads are not roots"
    );
}
