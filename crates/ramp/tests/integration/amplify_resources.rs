//! The resources around deploys: domain associations (served by Host), webhooks (a POST starts
//! a RELEASE job), backend environments, tags on apps, branches and jobs, pagination, access
//! logs, artifacts and job logs, each fetched through the links ramp answers with.

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_amplify::primitives::DateTime;
use aws_sdk_amplify::types::{DomainStatus, JobStatus, JobType, SubDomainSetting};

use crate::amplify_common::{Reply, app_with_branch, code, deploy, finished, get, raw_client, text_zip};
use crate::harness::TestServer;

fn sub_domain(prefix: &str, branch: &str) -> SubDomainSetting {
    SubDomainSetting::builder()
        .prefix(prefix)
        .branch_name(branch)
        .build()
        .unwrap()
}

async fn fetch(url: &str) -> Reply {
    Reply::read(raw_client().get(url).send().await.unwrap()).await
}

#[tokio::test]
async fn domain_associations_are_available_and_serve_their_sub_domains_and_apex() {
    let server = TestServer::start();
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    client
        .create_branch()
        .app_id(&app_id)
        .branch_name("dev")
        .send()
        .await
        .unwrap();
    deploy(&server, &app_id, "main", text_zip(&[("index.html", "main site")])).await;
    deploy(&server, &app_id, "dev", text_zip(&[("index.html", "dev site")])).await;

    let created = client
        .create_domain_association()
        .app_id(&app_id)
        .domain_name("example.org")
        .sub_domain_settings(sub_domain("", "main"))
        .sub_domain_settings(sub_domain("dev", "dev"))
        .send()
        .await
        .unwrap();
    let association = created.domain_association().unwrap();
    assert_eq!(association.domain_name(), "example.org");
    assert!(
        association
            .domain_association_arn()
            .ends_with(&format!("apps/{app_id}/domains/example.org"))
    );

    let got = client
        .get_domain_association()
        .app_id(&app_id)
        .domain_name("example.org")
        .send()
        .await
        .unwrap();
    let got = got.domain_association().unwrap();
    assert_eq!(got.domain_status(), &DomainStatus::Available);
    assert_eq!(got.sub_domains().len(), 2);
    assert!(got.sub_domains().iter().all(|s| s.verified()));
    assert_eq!(get(&server, "example.org", "/").await.text(), "main site");
    assert_eq!(
        get(&server, "EXAMPLE.org:8080", "/").await.text(),
        "main site",
        "host is case-insensitive, port ignored"
    );
    assert_eq!(get(&server, "dev.example.org", "/").await.text(), "dev site");

    let listed = client.list_domain_associations().app_id(&app_id).send().await.unwrap();
    assert_eq!(listed.domain_associations().len(), 1);

    client
        .update_domain_association()
        .app_id(&app_id)
        .domain_name("example.org")
        .sub_domain_settings(sub_domain("www", "dev"))
        .send()
        .await
        .unwrap();
    assert_eq!(get(&server, "www.example.org", "/").await.text(), "dev site");
    assert_eq!(
        get(&server, "dev.example.org", "/").await.status,
        404,
        "the old sub-domain is gone"
    );
    let branch = client
        .get_branch()
        .app_id(&app_id)
        .branch_name("dev")
        .send()
        .await
        .unwrap();
    assert_eq!(branch.branch().unwrap().custom_domains(), ["www.example.org"]);

    client
        .delete_domain_association()
        .app_id(&app_id)
        .domain_name("example.org")
        .send()
        .await
        .unwrap();
    assert_ne!(get(&server, "www.example.org", "/").await.text(), "dev site");
    let gone = client
        .get_domain_association()
        .app_id(&app_id)
        .domain_name("example.org")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&gone), "NotFoundException");
}

#[tokio::test]
async fn a_post_to_a_webhook_url_starts_a_release_job_that_republishes_the_branch() {
    let server = TestServer::start();
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    deploy(&server, &app_id, "main", text_zip(&[("index.html", "released")])).await;
    let webhook = client
        .create_webhook()
        .app_id(&app_id)
        .branch_name("main")
        .description("ci")
        .send()
        .await
        .unwrap();
    let webhook = webhook.webhook().unwrap();
    let url = webhook.webhook_url().to_owned();
    assert!(url.starts_with(&server.base_url), "{url}");
    let listed = client.list_webhooks().app_id(&app_id).send().await.unwrap();
    assert_eq!(listed.webhooks().len(), 1);
    let got = client
        .get_webhook()
        .webhook_id(webhook.webhook_id())
        .send()
        .await
        .unwrap();
    assert_eq!(got.webhook().unwrap().description(), "ci");

    let triggered = Reply::read(raw_client().post(&url).body("{}").send().await.unwrap()).await;
    assert_eq!(triggered.status, 200, "{}", triggered.text());
    let jobs = client
        .list_jobs()
        .app_id(&app_id)
        .branch_name("main")
        .send()
        .await
        .unwrap();
    let newest = &jobs.job_summaries()[0];
    assert_eq!(newest.job_id(), "2");
    assert!(
        matches!(newest.job_type(), JobType::Release | JobType::WebHook),
        "{:?}",
        newest.job_type()
    );
    assert_eq!(finished(&client, &app_id, "main", "2").await, JobStatus::Succeed);
    assert_eq!(
        get(&server, &format!("main.{app_id}.localhost"), "/").await.text(),
        "released"
    );

    client
        .delete_webhook()
        .webhook_id(webhook.webhook_id())
        .send()
        .await
        .unwrap();
    let after = Reply::read(raw_client().post(&url).send().await.unwrap()).await;
    assert!((400..500).contains(&after.status), "{} {}", after.status, after.text());
}

#[tokio::test]
async fn backend_environments_are_created_listed_read_and_deleted() {
    let server = TestServer::start();
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    let created = client
        .create_backend_environment()
        .app_id(&app_id)
        .environment_name("staging")
        .stack_name("amplify-stack")
        .deployment_artifacts("artifacts")
        .send()
        .await
        .unwrap();
    let env = created.backend_environment().unwrap();
    assert!(env.backend_environment_arn().contains(&app_id));
    let got = client
        .get_backend_environment()
        .app_id(&app_id)
        .environment_name("staging")
        .send()
        .await
        .unwrap();
    assert_eq!(got.backend_environment().unwrap().stack_name(), Some("amplify-stack"));
    let listed = client.list_backend_environments().app_id(&app_id).send().await.unwrap();
    assert_eq!(listed.backend_environments().len(), 1);
    client
        .delete_backend_environment()
        .app_id(&app_id)
        .environment_name("staging")
        .send()
        .await
        .unwrap();
    let gone = client
        .get_backend_environment()
        .app_id(&app_id)
        .environment_name("staging")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&gone), "NotFoundException");
}

#[tokio::test]
async fn tags_on_apps_branches_and_jobs() {
    let server = TestServer::start();
    let client = server.amplify();
    let app = client
        .create_app()
        .name("tagged")
        .tags("team", "web")
        .send()
        .await
        .unwrap();
    let app = app.app().unwrap();
    let app_id = app.app_id().to_owned();
    let branch = client
        .create_branch()
        .app_id(&app_id)
        .branch_name("main")
        .send()
        .await
        .unwrap();
    let branch_arn = branch.branch().unwrap().branch_arn().to_owned();
    let job_id = deploy(&server, &app_id, "main", text_zip(&[("index.html", "x")])).await;
    let job = client
        .get_job()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(&job_id)
        .send()
        .await
        .unwrap();
    let job_arn = job.job().unwrap().summary().unwrap().job_arn().to_owned();

    for arn in [app.app_arn(), branch_arn.as_str(), job_arn.as_str()] {
        client
            .tag_resource()
            .resource_arn(arn)
            .tags("env", "prod")
            .tags("k2", "v2")
            .send()
            .await
            .unwrap();
        let tags = client.list_tags_for_resource().resource_arn(arn).send().await.unwrap();
        let tags = tags.tags().unwrap();
        assert_eq!(tags.get("env").map(String::as_str), Some("prod"), "{arn}");
        client
            .untag_resource()
            .resource_arn(arn)
            .tag_keys("k2")
            .send()
            .await
            .unwrap();
        let tags = client.list_tags_for_resource().resource_arn(arn).send().await.unwrap();
        assert!(!tags.tags().unwrap().contains_key("k2"), "{arn}");
    }
    let app_tags = client
        .list_tags_for_resource()
        .resource_arn(app.app_arn())
        .send()
        .await
        .unwrap();
    assert_eq!(app_tags.tags().unwrap().get("team").map(String::as_str), Some("web"));

    let unknown = format!("arn:aws:amplify:us-east-1:000000000000:apps/{app_id}/branches/nope");
    let error = client
        .list_tags_for_resource()
        .resource_arn(&unknown)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "ResourceNotFoundException");
    let error = client
        .tag_resource()
        .resource_arn(&unknown)
        .tags("a", "b")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "ResourceNotFoundException");
    let error = client
        .untag_resource()
        .resource_arn(&unknown)
        .tag_keys("a")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), "ResourceNotFoundException");
}

#[tokio::test]
async fn lists_page_with_maxresults_and_nexttoken() {
    let server = TestServer::start();
    let client = server.amplify();
    let mut app_ids = HashSet::new();
    for i in 0..5 {
        let app = client.create_app().name(format!("app{i}")).send().await.unwrap();
        app_ids.insert(app.app().unwrap().app_id().to_owned());
    }
    let mut seen = HashSet::new();
    let mut token = None;
    loop {
        let page = client
            .list_apps()
            .max_results(2)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        assert!(page.apps().len() <= 2);
        seen.extend(page.apps().iter().map(|a| a.app_id().to_owned()));
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, app_ids);

    let app_id = app_ids.iter().next().unwrap().clone();
    for name in ["a", "b", "c"] {
        client
            .create_branch()
            .app_id(&app_id)
            .branch_name(name)
            .send()
            .await
            .unwrap();
    }
    let first = client
        .list_branches()
        .app_id(&app_id)
        .max_results(2)
        .send()
        .await
        .unwrap();
    assert_eq!(first.branches().len(), 2);
    let second = client
        .list_branches()
        .app_id(&app_id)
        .max_results(2)
        .next_token(first.next_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(second.branches().len(), 1);
    assert!(second.next_token().is_none());

    for i in 0..3 {
        deploy(&server, &app_id, "a", text_zip(&[("index.html", &i.to_string())])).await;
    }
    let jobs: Vec<String> = client
        .list_jobs()
        .app_id(&app_id)
        .branch_name("a")
        .max_results(1)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap()
        .iter()
        .map(|j| j.job_id().to_owned())
        .collect();
    assert_eq!(jobs, ["3", "2", "1"]);
    let bad = client.list_apps().next_token("not-a-token").send().await.unwrap_err();
    assert_eq!(code(&bad), "BadRequestException");
}

#[tokio::test]
async fn access_logs_artifacts_and_job_logs_download_through_their_links() {
    let server = TestServer::start();
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    let archive = text_zip(&[("index.html", "logged"), ("a.txt", "a")]);
    let job_id = deploy(&server, &app_id, "main", archive.clone()).await;
    let host = format!("main.{app_id}.localhost");
    let start = server.clock_now().await;
    assert_eq!(get(&server, &host, "/a.txt?probe=1").await.status, 200);
    assert_eq!(get(&server, &host, "/missing-page").await.status, 404);

    // The log is written off the request path: poll for it with a deadline.
    let mut csv = String::new();
    for _ in 0..200 {
        let logs = client
            .generate_access_logs()
            .app_id(&app_id)
            .domain_name(format!("{app_id}.localhost"))
            .start_time(DateTime::from_millis(start.millis() - 1000))
            .end_time(DateTime::from_millis(start.millis() + 1000))
            .send()
            .await
            .unwrap();
        csv = fetch(logs.log_url().unwrap()).await.text();
        if csv.contains("/missing-page") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(csv.contains("/a.txt"), "{csv}");
    assert!(csv.contains("/missing-page") && csv.contains("404"), "{csv}");
    assert!(csv.lines().next().unwrap().contains("date"), "a header row: {csv}");

    let artifacts = client
        .list_artifacts()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(&job_id)
        .send()
        .await
        .unwrap();
    assert_eq!(artifacts.artifacts().len(), 1);
    let artifact = &artifacts.artifacts()[0];
    let url = client
        .get_artifact_url()
        .artifact_id(artifact.artifact_id())
        .send()
        .await
        .unwrap();
    let downloaded = fetch(url.artifact_url()).await;
    assert_eq!(downloaded.status, 200);
    assert_eq!(downloaded.body, archive, "the artifact is the uploaded zip");
    let unknown = client.get_artifact_url().artifact_id("nope").send().await.unwrap_err();
    assert_eq!(code(&unknown), "NotFoundException");

    let job = client
        .get_job()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(&job_id)
        .send()
        .await
        .unwrap();
    let log_url = job.job().unwrap().steps()[0].log_url().unwrap().to_owned();
    let log = fetch(&log_url).await;
    assert_eq!(log.status, 200);
    assert!(log.text().contains("Deployment finished"), "{}", log.text());

    // Download links expire.
    server.advance_clock(2 * 24 * 3600).await;
    assert_eq!(fetch(&log_url).await.status, 403);
}

/// With `--site-access-log false` ramp keeps no record of served requests: the log it hands out
/// holds the header row only.
#[tokio::test]
async fn with_the_access_log_off_no_request_is_recorded() {
    let server = TestServer::with_args(&["--site-access-log", "false"]);
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    deploy(&server, &app_id, "main", text_zip(&[("index.html", "hello")])).await;
    let host = format!("main.{app_id}.localhost");
    assert_eq!(get(&server, &host, "/").await.text(), "hello");
    // Time for a writer to have stored the request if there were one: a whole deploy later.
    deploy(&server, &app_id, "main", text_zip(&[("index.html", "again")])).await;
    assert_eq!(get(&server, &host, "/").await.text(), "again");

    let logs = client
        .generate_access_logs()
        .app_id(&app_id)
        .domain_name(format!("{app_id}.localhost"))
        .send()
        .await
        .unwrap();
    let csv = fetch(logs.log_url().unwrap()).await.text();
    assert_eq!(csv.lines().count(), 1, "{csv}");
    assert!(csv.starts_with("date,time,"), "{csv}");
}
