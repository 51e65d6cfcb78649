//! The dashboard over plain HTTP (its pages in a real browser are `tests/browser/`): where a
//! browser's `GET /` goes, and the live event stream, on one node and across nodes sharing
//! PostgreSQL.

use std::time::{Duration, Instant};

use aws_sdk_appconfig::types::GrowthType;

use crate::amplify_common::{deploy as deploy_site, text_zip};
use crate::deployments::{deploy, strategy, world};
use crate::harness::{TestServer, postgres_schema_url};

#[tokio::test]
async fn a_browser_at_the_root_is_sent_to_the_dashboard_and_other_clients_are_not() {
    let server = TestServer::start();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let browser = http
        .get(server.url("/"))
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .await
        .unwrap();
    assert_eq!(browser.status(), 303);
    assert_eq!(browser.headers()["location"], "/_ramp/ui/");
    let dashboard = http
        .get(server.url("/_ramp/ui/"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(dashboard.headers()["location"], "/_ramp/ui/us-east-1/");

    // A client that does not ask for a page gets the AWS error for an unknown operation.
    let api = http.get(server.url("/")).send().await.unwrap();
    assert_eq!(api.status(), 404);
    assert_eq!(api.headers()["x-amzn-errortype"], "UnknownOperationException");
}

/// Reads the event stream until a `data:` line naming deployment `number`, or the deadline.
async fn wait_for_deployment_event(stream: &mut reqwest::Response, number: i32, deadline: Duration) -> Duration {
    let started = Instant::now();
    let needle = format!("\"number\":{number}");
    let mut seen = String::new();
    while started.elapsed() < deadline {
        let chunk = tokio::time::timeout(deadline.saturating_sub(started.elapsed()), stream.chunk()).await;
        let Ok(Ok(Some(chunk))) = chunk else { break };
        seen.push_str(&String::from_utf8_lossy(&chunk));
        if seen
            .lines()
            .any(|l| l.starts_with("data:") && l.contains("\"kind\":\"deployment\"") && l.contains(&needle))
        {
            return started.elapsed();
        }
    }
    panic!("no event for deployment {number} within {deadline:?}; the stream said {seen:?}");
}

#[tokio::test]
async fn the_event_stream_announces_deployment_changes() {
    let server = TestServer::start();
    let client = server.appconfig();
    let w = world(&client).await;
    let linear = strategy(&client, 4, GrowthType::Linear, 25.0, 0).await;
    let mut stream = server.http().get(server.url("/_ramp/ui/events")).send().await.unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let number = deploy(&client, &w, &w.profile, &linear, "1").await;
    wait_for_deployment_event(&mut stream, number, Duration::from_secs(5)).await;
    server.advance_clock(48).await;
    wait_for_deployment_event(&mut stream, number, Duration::from_secs(5)).await;
}

/// A page open on one node hears of a deployment another node made, through PostgreSQL's change
/// feed, within a second.
#[tokio::test]
async fn the_event_stream_of_one_node_announces_another_nodes_deployments() {
    let Some(url) = postgres_schema_url() else {
        eprintln!("skipped: set RAMP_TEST_DATABASE_URL to run the several-node dashboard test");
        return;
    };
    let a = TestServer::node(&url, &["--node-name", "node-a"]);
    let b = TestServer::node(&url, &["--node-name", "node-b"]);
    let client = a.appconfig();
    let w = world(&client).await;
    let linear = strategy(&client, 30, GrowthType::Linear, 10.0, 0).await;
    let mut stream = b.http().get(b.url("/_ramp/ui/events")).send().await.unwrap();
    let number = deploy(&client, &w, &w.profile, &linear, "1").await;
    let heard = wait_for_deployment_event(&mut stream, number, Duration::from_secs(1)).await;
    println!("node b announced node a's deployment {heard:?} after StartDeployment answered");
}

/// Every page of the dashboard renders what the APIs hold, Amplify's site links included.
#[tokio::test]
async fn every_page_shows_what_the_apis_hold() {
    let server = TestServer::start();
    let client = server.appconfig();
    let w = world(&client).await;
    let linear = strategy(&client, 4, GrowthType::Linear, 25.0, 0).await;
    let number = deploy(&client, &w, &w.profile, &linear, "2").await;
    server.set_alarm("errors", "OK").await;
    let amplify = server.amplify();
    let app_id = amplify
        .create_app()
        .name("site")
        .send()
        .await
        .unwrap()
        .app
        .unwrap()
        .app_id;
    amplify
        .create_branch()
        .app_id(&app_id)
        .branch_name("main")
        .send()
        .await
        .unwrap();
    deploy_site(&server, &app_id, "main", text_zip(&[("index.html", "<h1>hello</h1>")])).await;

    let pages = [
        (
            "/_ramp/ui/us-east-1/".to_owned(),
            vec!["app", "1 × <span class=\"badge busy\">DEPLOYING"],
        ),
        (
            format!("/_ramp/ui/us-east-1/apps/{}", w.app),
            vec!["prod", "errors", "DEPLOYING", "Start deployment"],
        ),
        (
            format!(
                "/_ramp/ui/us-east-1/apps/{}/environments/{}/deployments/{number}",
                w.app, w.env
            ),
            vec![
                "version 2 (v2)",
                "DEPLOYMENT_STARTED",
                "Stop deployment",
                "Planned schedule",
                "aria-current=\"page\">#1</a>",
            ],
        ),
        (
            format!("/_ramp/ui/us-east-1/apps/{}/profiles/{}?a=1&b=2", w.app, w.profile),
            vec![
                "Compare versions",
                "&quot;release&quot;: &quot;v2&quot;",
                "Create version",
            ],
        ),
        (
            "/_ramp/ui/us-east-1/strategies".to_owned(),
            vec!["AppConfig.Canary10Percent20Minutes", "<svg"],
        ),
        ("/_ramp/ui/us-east-1/alarms".to_owned(), vec!["errors", "1 change"]),
        (
            "/_ramp/ui/us-east-1/engine".to_owned(),
            vec!["Lease holder", "Outbox pending"],
        ),
        ("/_ramp/ui/us-east-1/amplify".to_owned(), vec!["site", &app_id]),
        (
            format!("/_ramp/ui/us-east-1/amplify/{app_id}"),
            vec!["main", "SUCCEED", "/_ramp/sites/", "Live site"],
        ),
    ];
    for (path, expected) in pages {
        let response = server.http().get(server.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let page = response.text().await.unwrap();
        for text in expected {
            assert!(page.contains(text), "{path} does not show {text:?}:\n{page}");
        }
    }

    // An unknown application is a page saying so, in AppConfig's words.
    let missing = server
        .http()
        .get(server.url("/_ramp/ui/us-east-1/apps/nope123"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("ResourceNotFoundException"));
}
