//! Several real `ramp serve` processes on one PostgreSQL database, as behind a load balancer:
//! a node killed mid-rollout loses nothing and stalls nothing, and a change made through one
//! node reaches the clients of another at once. Skipped unless `RAMP_TEST_DATABASE_URL` is set.
//!
//! These run in real (accelerated) time, because leases expire in real time; every wait is a
//! poll with a deadline, never a fixed sleep that an assertion depends on.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use aws_sdk_appconfig::types::{DeploymentState, GrowthType};
use aws_sdk_appconfigdata::error::ProvideErrorMetadata;

use crate::amplify_sources::MotoAmplify as _;
use crate::dataplane::{body, poll, session};
use crate::deployments::{World, available, deploy, get, strategy, timeline, world};
use crate::harness::{TestServer, postgres_schema_url};

/// ramp time runs 60 times faster: a minute of rollout takes a second.
const TIME_SCALE: &str = "60";
/// Real time allowed for anything that should happen in a few seconds.
const DEADLINE: Duration = Duration::from_secs(60);

fn nodes(count: usize) -> Option<Vec<TestServer>> {
    let Some(url) = postgres_schema_url() else {
        eprintln!("skipped: set RAMP_TEST_DATABASE_URL to run the several-node tests on PostgreSQL");
        return None;
    };
    let names: Vec<String> = (0..count).map(|i| format!("node-{i}")).collect();
    Some(
        names
            .iter()
            .map(|name| TestServer::node(&url, &["--time-scale", TIME_SCALE, "--node-name", name]))
            .collect(),
    )
}

/// `GET /_ramp/engine`'s leadership: (this node's name, whether it leads).
async fn leadership(node: &TestServer) -> Option<(String, bool)> {
    let engine: serde_json::Value = node
        .http()
        .get(node.url("/_ramp/engine"))
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    let leadership = &engine["Leadership"];
    Some((
        leadership["Node"].as_str()?.to_owned(),
        leadership["Leading"].as_bool()?,
    ))
}

/// Index of the node that drives the deployments, once one does.
async fn leader(nodes: &[&TestServer]) -> usize {
    wait_for("a node to lead", || async {
        for (i, node) in nodes.iter().enumerate() {
            if let Some((_, true)) = leadership(node).await {
                return Some(i);
            }
        }
        None
    })
    .await
}

/// Polls `check` until it returns something, failing after [`DEADLINE`].
async fn wait_for<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(started.elapsed() < DEADLINE, "gave up waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_for_state(node: &TestServer, w: &World, number: i32, state: DeploymentState) {
    let client = node.appconfig();
    wait_for(&format!("deployment {number} to be {state:?}"), || async {
        (get(&client, w, number).await.state() == Some(&state)).then_some(())
    })
    .await;
}

/// Client sessions and the version each last received.
struct Sessions {
    tokens: Vec<String>,
    holding: Vec<String>,
}

impl Sessions {
    async fn start(nodes: &[&TestServer], w: &World, count: usize) -> Self {
        let mut tokens = Vec::new();
        for i in 0..count {
            let data = nodes[i % nodes.len()].appconfigdata();
            tokens.push(session(&data, &w.app, &w.env, &w.profile).await);
        }
        Self {
            holding: vec![String::new(); count],
            tokens,
        }
    }

    /// One poll of every session, session `i` on node `(i + round) % nodes`, once its interval
    /// (15 s of ramp time) has passed; panics if a session moves back from v2 to v1.
    async fn poll_all(&mut self, nodes: &[&TestServer], round: usize) {
        for i in 0..self.tokens.len() {
            let data = nodes[(i + round) % nodes.len()].appconfigdata();
            let token = &self.tokens[i];
            let out = wait_for("the poll interval", || async {
                match data.get_latest_configuration().configuration_token(token).send().await {
                    Ok(out) => Some(out),
                    Err(e) if e.as_service_error().and_then(|e| e.message()) == Some("Request too early") => None,
                    Err(e) => panic!("session {i} on node {}: {e:?}", (i + round) % nodes.len()),
                }
            })
            .await;
            self.tokens[i] = out.next_poll_configuration_token().unwrap().to_owned();
            let received = body(&out);
            if !received.is_empty() {
                assert!(
                    !(self.holding[i].contains("v2") && received.contains("v1")),
                    "session {i} went back from v2 to v1 during the rollout"
                );
                self.holding[i] = received;
            }
        }
    }

    fn count(&self, release: &str) -> usize {
        self.holding.iter().filter(|h| h.contains(release)).count()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_killed_mid_rollout_loses_nothing_and_stalls_nothing() {
    let Some(mut nodes) = nodes(3) else { return };
    let leading = leader(&nodes.iter().collect::<Vec<_>>()).await;
    let client = nodes[(leading + 1) % 3].appconfig();
    let w = world(&client).await;

    // v1 everywhere at once, then a session per client on every node.
    let at_once = strategy(&client, 0, GrowthType::Linear, 100.0, 0).await;
    let first = deploy(&client, &w, &w.profile, &at_once, "1").await;
    wait_for_state(&nodes[0], &w, first, DeploymentState::Complete).await;
    let all: Vec<&TestServer> = nodes.iter().collect();
    let mut sessions = Sessions::start(&all, &w, 60).await;
    sessions.poll_all(&all, 0).await;
    assert_eq!(sessions.count("v1"), 60, "every session starts on v1");

    // v2: LINEAR 25 % over 10 minutes with a minute of bake (11 s of real time).
    let linear = strategy(&client, 10, GrowthType::Linear, 25.0, 1).await;
    let second = deploy(&client, &w, &w.profile, &linear, "2").await;
    wait_for("the first step", || async {
        (get(&client, &w, second).await.percentage_complete() >= Some(25.0)).then_some(())
    })
    .await;

    // Kill the node driving the rollout, the hard way.
    let leading = leader(&all).await;
    drop(all);
    nodes[leading].stop(true);
    let killed_at = Instant::now();
    let survivors: Vec<&TestServer> = nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != leading)
        .map(|(_, n)| n)
        .collect();

    let new_leader = leader(&survivors).await;
    let takeover = killed_at.elapsed();
    eprintln!("a survivor took over the engine lease {takeover:?} after the kill");
    assert!(takeover <= Duration::from_secs(10), "takeover took {takeover:?}");

    // Clients of the killed node carry on with the survivors, and nobody goes back to v1.
    let mut round = 1;
    let survivor_client = survivors[new_leader].appconfig();
    while get(&survivor_client, &w, second).await.state() != Some(&DeploymentState::Complete) {
        assert!(killed_at.elapsed() < DEADLINE, "the rollout stalled after the kill");
        sessions.poll_all(&survivors, round).await;
        round += 1;
    }

    // The event log on every survivor: each milestone once, at the time it was due.
    let expected: Vec<(f64, String)> = [
        (0.0, "DEPLOYMENT_STARTED", "Deployment started".to_owned()),
        (120.0, "PERCENTAGE_UPDATED", available("25.00")),
        (240.0, "PERCENTAGE_UPDATED", available("50.00")),
        (360.0, "PERCENTAGE_UPDATED", available("75.00")),
        (480.0, "PERCENTAGE_UPDATED", available("100.00")),
        (600.0, "BAKE_TIME_STARTED", "Deployment bake time started".to_owned()),
        (660.0, "DEPLOYMENT_COMPLETED", "Deployment completed".to_owned()),
    ]
    .into_iter()
    .map(|(at, kind, description)| (at, format!("{kind}: {description}")))
    .collect();
    for node in &survivors {
        let done = get(&node.appconfig(), &w, second).await;
        let log: Vec<(f64, String)> = timeline(&done)
            .into_iter()
            .map(|(at, kind, _, description)| (at, format!("{kind}: {description}")))
            .collect();
        assert_eq!(log, expected);
    }

    // Every client, polling either survivor, ends on v2; so does a new client of each.
    for _ in 0..2 {
        sessions.poll_all(&survivors, round).await;
        round += 1;
    }
    assert_eq!(sessions.count("v2"), 60, "every session ends on v2");
    for node in &survivors {
        let data = node.appconfigdata();
        let token = session(&data, &w.app, &w.env, &w.profile).await;
        assert!(body(&poll(&data, &token).await).contains("v2"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_stopped_cleanly_hands_the_lease_over_at_the_next_try() {
    let Some(mut nodes) = nodes(2) else { return };
    let leading = leader(&nodes.iter().collect::<Vec<_>>()).await;
    nodes[leading].stop(false);
    let stopped_at = Instant::now();
    let survivor = &nodes[1 - leading];
    leader(&[survivor]).await;
    let handover = stopped_at.elapsed();
    eprintln!("the survivor took over {handover:?} after the leader stopped cleanly");
    // The lease was released: the survivor's next try (every 2 s) wins, well before the 6 s a
    // dead leader's lease takes to run out.
    assert!(handover < Duration::from_secs(5), "handover took {handover:?}");
}

#[tokio::test]
async fn a_database_url_must_be_postgres() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ramp"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            "mysql://user:hunter2@db/ramp",
        ])
        .output()
        .expect("ramp runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--database-url must be a PostgreSQL URL"), "{stderr}");
    assert!(
        !stderr.contains("hunter2"),
        "the password stays out of the log: {stderr}"
    );
}

/// The legacy GetConfiguration of `client_id` on `node`: the release it serves.
async fn served_release(node: &TestServer, w: &World, client_id: &str) -> String {
    let path = format!(
        "/applications/{}/environments/{}/configurations/{}?client_id={client_id}",
        w.app, w.env, w.profile
    );
    let response = node.http().get(node.url(&path)).send().await.unwrap();
    assert!(
        response.status().is_success(),
        "GetConfiguration: {}",
        response.status()
    );
    response.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stop_on_one_node_reaches_the_clients_of_another_within_a_second() {
    let Some(nodes) = nodes(2) else { return };
    let (a, b) = (&nodes[0], &nodes[1]);
    let client = a.appconfig();
    let w = world(&client).await;
    let at_once = strategy(&client, 0, GrowthType::Linear, 100.0, 0).await;
    let first = deploy(&client, &w, &w.profile, &at_once, "1").await;
    wait_for_state(b, &w, first, DeploymentState::Complete).await;

    // v2 to everyone at once, then a long bake: node b's clients get v2 ...
    let long_bake = strategy(&client, 0, GrowthType::Linear, 100.0, 60).await;
    let second = deploy(&client, &w, &w.profile, &long_bake, "2").await;
    wait_for_state(b, &w, second, DeploymentState::Baking).await;
    let clients: Vec<String> = (0..20).map(|i| format!("client-{i}")).collect();
    for id in &clients {
        let release = wait_for("node b to serve v2", || async {
            let release = served_release(b, &w, id).await;
            release.contains("v2").then_some(release)
        })
        .await;
        assert!(release.contains("v2"));
    }

    // ... until a stop on node a rolls it back: node b serves v1 again within a second.
    a.appconfig()
        .stop_deployment()
        .application_id(&w.app)
        .environment_id(&w.env)
        .deployment_number(second)
        .send()
        .await
        .unwrap();
    let stopped_at = Instant::now();
    let mut learned = HashMap::new();
    for id in &clients {
        wait_for("node b to serve v1 again", || async {
            served_release(b, &w, id).await.contains("v1").then_some(())
        })
        .await;
        learned.insert(id.clone(), stopped_at.elapsed());
    }
    let slowest = learned.values().max().copied().unwrap_or_default();
    eprintln!("node b served the rollback {slowest:?} after node a stopped the deployment");
    assert!(
        slowest <= Duration::from_secs(1),
        "node b learned of the stop after {slowest:?}"
    );
}

/// A site deployed through one node is served by the others: they share the database and the
/// blob store, and rebuild their site tables when the store's Amplify generation moves.
#[tokio::test]
async fn a_site_deployed_through_one_node_is_served_by_every_node() {
    let Some(url) = postgres_schema_url() else {
        eprintln!("skipped: set RAMP_TEST_DATABASE_URL to run the several-node tests on PostgreSQL");
        return;
    };
    // A directory both nodes can read.
    let blobs = tempfile::tempdir().unwrap();
    let directory = vec!["--blob-store".to_owned(), blobs.path().to_str().unwrap().to_owned()];
    served_by_every_node(&url, &directory).await;
}

/// The same with the blob store in an S3 bucket (moto's server), as several hosts would share it.
#[tokio::test]
async fn a_site_deployed_through_one_node_is_served_by_every_node_from_s3() {
    let Some(url) = postgres_schema_url() else {
        eprintln!("skipped: set RAMP_TEST_DATABASE_URL to run the several-node tests on PostgreSQL");
        return;
    };
    let Some(moto) = ramp_moto::Moto::start("the several-node S3 test") else {
        return;
    };
    moto.put("/sites", Vec::new()).await;
    let mut flags = vec!["--blob-store".to_owned(), "s3://sites".to_owned()];
    flags.extend(moto.ramp_flags());
    served_by_every_node(&url, &flags).await;
}

async fn served_by_every_node(url: &str, blob_flags: &[String]) {
    let flags = |name: &'static str| -> Vec<&str> {
        let mut flags = vec!["--node-name", name];
        flags.extend(blob_flags.iter().map(String::as_str));
        flags
    };
    let a = TestServer::node(url, &flags("node-a"));
    let b = TestServer::node(url, &flags("node-b"));
    let client = a.amplify();
    let app_id = crate::amplify_common::app_with_branch(&client, "main").await;
    let host = format!("main.{app_id}.localhost");

    for version in ["v1", "v2"] {
        let zip = crate::amplify_common::text_zip(&[("index.html", version)]);
        crate::amplify_common::deploy(&a, &app_id, "main", zip).await;
        assert_eq!(crate::amplify_common::get(&a, &host, "/").await.text(), version);
        let started = Instant::now();
        wait_for(&format!("node b to serve {version}"), || async {
            (crate::amplify_common::get(&b, &host, "/").await.text() == version).then_some(())
        })
        .await;
        eprintln!(
            "node b served {version} {} ms after node a",
            started.elapsed().as_millis()
        );
    }
}

/// Extension notifications go out from the outbox of whichever node holds its lease: with two
/// nodes, each transition's notification reaches the receiver once, whichever node made it.
#[tokio::test]
async fn two_nodes_deliver_each_notification_once() {
    use aws_sdk_appconfig::types::ActionPoint;

    use crate::extensions::{app_arn, associate, new_extension};
    use crate::receiver::Receiver;

    let Some(nodes) = nodes(2) else { return };
    let receiver = Receiver::start().await;
    let client = nodes[0].appconfig();
    let points = [
        ActionPoint::OnDeploymentStart,
        ActionPoint::OnDeploymentStep,
        ActionPoint::OnDeploymentBaking,
        ActionPoint::OnDeploymentComplete,
    ];
    let ext = new_extension(&client, "once", &points, &receiver.url("/once"), &[]).await;
    let mut worlds = Vec::new();
    for node in &nodes {
        let client = node.appconfig();
        let w = world(&client).await;
        associate(&client, ext.id().unwrap(), &app_arn(&w.app), &[]).await;
        let strategy_id = strategy(&client, 1, GrowthType::Linear, 50.0, 1).await;
        let number = deploy(&client, &w, &w.profile, &strategy_id, "2").await;
        worlds.push((w, number));
    }
    for (i, (w, number)) in worlds.iter().enumerate() {
        wait_for_state(&nodes[i], w, *number, DeploymentState::Complete).await;
    }
    // START, two steps, BAKING, COMPLETE for each of the two deployments, and nothing more.
    let received = receiver.wait_for("/once", 10).await;
    wait_for("the outbox to drain", || async {
        let engine: serde_json::Value = nodes[0]
            .http()
            .get(nodes[0].url("/_ramp/engine"))
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        (engine["Outbox"]["Pending"] == 0).then_some(())
    })
    .await;
    let received = receiver.received("/once").len().max(received.len());
    assert_eq!(received, 10, "each notification once, not once per node");
    let mut ids: Vec<String> = receiver
        .received("/once")
        .iter()
        .map(|r| r.header("x-ramp-invocation-id").to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 10);
}
