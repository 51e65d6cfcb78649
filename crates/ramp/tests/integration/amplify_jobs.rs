//! The job lifecycle and the upload links: one unfinished job per branch, StopJob, DeleteJob,
//! StartDeployment's arguments, a job started without its upload, and every refusal of an
//! upload (length, size, method, signature, expiry, a job already started).

use aws_sdk_amplify::types::JobStatus;

use crate::amplify_common::{
    Reply, app_with_branch, code, create_deployment, deploy, failure_reason, finished, message, put, raw, raw_client,
    text_zip,
};
use crate::harness::TestServer;

#[tokio::test]
async fn an_unfinished_job_blocks_the_next_deployment_until_stopped() {
    let server = TestServer::start();
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    let (first, _) = create_deployment(&client, &app_id, "main").await;
    assert_eq!(first, "1");
    let job = client
        .get_job()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(&first)
        .send()
        .await
        .unwrap();
    assert_eq!(job.job().unwrap().summary().unwrap().status(), &JobStatus::Created);

    let blocked = client
        .create_deployment()
        .app_id(&app_id)
        .branch_name("main")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&blocked), "BadRequestException");
    assert!(
        message(&blocked).contains("The last job(deployment) 1 was not finished"),
        "{}",
        message(&blocked)
    );

    let stopped = client
        .stop_job()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(&first)
        .send()
        .await
        .unwrap();
    assert_eq!(stopped.job_summary().unwrap().status(), &JobStatus::Cancelled);
    let stopped_again = client
        .stop_job()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(&first)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&stopped_again), "BadRequestException");

    let (second, _) = create_deployment(&client, &app_id, "main").await;
    assert_eq!(second, "2");
    // A reserved job never started does not block forever: after the 8-hour window it is abandoned.
    server.advance_clock(8 * 3600 + 1).await;
    let (third, _) = create_deployment(&client, &app_id, "main").await;
    assert_eq!(third, "3");
    let late = client
        .start_deployment()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(&second)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&late), "BadRequestException", "{late:?}");
}

#[tokio::test]
async fn startdeployment_needs_exactly_one_of_jobid_and_sourceurl() {
    let server = TestServer::start();
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    let neither = client
        .start_deployment()
        .app_id(&app_id)
        .branch_name("main")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&neither), "BadRequestException");
    assert!(
        message(&neither).contains("Must specify jobId or sourceUrl"),
        "{}",
        message(&neither)
    );

    let (job_id, _) = create_deployment(&client, &app_id, "main").await;
    let both = client
        .start_deployment()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(&job_id)
        .source_url("https://example.com/site.zip")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&both), "BadRequestException");

    let unknown = client
        .start_deployment()
        .app_id(&app_id)
        .branch_name("main")
        .job_id("99")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&unknown), "NotFoundException", "{unknown:?}");
    let bad_scheme = client
        .start_deployment()
        .app_id(&app_id)
        .branch_name("other")
        .source_url("ftp://example.com/site.zip")
        .send()
        .await
        .unwrap_err();
    assert!(
        ["BadRequestException", "NotFoundException"].contains(&code(&bad_scheme).as_str()),
        "{bad_scheme:?}"
    );
}

#[tokio::test]
async fn a_job_started_without_its_upload_fails_with_a_clear_reason() {
    let server = TestServer::start();
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    let (job_id, _) = create_deployment(&client, &app_id, "main").await;
    client
        .start_deployment()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(&job_id)
        .send()
        .await
        .unwrap();
    assert_eq!(finished(&client, &app_id, "main", &job_id).await, JobStatus::Failed);
    let reason = failure_reason(&client, &app_id, "main", &job_id).await;
    assert!(reason.contains("not uploaded"), "{reason}");
    // The failed job no longer blocks the branch.
    create_deployment(&client, &app_id, "main").await;
}

#[tokio::test]
async fn deletejob_refuses_the_job_the_branch_serves_and_removes_an_old_one() {
    let server = TestServer::start();
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    let first = deploy(&server, &app_id, "main", text_zip(&[("index.html", "1")])).await;
    let refused = client
        .delete_job()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(&first)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&refused), "BadRequestException", "{refused:?}");

    let second = deploy(&server, &app_id, "main", text_zip(&[("index.html", "2")])).await;
    let deleted = client
        .delete_job()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(&first)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.job_summary().unwrap().job_id(), first);
    let gone = client
        .get_job()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(&first)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&gone), "NotFoundException");
    let jobs = client
        .list_jobs()
        .app_id(&app_id)
        .branch_name("main")
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = jobs.job_summaries().iter().map(|j| j.job_id()).collect();
    assert_eq!(ids, [second.as_str()]);
}

/// The token part of an upload URL with its last character changed.
fn altered(url: &str) -> String {
    let (head, last) = url.split_at(url.len() - 1);
    let last = if last == "A" { "B" } else { "A" };
    format!("{head}{last}")
}

#[tokio::test]
async fn uploads_are_refused_when_unsized_oversized_misdirected_forged_or_late() {
    let server = TestServer::with_args(&["--deploy-max-archive-bytes", "1000", "--deploy-max-file-bytes", "10"]);
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    let (job_id, url) = create_deployment(&client, &app_id, "main").await;
    let path = url.strip_prefix(&server.base_url).unwrap().to_owned();

    // No Content-Length: a chunked body cannot be checked against the limit first.
    let (status, body) = raw(
        &server,
        format!("PUT {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
    )
    .await;
    assert_eq!(status, 411, "{body}");
    assert!(body.contains("MissingContentLength"), "{body}");

    let oversized = put(&url, vec![b'x'; 2000]).await;
    assert_eq!(oversized.status, 413, "{}", oversized.text());
    assert!(oversized.text().contains("EntityTooLarge"));

    for method in ["GET", "POST", "DELETE"] {
        let wrong = Reply::read(
            raw_client()
                .request(method.parse().unwrap(), &url)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(wrong.status, 405, "{method}: {}", wrong.text());
    }

    let forged = put(&altered(&url), b"PK".to_vec()).await;
    assert_eq!(forged.status, 403, "{}", forged.text());

    // A fileMap upload is held to the per-file limit.
    client
        .stop_job()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(&job_id)
        .send()
        .await
        .unwrap();
    let created = client
        .create_deployment()
        .app_id(&app_id)
        .branch_name("main")
        .file_map("index.html", "0123456789abcdef0123456789abcdef")
        .send()
        .await
        .unwrap();
    let file_url = created.file_upload_urls()["index.html"].clone();
    let too_big = put(&file_url, vec![b'x'; 11]).await;
    assert_eq!(too_big.status, 413, "{}", too_big.text());
    client
        .stop_job()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(created.job_id().unwrap())
        .send()
        .await
        .unwrap();

    // Links live 3 hours (spec §6.2).
    let (_, url) = create_deployment(&client, &app_id, "main").await;
    server.advance_clock(3 * 3600 + 1).await;
    let expired = put(&url, text_zip(&[("index.html", "x")])).await;
    assert_eq!(expired.status, 403, "{}", expired.text());
}

#[tokio::test]
async fn a_put_after_the_job_started_is_refused_and_does_not_change_the_deploy() {
    let server = TestServer::start();
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    let (job_id, url) = create_deployment(&client, &app_id, "main").await;
    assert_eq!(put(&url, text_zip(&[("index.html", "first")])).await.status, 200);
    client
        .start_deployment()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(&job_id)
        .send()
        .await
        .unwrap();
    let late = put(&url, text_zip(&[("index.html", "second")])).await;
    assert!((400..500).contains(&late.status), "{} {}", late.status, late.text());
    assert_eq!(finished(&client, &app_id, "main", &job_id).await, JobStatus::Succeed);
    let page = crate::amplify_common::get(&server, &format!("main.{app_id}.localhost"), "/").await;
    assert_eq!(page.text(), "first");
    let again = put(&url, text_zip(&[("index.html", "third")])).await;
    assert!((400..500).contains(&again.status), "{} {}", again.status, again.text());
}
