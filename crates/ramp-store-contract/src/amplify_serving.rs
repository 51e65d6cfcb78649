//! Amplify as the site host reads it: cascading deletes (with the tags of every ARN below),
//! the generation every write bumps, the serving state with skew protection, the access log,
//! and racing job creations.

use std::sync::Arc;

use ramp_clock::Timestamp;
use ramp_domain::amplify::{AccessLogEntry, Job, JobStatus, StoredBlob, UploadedFile};
use ramp_domain::entities::Tags;
use ramp_domain::store::{Conflict, Error, TaggedResource};

use super::amplify::{
    amplify_app, app_arn, app_with_branches, backend, branch, branch_arn, domain, job_arn, job_key, new_job, webhook,
};
use super::{ALL, PLENTY, Store, at, tags};

/// A deployed job on `app`/`branch_name` (SUCCEED at `end`, made active), with tags.
async fn deployed(store: &dyn Store, region: &str, app: &str, branch_name: &str, end: i64) -> Job {
    let created = store
        .create_job(&new_job(region, app, branch_name, at(end - 1)))
        .await
        .expect("create");
    let done = Job {
        status: JobStatus::Succeed,
        end_time: Some(at(end)),
        ..created
    };
    let saved = store.save_job(&done, true).await.expect("deploy");
    store
        .tag(
            &TaggedResource::AmplifyJob {
                region: region.to_owned(),
                app_id: app.to_owned(),
                branch_name: branch_name.to_owned(),
                number: saved.number,
            },
            &job_arn(region, app, branch_name, saved.number),
            &tags(&[("job", "yes")]),
            10,
        )
        .await
        .expect("tag the job");
    saved
}

fn access(region: &str, app: &str, time: i64, path: &str) -> AccessLogEntry {
    AccessLogEntry {
        region: region.to_owned(),
        app_id: app.to_owned(),
        time: at(time),
        method: "GET".to_owned(),
        path: path.to_owned(),
        status: 200,
        ..AccessLogEntry::default()
    }
}

pub async fn amplify_app_delete_cascades(store: &dyn Store) {
    let r = "us-east-1";
    let t = tags(&[("team", "web")]);
    // d1 and d12: one ID a prefix of the other, so a careless ARN match would take both.
    for app in ["d1", "d12"] {
        store
            .create_app(&amplify_app(r, app), &app_arn(r, app), &t, PLENTY)
            .await
            .expect("app");
        store
            .create_branch(&branch(r, app, "main"), &branch_arn(r, app, "main"), &t, PLENTY)
            .await
            .expect("branch");
        let job = deployed(store, r, app, "main", 100).await;
        store
            .create_domain_association(&domain(r, app, &format!("{app}.example.com")))
            .await
            .expect("domain");
        store
            .create_webhook(&webhook(r, app, &format!("w-{app}")))
            .await
            .expect("webhook");
        store
            .create_backend_environment(&backend(r, app, "prod"))
            .await
            .expect("backend");
        store.append_access_log(&[access(r, app, 10, "/")]).await.expect("log");
        assert_eq!(job.number, 1);
    }
    let pending = store.create_job(&new_job(r, "d1", "main", at(200))).await.expect("job");
    store
        .record_upload(
            &pending.key(),
            &UploadedFile {
                path: "index.html".to_owned(),
                blob: StoredBlob {
                    sha256: "ab".to_owned(),
                    size: 1,
                },
            },
        )
        .await
        .expect("upload");

    let deleted = store.delete_app(r, "d1", &app_arn(r, "d1")).await.expect("delete");
    assert_eq!(deleted.app_id, "d1");
    assert_eq!(store.branch(r, "d1", "main").await.expect("get"), None);
    assert_eq!(store.job(&job_key(r, "d1", "main", 1)).await.expect("get"), None);
    assert!(store.uploads(&pending.key()).await.expect("uploads").is_empty());
    assert!(store.domain_associations(r, "d1", ALL).await.expect("list").is_empty());
    assert_eq!(store.webhook(r, "w-d1").await.expect("get"), None);
    assert!(store.backend_environments(r, "d1", ALL).await.expect("list").is_empty());
    assert!(
        store
            .access_log(r, "d1", at(0), at(1_000), 10)
            .await
            .expect("log")
            .is_empty()
    );
    assert!(store.unfinished_jobs().await.expect("unfinished").is_empty());
    for arn in [
        app_arn(r, "d1"),
        branch_arn(r, "d1", "main"),
        job_arn(r, "d1", "main", 1),
    ] {
        assert!(store.tags(&arn).await.expect("tags").is_empty(), "{arn}");
    }
    // The domain is free for another app now.
    store
        .create_domain_association(&domain(r, "d12", "d1.example.com"))
        .await
        .expect("domain freed");

    // d12 keeps everything, tags included.
    assert_eq!(store.tags(&app_arn(r, "d12")).await.expect("tags"), t);
    assert_eq!(store.tags(&branch_arn(r, "d12", "main")).await.expect("tags"), t);
    assert_eq!(
        store.tags(&job_arn(r, "d12", "main", 1)).await.expect("tags"),
        tags(&[("job", "yes")])
    );
    assert!(store.job(&job_key(r, "d12", "main", 1)).await.expect("get").is_some());
    assert!(store.webhook(r, "w-d12").await.expect("get").is_some());
    assert_eq!(
        store
            .access_log(r, "d12", at(0), at(1_000), 10)
            .await
            .expect("log")
            .len(),
        1
    );
}

pub async fn amplify_branch_delete_cascades(store: &dyn Store) {
    let r = "eu-west-2";
    let t = tags(&[("b", "1")]);
    store
        .create_app(&amplify_app(r, "d1"), &app_arn(r, "d1"), &t, PLENTY)
        .await
        .expect("app");
    // "a" and "a-b": one name a prefix of the other.
    for name in ["a", "a-b"] {
        store
            .create_branch(&branch(r, "d1", name), &branch_arn(r, "d1", name), &t, PLENTY)
            .await
            .expect("branch");
        deployed(store, r, "d1", name, 100).await;
    }
    store
        .delete_branch(r, "d1", "a", &branch_arn(r, "d1", "a"))
        .await
        .expect("delete");
    assert_eq!(store.job(&job_key(r, "d1", "a", 1)).await.expect("get"), None);
    assert!(store.jobs(r, "d1", "a", ALL).await.expect("list").is_empty());
    assert!(store.tags(&branch_arn(r, "d1", "a")).await.expect("tags").is_empty());
    assert!(store.tags(&job_arn(r, "d1", "a", 1)).await.expect("tags").is_empty());
    assert_eq!(store.tags(&app_arn(r, "d1")).await.expect("tags"), t);
    assert_eq!(store.tags(&branch_arn(r, "d1", "a-b")).await.expect("tags"), t);
    assert_eq!(store.tags(&job_arn(r, "d1", "a-b", 1)).await.expect("tags").len(), 1);
    assert!(store.job(&job_key(r, "d1", "a-b", 1)).await.expect("get").is_some());

    // A branch created again under the name starts afresh.
    store
        .create_branch(&branch(r, "d1", "a"), &branch_arn(r, "d1", "a"), &Tags::new(), PLENTY)
        .await
        .expect("again");
    let again = store.branch(r, "d1", "a").await.expect("get").expect("exists");
    assert_eq!((again.active_job_id, again.total_number_of_jobs), (None, 0));
}

/// Every kind of Amplify write bumps the generation; a refused one does not.
pub async fn amplify_every_write_bumps_the_generation(store: &dyn Store) {
    let r = "us-west-2";
    let mut last = store.amplify_generation().await.expect("generation");
    let mut bumped = |now: i64, what: &str| {
        assert!(now > last, "{what}: {now} after {last}");
        last = now;
    };
    let g = || async { store.amplify_generation().await.expect("generation") };

    store
        .create_app(&amplify_app(r, "d1"), &app_arn(r, "d1"), &Tags::new(), PLENTY)
        .await
        .expect("app");
    bumped(g().await, "create_app");
    store.update_app(&amplify_app(r, "d1")).await.expect("update");
    bumped(g().await, "update_app");
    store
        .create_branch(
            &branch(r, "d1", "main"),
            &branch_arn(r, "d1", "main"),
            &Tags::new(),
            PLENTY,
        )
        .await
        .expect("branch");
    bumped(g().await, "create_branch");
    store.update_branch(&branch(r, "d1", "main")).await.expect("update");
    bumped(g().await, "update_branch");
    let job = store.create_job(&new_job(r, "d1", "main", at(1))).await.expect("job");
    bumped(g().await, "create_job");
    let upload = UploadedFile {
        path: "a".to_owned(),
        blob: StoredBlob {
            sha256: "00".to_owned(),
            size: 0,
        },
    };
    store.record_upload(&job.key(), &upload).await.expect("upload");
    bumped(g().await, "record_upload");
    let done = Job {
        status: JobStatus::Succeed,
        end_time: Some(at(2)),
        ..job.clone()
    };
    let done = store.save_job(&done, true).await.expect("save");
    bumped(g().await, "save_job");
    store
        .create_domain_association(&domain(r, "d1", "x.example.com"))
        .await
        .expect("domain");
    bumped(g().await, "create_domain_association");
    store
        .update_domain_association(&domain(r, "d1", "x.example.com"))
        .await
        .expect("update");
    bumped(g().await, "update_domain_association");
    store
        .delete_domain_association(r, "d1", "x.example.com")
        .await
        .expect("delete");
    bumped(g().await, "delete_domain_association");
    store.create_webhook(&webhook(r, "d1", "w")).await.expect("webhook");
    bumped(g().await, "create_webhook");
    store.update_webhook(&webhook(r, "d1", "w")).await.expect("update");
    bumped(g().await, "update_webhook");
    store.delete_webhook(r, "w").await.expect("delete");
    bumped(g().await, "delete_webhook");
    store
        .create_backend_environment(&backend(r, "d1", "prod"))
        .await
        .expect("backend");
    bumped(g().await, "create_backend_environment");
    store.delete_backend_environment(r, "d1", "prod").await.expect("delete");
    bumped(g().await, "delete_backend_environment");
    store
        .create_job(&new_job(r, "d1", "main", at(3)))
        .await
        .expect("second job");
    bumped(g().await, "create_job");
    let second = store
        .job(&job_key(r, "d1", "main", 2))
        .await
        .expect("get")
        .expect("exists");
    store
        .save_job(
            &Job {
                status: JobStatus::Cancelled,
                ..second
            },
            true,
        )
        .await
        .expect("cancel and activate");
    bumped(g().await, "save_job");
    store
        .delete_job(&done.key(), &job_arn(r, "d1", "main", done.number))
        .await
        .expect("delete job");
    bumped(g().await, "delete_job");

    let before = g().await;
    assert_eq!(
        store.create_job(&new_job(r, "dnone", "main", at(4))).await,
        Err(Error::NotFound(ramp_domain::store::ResourceKind::AmplifyBranch))
    );
    assert!(store.save_job(&job, false).await.is_err(), "stale");
    assert_eq!(g().await, before, "refused writes bump nothing");
    // The access log is not a resource: appending to it, served requests' work, bumps nothing.
    store.append_access_log(&[access(r, "d1", 1, "/")]).await.expect("log");
    store.prune_access_log(at(10)).await.expect("prune");
    assert_eq!(g().await, before, "the access log leaves the site table alone");

    store
        .delete_branch(r, "d1", "main", &branch_arn(r, "d1", "main"))
        .await
        .expect("delete branch");
    bumped(g().await, "delete_branch");
    store.delete_app(r, "d1", &app_arn(r, "d1")).await.expect("delete app");
    bumped(g().await, "delete_app");
}

pub async fn amplify_serving_state_holds_what_the_sites_serve(store: &dyn Store) {
    let empty = store.serving_state(at(0)).await.expect("state");
    assert!(empty.apps.is_empty() && empty.branches.is_empty() && empty.live_jobs.is_empty());

    app_with_branches(store, "us-east-1", "d1", &["main", "skew", "new"]).await;
    app_with_branches(store, "eu-west-1", "d2", &["main"]).await;
    store
        .create_domain_association(&domain("us-east-1", "d1", "example.com"))
        .await
        .expect("domain");
    let mut skew = branch("us-east-1", "d1", "skew");
    skew.enable_skew_protection = true;
    store.update_branch(&skew).await.expect("protect");

    // main: 1 then 2 deployed (2 active); 3 failed afterwards. Nothing of main but 2 is live.
    deployed(store, "us-east-1", "d1", "main", 100).await;
    let main_active = deployed(store, "us-east-1", "d1", "main", 200).await;
    let failed = store
        .create_job(&new_job("us-east-1", "d1", "main", at(300)))
        .await
        .expect("job");
    store
        .save_job(
            &Job {
                status: JobStatus::Failed,
                end_time: Some(at(301)),
                ..failed
            },
            false,
        )
        .await
        .expect("fail");
    // skew: 1 ended before skew_since; 2 and 3 after; 3 active; 4 failed after; 5 running.
    deployed(store, "us-east-1", "d1", "skew", 100).await;
    let skew_old = deployed(store, "us-east-1", "d1", "skew", 500).await;
    let skew_active = deployed(store, "us-east-1", "d1", "skew", 600).await;
    let skew_failed = store
        .create_job(&new_job("us-east-1", "d1", "skew", at(700)))
        .await
        .expect("job");
    store
        .save_job(
            &Job {
                status: JobStatus::Failed,
                end_time: Some(at(701)),
                ..skew_failed
            },
            false,
        )
        .await
        .expect("fail");
    store
        .create_job(&new_job("us-east-1", "d1", "skew", at(800)))
        .await
        .expect("running");
    // d2/main: one active job.
    let d2_active = deployed(store, "eu-west-1", "d2", "main", 50).await;

    let state = store.serving_state(at(400)).await.expect("state");
    assert_eq!(state.generation, store.amplify_generation().await.expect("generation"));
    assert_eq!(
        state.apps.iter().map(|a| a.app_id.as_str()).collect::<Vec<_>>(),
        ["d1", "d2"],
        "every region"
    );
    assert_eq!(state.branches.len(), 4);
    let served_skew = state
        .branches
        .iter()
        .find(|b| b.branch_name == "skew")
        .expect("skew branch");
    assert_eq!(
        served_skew.active_job_id,
        Some(skew_active.number),
        "the job columns are current"
    );
    assert_eq!(served_skew.total_number_of_jobs, 5);
    assert!(served_skew.enable_skew_protection);
    assert_eq!(state.domain_associations, [domain("us-east-1", "d1", "example.com")]);
    let mut live: Vec<(String, String, i64)> = state
        .live_jobs
        .iter()
        .map(|j| (j.app_id.clone(), j.branch_name.clone(), j.number))
        .collect();
    live.sort();
    let key = |j: &Job| (j.app_id.clone(), j.branch_name.clone(), j.number);
    let mut expected = vec![key(&main_active), key(&skew_old), key(&skew_active), key(&d2_active)];
    expected.sort();
    assert_eq!(
        live, expected,
        "active jobs, and the skew branch's recent successes, once each"
    );
    let full = state
        .live_jobs
        .iter()
        .find(|j| j.number == skew_old.number && j.branch_name == "skew")
        .expect("live");
    assert_eq!(full, &skew_old, "whole jobs");

    // Later skew_since: only the active jobs stay.
    let state = store.serving_state(at(601)).await.expect("state");
    assert_eq!(state.live_jobs.len(), 3);
    // Switching skew protection off drops the older job at once.
    store
        .update_branch(&branch("us-east-1", "d1", "skew"))
        .await
        .expect("unprotect");
    let state = store.serving_state(at(0)).await.expect("state");
    assert_eq!(state.live_jobs.len(), 3);
}

pub async fn amplify_access_log_ranges_limits_and_prunes(store: &dyn Store) {
    let r = "us-east-1";
    store.append_access_log(&[]).await.expect("nothing to append");
    let entries: Vec<AccessLogEntry> = [30, 10, 20, 20, 40]
        .iter()
        .enumerate()
        .map(|(i, t)| access(r, "d1", *t, &format!("/{i}")))
        .collect();
    store.append_access_log(&entries).await.expect("append");
    store
        .append_access_log(&[access(r, "d2", 20, "/other"), access("eu-west-1", "d1", 20, "/eu")])
        .await
        .expect("append");

    let paths = |found: Vec<AccessLogEntry>| found.into_iter().map(|e| e.path).collect::<Vec<_>>();
    let all = store.access_log(r, "d1", at(0), at(1_000), 100).await.expect("read");
    assert_eq!(all[0], entries[1], "whole entries");
    assert_eq!(
        paths(all),
        ["/1", "/2", "/3", "/0", "/4"],
        "oldest first, ties in append order"
    );
    assert_eq!(
        paths(store.access_log(r, "d1", at(20), at(40), 100).await.expect("read")),
        ["/2", "/3", "/0"],
        "from inclusive, to exclusive"
    );
    assert_eq!(
        paths(store.access_log(r, "d1", at(0), at(1_000), 2).await.expect("read")),
        ["/1", "/2"]
    );
    assert_eq!(
        store.prune_access_log(at(30)).await.expect("prune"),
        5,
        "every app's, every region's"
    );
    assert_eq!(
        paths(store.access_log(r, "d1", at(0), at(1_000), 100).await.expect("read")),
        ["/0", "/4"]
    );
    assert!(
        store
            .access_log(r, "d2", at(0), at(1_000), 100)
            .await
            .expect("read")
            .is_empty()
    );
    assert_eq!(
        store.prune_access_log(Timestamp::from_millis(0)).await.expect("prune"),
        0
    );
}

/// One appended batch holding two apps' entries, read by ranges that cut through it, and
/// pruned at a time inside it: each entry is found, or pruned, on its own time alone.
pub async fn amplify_access_log_batch_of_two_apps_cut_by_ranges(store: &dyn Store) {
    let r = "us-east-1";
    store
        .append_access_log(&[
            access(r, "a1", 10, "/a1-10"),
            access(r, "a2", 15, "/a2-15"),
            access(r, "a1", 30, "/a1-30"),
            access(r, "a2", 5, "/a2-5"),
            access(r, "a1", 20, "/a1-20"),
        ])
        .await
        .expect("append");
    store
        .append_access_log(&[access(r, "a1", 25, "/a1-25"), access(r, "a1", 40, "/a1-40")])
        .await
        .expect("append");
    let paths = |found: Vec<AccessLogEntry>| found.into_iter().map(|e| e.path).collect::<Vec<_>>();

    assert_eq!(
        paths(store.access_log(r, "a1", at(15), at(30), 100).await.expect("read")),
        ["/a1-20", "/a1-25"],
        "a range cutting through both batches"
    );
    assert_eq!(
        paths(store.access_log(r, "a2", at(0), at(1_000), 100).await.expect("read")),
        ["/a2-5", "/a2-15"],
        "only the app's own entries of the shared batch"
    );
    assert_eq!(
        paths(store.access_log(r, "a1", at(11), at(1_000), 2).await.expect("read")),
        ["/a1-20", "/a1-25"],
        "the limit applies after merging the batches by time"
    );

    assert_eq!(store.prune_access_log(at(20)).await.expect("prune"), 3);
    assert_eq!(
        paths(store.access_log(r, "a1", at(0), at(1_000), 100).await.expect("read")),
        ["/a1-20", "/a1-25", "/a1-30", "/a1-40"],
        "the batch straddling the cutoff keeps its newer entries"
    );
    assert!(
        store
            .access_log(r, "a2", at(0), at(1_000), 100)
            .await
            .expect("read")
            .is_empty()
    );
    assert_eq!(store.prune_access_log(at(20)).await.expect("prune again"), 0);
}

/// Two job creations racing on one branch: exactly one wins, the other sees it unfinished.
pub async fn amplify_racing_job_creations_one_wins(store: Arc<dyn Store>) {
    let r = "us-east-1";
    app_with_branches(&*store, r, "d1", &["main", "dev"]).await;
    for round in 0..5 {
        let branch_name = if round % 2 == 0 { "main" } else { "dev" };
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let store = Arc::clone(&store);
                tokio::spawn(async move { store.create_job(&new_job(r, "d1", branch_name, at(10))).await })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.expect("task"));
        }
        let won: Vec<&Job> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(won.len(), 1, "{results:?}");
        let winner = won[0].clone();
        assert!(
            results.iter().any(|r| matches!(
                r,
                Err(Error::Conflict(Conflict::JobUnfinished { number })) if *number == winner.number
            )),
            "{results:?}"
        );
        store
            .save_job(
                &Job {
                    status: JobStatus::Cancelled,
                    ..winner
                },
                false,
            )
            .await
            .expect("finish the winner");
    }
    let numbers = |b: &str| {
        let store = Arc::clone(&store);
        let b = b.to_owned();
        async move {
            store
                .jobs(r, "d1", &b, ALL)
                .await
                .expect("list")
                .iter()
                .map(|l| l.item.number)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(numbers("main").await, [3, 2, 1]);
    assert_eq!(numbers("dev").await, [2, 1]);
}
