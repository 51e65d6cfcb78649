//! `/_ramp/metrics` read by the Prometheus project's own text-format parser
//! (`tests/conformance/prometheus_text.py`), with its values checked after known traffic.

use std::process::{Command, Stdio};

use aws_sdk_appconfig::types::GrowthType;
use serde_json::Value;

use crate::auth::{signed_get, wall_time};
use crate::deployments::{deploy, strategy, world};
use crate::harness::{ACCESS_KEY, SECRET_KEY, TestServer};

/// The samples of an exposition, as the reference parser reads them.
struct Samples(Vec<Value>);

impl Samples {
    fn parse(text: &str) -> Self {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/conformance/prometheus_text.py"
        );
        let mut child = Command::new("python3")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs (pip install -r tests/requirements.txt)");
        use std::io::Write;
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "the Prometheus parser refused ramp's metrics: {}\n{text}",
            String::from_utf8_lossy(&output.stderr)
        );
        Self(serde_json::from_slice(&output.stdout).unwrap())
    }

    /// The value of the one sample `name` with (at least) these labels; `None` when absent.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let found: Vec<f64> = self
            .0
            .iter()
            .filter(|s| s["name"] == name && labels.iter().all(|(k, v)| s["labels"][k] == *v))
            .filter_map(|s| s["value"].as_f64())
            .collect();
        assert!(found.len() <= 1, "{name} {labels:?} matches {} samples", found.len());
        found.first().copied()
    }

    fn count(&self, name: &str) -> usize {
        self.0.iter().filter(|s| s["name"] == name).count()
    }

    fn family_type(&self, family: &str) -> Option<String> {
        self.0
            .iter()
            .find(|s| s["family"] == family)
            .and_then(|s| s["type"].as_str().map(str::to_owned))
    }
}

async fn scrape(server: &TestServer) -> Samples {
    let response = server.http().get(server.url("/_ramp/metrics")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    Samples::parse(&response.text().await.unwrap())
}

#[tokio::test]
async fn metrics_count_known_traffic() {
    let server = TestServer::start();
    let client = server.appconfig();
    let w = world(&client).await;
    let strategy_id = strategy(&client, 10, GrowthType::Linear, 50.0, 0).await;
    let missing = client.get_application().application_id("nope123").send().await;
    assert!(missing.is_err());
    let number = deploy(&client, &w, &w.profile, &strategy_id, "1").await;
    server.advance_clock(4 * 60).await;

    // Two polls: the first gets the configuration (a session is at 50 % or not: poll a few
    // sessions until one has it), later polls of that session get an empty body.
    let data = server.appconfigdata();
    let mut sessions = 0;
    let token = loop {
        sessions += 1;
        let token = data
            .start_configuration_session()
            .application_identifier(&w.app)
            .environment_identifier(&w.env)
            .configuration_profile_identifier(&w.profile)
            .send()
            .await
            .unwrap()
            .initial_configuration_token
            .unwrap();
        let first = data
            .get_latest_configuration()
            .configuration_token(token)
            .send()
            .await
            .unwrap();
        if !first.configuration.as_ref().is_none_or(|c| c.as_ref().is_empty()) {
            break first.next_poll_configuration_token.unwrap();
        }
        assert!(sessions < 200, "no session reached the deployment at 50 %");
    };
    // The next poll waits out the session's poll interval (60 s by default).
    server.advance_clock(60).await;
    data.get_latest_configuration()
        .configuration_token(token)
        .send()
        .await
        .unwrap();

    let metrics = scrape(&server).await;
    let requests = |operation: &str, status: &str| {
        metrics.value(
            "ramp_requests_total",
            &[("service", "AppConfig"), ("operation", operation), ("status", status)],
        )
    };
    assert_eq!(requests("CreateApplication", "201"), Some(1.0));
    assert_eq!(requests("CreateHostedConfigurationVersion", "201"), Some(2.0));
    assert_eq!(requests("GetApplication", "404"), Some(1.0));
    assert_eq!(requests("StartDeployment", "201"), Some(1.0));
    assert_eq!(
        metrics.family_type("ramp_request_duration_seconds").as_deref(),
        Some("histogram")
    );
    assert_eq!(
        metrics.value(
            "ramp_request_duration_seconds_count",
            &[("service", "AppConfig"), ("operation", "CreateApplication")]
        ),
        Some(1.0)
    );
    assert_eq!(
        metrics.value("ramp_dataplane_sessions_total", &[("outcome", "started")]),
        Some(f64::from(sessions))
    );
    assert_eq!(
        metrics.value("ramp_dataplane_polls_total", &[("outcome", "configuration")]),
        Some(1.0)
    );
    // Sessions outside the 50 % got an empty first answer; the chosen one, one more.
    assert_eq!(
        metrics.value("ramp_dataplane_polls_total", &[("outcome", "unchanged")]),
        Some(f64::from(sessions))
    );
    assert_eq!(metrics.value("ramp_deployments", &[("state", "DEPLOYING")]), Some(1.0));
    assert_eq!(metrics.value("ramp_deployments", &[("state", "COMPLETE")]), Some(0.0));
    let number_label = number.to_string();
    let percentage_labels = [
        ("application_id", w.app.as_str()),
        ("environment_id", w.env.as_str()),
        ("deployment_number", number_label.as_str()),
    ];
    assert_eq!(
        metrics.value("ramp_deployment_percentage_complete", &percentage_labels),
        Some(50.0)
    );
    assert_eq!(metrics.value("ramp_deployments_started_total", &[]), Some(1.0));
    assert_eq!(metrics.value("ramp_engine_leader", &[]), Some(1.0));
    assert_eq!(metrics.value("ramp_outbox_pending", &[]).map(|v| v >= 0.0), Some(true));
    assert!(metrics.count("ramp_store_operation_duration_seconds_bucket") > 0);
    assert!(metrics.count("ramp_engine_lag_seconds_count") == 1);
    server.set_alarm("errors", "OK").await;
    let before_the_rollback = scrape(&server).await;

    // An alarm rolls the deployment back: counted by trigger, and its percentage series goes.
    server.set_alarm("errors", "ALARM").await;
    let metrics = scrape(&server).await;
    assert_eq!(
        metrics.value(
            "ramp_deployment_rollbacks_total",
            &[("triggered_by", "CLOUDWATCH_ALARM"), ("state", "ROLLED_BACK")]
        ),
        Some(1.0)
    );
    assert_eq!(
        metrics.value("ramp_deployments", &[("state", "ROLLED_BACK")]),
        Some(1.0)
    );
    assert_eq!(metrics.value("ramp_deployments", &[("state", "DEPLOYING")]), Some(0.0));
    assert_eq!(
        metrics.value("ramp_deployment_percentage_complete", &percentage_labels),
        None
    );
    assert_eq!(
        metrics.value("ramp_alarm_state", &[("alarm", "errors"), ("state", "ALARM")]),
        Some(1.0)
    );
    assert_eq!(
        metrics.value("ramp_alarm_state", &[("alarm", "errors"), ("state", "OK")]),
        Some(0.0)
    );
    every_charted_series_is_exported(&[before_the_rollback, metrics]);
}

/// Every series `grafana/ramp.json` charts is one of these scrapes (but those counting traffic
/// this test makes none of).
fn every_charted_series_is_exported(scrapes: &[Samples]) {
    let dashboard: Value = serde_json::from_str(include_str!("../../../../grafana/ramp.json")).unwrap();
    let exprs: Vec<&str> = dashboard["panels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|panel| panel["targets"].as_array().unwrap())
        .map(|target| target["expr"].as_str().unwrap())
        .collect();
    let without_traffic_here = [
        "ramp_site_requests_total",
        "ramp_extension_invocations_total",
        "ramp_extension_invocation_failures_total",
        "ramp_extension_invocation_duration_seconds",
    ];
    for expr in exprs {
        for (start, _) in expr.match_indices("ramp_") {
            let name: String = expr[start..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            let family = name.trim_end_matches("_bucket");
            let exported = scrapes
                .iter()
                .flat_map(|scrape| &scrape.0)
                .any(|s| s["family"] == family || s["name"] == name);
            assert!(
                exported || without_traffic_here.contains(&family),
                "the dashboard charts {name}, which ramp does not export"
            );
        }
    }
}

#[tokio::test]
async fn metrics_need_the_admin_signature_except_on_their_own_listener() {
    let port = free_port();
    let metrics_listen = format!("127.0.0.1:{port}");
    let server = TestServer::with_args(&[
        "--access-key-id",
        ACCESS_KEY,
        "--secret-access-key",
        SECRET_KEY,
        "--metrics-listen",
        &metrics_listen,
    ]);
    let unsigned = server.http().get(server.url("/_ramp/metrics")).send().await.unwrap();
    assert_eq!(unsigned.status().as_u16(), 403);
    let signed = signed_get(&server, "/_ramp/metrics", "ramp", wall_time()).await;
    assert_eq!(signed.status().as_u16(), 200);
    Samples::parse(&signed.text().await.unwrap());

    let open = server
        .http()
        .get(format!("http://{metrics_listen}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(open.status().as_u16(), 200);
    let samples = Samples::parse(&open.text().await.unwrap());
    assert_eq!(samples.value("ramp_build_info", &[]), Some(1.0));
    // Only the metrics are there: not the AWS APIs, not the admin API.
    for path in ["/applications", "/_ramp/clock", "/_ramp/metrics"] {
        let other = server
            .http()
            .get(format!("http://{metrics_listen}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(other.status().as_u16(), 404, "{path}");
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
