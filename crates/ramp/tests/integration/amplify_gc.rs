//! Old deploys lose their files beyond `--keep-deploys` (issue 10, scope 5): RETRY of them is
//! refused, the live site keeps serving, the newest can be published again, and all of it
//! holds after a kill -9. The blob sweep itself is tested in ramp-server (`hosting/gc`).

use std::time::Duration;

use aws_sdk_amplify::types::{JobStatus, JobType};

use crate::amplify_common::{finished, get, start_zip, text_zip};
use crate::harness::TestServer;

/// Waits until the job's artifact (its archive) is gone: its files were released after a
/// later job finished, which the runner does right after reporting that job.
async fn released(client: &aws_sdk_amplify::Client, app_id: &str, job_id: &str) {
    for _ in 0..600 {
        let artifacts = client
            .list_artifacts()
            .app_id(app_id)
            .branch_name("main")
            .job_id(job_id)
            .send()
            .await
            .unwrap();
        if artifacts.artifacts().is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the files of job {job_id} were not released");
}

async fn retry(client: &aws_sdk_amplify::Client, app_id: &str, job_id: &str) -> Result<String, String> {
    client
        .start_job()
        .app_id(app_id)
        .branch_name("main")
        .job_type(JobType::Retry)
        .job_id(job_id)
        .send()
        .await
        .map(|started| started.job_summary().unwrap().job_id().to_owned())
        .map_err(|e| {
            let e = e.into_service_error();
            assert!(e.is_bad_request_exception(), "{e:?}");
            e.to_string()
        })
}

#[tokio::test]
async fn deploys_beyond_the_kept_number_lose_their_files_and_the_live_one_serves() {
    let mut server = TestServer::with_args(&["--keep-deploys", "2"]);
    let client = server.amplify();
    let app_id = client
        .create_app()
        .name("shop")
        .send()
        .await
        .unwrap()
        .app()
        .unwrap()
        .app_id()
        .to_owned();
    client
        .create_branch()
        .app_id(&app_id)
        .branch_name("main")
        .send()
        .await
        .unwrap();
    let host = format!("main.{app_id}.localhost");

    let mut jobs = Vec::new();
    for version in 1..=4 {
        let page = format!("v{version}");
        let job = start_zip(&server, &app_id, "main", text_zip(&[("index.html", &page)])).await;
        assert_eq!(finished(&client, &app_id, "main", &job).await, JobStatus::Succeed);
        jobs.push(job);
    }
    released(&client, &app_id, &jobs[0]).await;
    released(&client, &app_id, &jobs[1]).await;
    assert_eq!(get(&server, &host, "/").await.text(), "v4");

    server.restart(true);
    let client = server.amplify();
    for old in &jobs[..2] {
        let refused = retry(&client, &app_id, old).await.unwrap_err();
        assert!(refused.contains("has no deployed files"), "{refused}");
    }
    assert_eq!(
        get(&server, &host, "/").await.text(),
        "v4",
        "the live deploy keeps serving"
    );

    // The two kept deploys can be published again.
    for (kept, page) in [(&jobs[2], "v3"), (&jobs[3], "v4")] {
        let again = retry(&client, &app_id, kept).await.unwrap();
        assert_eq!(finished(&client, &app_id, "main", &again).await, JobStatus::Succeed);
        assert_eq!(get(&server, &host, "/").await.text(), page);
    }
}
