//! Amplify Hosting end to end with the official `aws-sdk-amplify`: create an app and a branch,
//! upload a deploy (a zip, or files one by one), start it, follow the job, and fetch the site
//! over HTTP by `Host`, by path and at a custom domain; a hostile archive fails its job and the
//! live site keeps serving; RETRY of an earlier job brings its files back.

use aws_sdk_amplify::types::{JobStatus, JobType, SubDomainSetting};
use md5::Digest as _;

use crate::amplify_common::{finished, get, start_zip, text_zip};
use crate::harness::TestServer;

#[tokio::test]
async fn a_zip_deploy_is_served_by_host_by_path_and_at_a_custom_domain() {
    let server = TestServer::start();
    let client = server.amplify();
    let app = client.create_app().name("blog").send().await.unwrap();
    let app = app.app().unwrap();
    let app_id = app.app_id().to_owned();
    assert!(app_id.starts_with('d') && app_id.len() == 14, "{app_id}");
    assert_eq!(app.default_domain(), format!("{app_id}.localhost"));
    client
        .create_branch()
        .app_id(&app_id)
        .branch_name("feature/x")
        .send()
        .await
        .unwrap();

    let job_id = start_zip(
        &server,
        &app_id,
        "feature/x",
        text_zip(&[
            ("index.html", "<h1>v1</h1>"),
            ("about.html", "about v1"),
            ("assets/app.js", "console.log(1)"),
        ]),
    )
    .await;
    assert_eq!(job_id, "1");
    assert_eq!(
        finished(&client, &app_id, "feature/x", &job_id).await,
        JobStatus::Succeed
    );

    let host = format!("feature-x.{app_id}.localhost");
    let page = get(&server, &host, "/").await;
    let (status, body) = (page.status, page.text());
    assert_eq!((status, body.as_str()), (200, "<h1>v1</h1>"));
    assert!(
        page.header("content-type").starts_with("text/html"),
        "{:?}",
        page.headers
    );
    assert_eq!(page.header("x-content-type-options"), "nosniff");
    assert_eq!(get(&server, &host, "/about").await.text(), "about v1");
    assert_eq!(get(&server, &host, "/missing").await.status, 404);
    let by_path = server
        .http()
        .get(server.url(&format!("/_ramp/sites/{app_id}/feature%2Fx/assets/app.js")))
        .send()
        .await
        .unwrap();
    assert_eq!(by_path.text().await.unwrap(), "console.log(1)");

    let branch = client
        .get_branch()
        .app_id(&app_id)
        .branch_name("feature/x")
        .send()
        .await
        .unwrap();
    let branch = branch.branch().unwrap();
    assert_eq!(branch.active_job_id(), "1");
    assert_eq!(branch.total_number_of_jobs(), "1");
    assert_eq!(branch.display_name(), "feature-x");

    client
        .create_domain_association()
        .app_id(&app_id)
        .domain_name("example.com")
        .sub_domain_settings(
            SubDomainSetting::builder()
                .prefix("www")
                .branch_name("feature/x")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(get(&server, "www.example.com", "/").await.text(), "<h1>v1</h1>");

    // A custom domain cannot take over ramp's own hosts (the sites domain, an IP address).
    for taken in ["localhost", "other.localhost", "127.0.0.1"] {
        let refused = client
            .create_domain_association()
            .app_id(&app_id)
            .domain_name(taken)
            .sub_domain_settings(
                SubDomainSetting::builder()
                    .prefix("")
                    .branch_name("feature/x")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(refused.is_bad_request_exception(), "{taken}: {refused:?}");
    }
}

#[tokio::test]
async fn a_failed_deploy_keeps_the_live_site_and_retry_brings_an_old_deploy_back() {
    let server = TestServer::start();
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

    let first = start_zip(&server, &app_id, "main", text_zip(&[("index.html", "v1")])).await;
    assert_eq!(finished(&client, &app_id, "main", &first).await, JobStatus::Succeed);

    // Zip slip: the job fails with a reason naming the entry; v1 keeps serving.
    let hostile = start_zip(&server, &app_id, "main", text_zip(&[("../escape.html", "x")])).await;
    assert_eq!(finished(&client, &app_id, "main", &hostile).await, JobStatus::Failed);
    let job = client
        .get_job()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(&hostile)
        .send()
        .await
        .unwrap();
    let steps = job.job().unwrap().steps();
    assert_eq!(steps[0].step_name(), "DEPLOY");
    let reason = steps[0].status_reason().unwrap_or_default();
    assert!(reason.contains("escape.html"), "{reason}");
    assert_eq!(get(&server, &host, "/").await.text(), "v1");

    // The second style of upload: one PUT per file of the fileMap, checked against its MD5.
    let page = "v3";
    let md5 = hex::encode(md5::Md5::digest(page.as_bytes()));
    let created = client
        .create_deployment()
        .app_id(&app_id)
        .branch_name("main")
        .file_map("index.html", &md5)
        .send()
        .await
        .unwrap();
    assert_eq!(created.zip_upload_url(), "");
    let url = &created.file_upload_urls()["index.html"];
    let wrong = server.http().put(url).body("tampered").send().await.unwrap();
    assert_eq!(wrong.status().as_u16(), 400);
    assert!(wrong.text().await.unwrap().contains("BadDigest"));
    let right = server.http().put(url).body(page).send().await.unwrap();
    assert_eq!(right.status().as_u16(), 200);
    let third = created.job_id().unwrap();
    client
        .start_deployment()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(third)
        .send()
        .await
        .unwrap();
    assert_eq!(finished(&client, &app_id, "main", third).await, JobStatus::Succeed);
    assert_eq!(get(&server, &host, "/").await.text(), "v3");

    // RETRY of job 1: its files are served again, in one call.
    let retry = client
        .start_job()
        .app_id(&app_id)
        .branch_name("main")
        .job_type(JobType::Retry)
        .job_id(&first)
        .send()
        .await
        .unwrap();
    let retry_id = retry.job_summary().unwrap().job_id().to_owned();
    assert_eq!(finished(&client, &app_id, "main", &retry_id).await, JobStatus::Succeed);
    assert_eq!(get(&server, &host, "/").await.text(), "v1");

    // MANUAL is refused as AWS refuses it.
    let manual = client
        .start_job()
        .app_id(&app_id)
        .branch_name("main")
        .job_type(JobType::Manual)
        .send()
        .await
        .unwrap_err();
    let manual = manual.into_service_error();
    assert!(manual.is_bad_request_exception(), "{manual:?}");

    let jobs = client
        .list_jobs()
        .app_id(&app_id)
        .branch_name("main")
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = jobs.job_summaries().iter().map(|j| j.job_id()).collect();
    assert_eq!(ids, ["4", "3", "2", "1"], "newest first");
}
