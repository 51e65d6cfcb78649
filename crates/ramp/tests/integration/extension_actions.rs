//! Extension actions delivered for real to a webhook receiver the test runs: the payload of
//! every action point, the HMAC signature, PRE_* blocking and content replacement, tick
//! rollbacks (directive, error, timeout), retries with one InvocationId, delivery after
//! kill -9, dynamic parameters, version selection and unreachable targets
//! (spec/appconfig.md §8).

use std::time::{Duration, Instant};

use aws_sdk_appconfig::Client;
use aws_sdk_appconfig::primitives::Blob;
use aws_sdk_appconfig::types::{ActionPoint, DeploymentEventType, DeploymentState, GrowthType, Parameter, TriggeredBy};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use crate::dataplane::{body, poll, session};
use crate::deployments::{World, get, strategy, world};
use crate::extensions::{app_arn, associate, new_extension};
use crate::harness::{TestServer, error_code, error_message};
use crate::receiver::{Receiver, Reply};

const SECRET: &str = "whsec-test";

fn server() -> TestServer {
    TestServer::with_args(&["--webhook-secret", SECRET])
}

fn env_arn(w: &World) -> String {
    format!("{}/environment/{}", app_arn(&w.app), w.env)
}

fn start(
    client: &Client,
    w: &World,
    strategy_id: &str,
) -> aws_sdk_appconfig::operation::start_deployment::builders::StartDeploymentFluentBuilder {
    client
        .start_deployment()
        .application_id(&w.app)
        .environment_id(&w.env)
        .configuration_profile_id(&w.profile)
        .deployment_strategy_id(strategy_id)
        .configuration_version("2")
}

/// A server, its client, a webhook receiver and a world (application, environment, profile).
async fn setup() -> (TestServer, Client, Receiver, World) {
    let server = server();
    let client = server.appconfig();
    let receiver = Receiver::start().await;
    let w = world(&client).await;
    (server, client, receiver, w)
}

/// An extension named `name` acting at `points` through `uri`, associated with `resource_arn`:
/// its ID and the association's.
async fn hook(client: &Client, name: &str, points: &[ActionPoint], uri: &str, resource_arn: &str) -> (String, String) {
    let ext = new_extension(client, name, points, uri, &[]).await;
    let id = ext.id().unwrap().to_owned();
    let association = associate(client, &id, resource_arn, &[]).await;
    (id, association)
}

/// Polls GetDeployment until `done` holds for it (another task records invocations).
async fn deployment_until(
    client: &Client,
    w: &World,
    number: i32,
    done: impl Fn(&aws_sdk_appconfig::operation::get_deployment::GetDeploymentOutput) -> bool,
) -> aws_sdk_appconfig::operation::get_deployment::GetDeploymentOutput {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let d = get(client, w, number).await;
        if done(&d) {
            return d;
        }
        assert!(Instant::now() < deadline, "deployment never got there: {d:#?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn invocations_of(
    d: &aws_sdk_appconfig::operation::get_deployment::GetDeploymentOutput,
    event: DeploymentEventType,
) -> Vec<aws_sdk_appconfig::types::ActionInvocation> {
    d.event_log()
        .iter()
        .filter(|e| e.event_type() == Some(&event))
        .flat_map(|e| e.action_invocations().to_vec())
        .collect()
}

#[tokio::test]
async fn every_notification_point_reaches_the_webhook_signed_and_is_recorded_on_its_event() {
    let (server, client, receiver, w) = setup().await;
    let points = [
        ActionPoint::OnDeploymentStart,
        ActionPoint::OnDeploymentStep,
        ActionPoint::OnDeploymentBaking,
        ActionPoint::OnDeploymentComplete,
    ];
    let (ext_id, association) = hook(&client, "notify", &points, &receiver.url("/hooks"), &app_arn(&w.app)).await;
    let strategy_id = strategy(&client, 2, GrowthType::Linear, 50.0, 1).await;
    let number = start(&client, &w, &strategy_id)
        .send()
        .await
        .unwrap()
        .deployment_number();
    server.advance_clock(4 * 60).await;

    let received = receiver.wait_for("/hooks", 5).await;
    let types: Vec<String> = received
        .iter()
        .map(|r| r.json()["Type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        types,
        [
            "OnDeploymentStart",
            "OnDeploymentStep",
            "OnDeploymentStep",
            "OnDeploymentBaking",
            "OnDeploymentComplete"
        ]
    );
    for r in &received {
        let event = r.json();
        assert!(
            ramp_actions::verify_signature(SECRET.as_bytes(), r.header("x-ramp-signature"), &r.body),
            "signature {} does not verify",
            r.header("x-ramp-signature")
        );
        assert!(!ramp_actions::verify_signature(
            b"wrong",
            r.header("x-ramp-signature"),
            &r.body
        ));
        assert_eq!(r.header("x-ramp-invocation-id"), event["InvocationId"]);
        assert_eq!(r.header("content-type"), "application/json");
        assert_eq!(event["Application"], json!({"Id": w.app, "Name": "app"}));
        assert_eq!(event["Environment"], json!({"Id": w.env, "Name": "prod"}));
        assert_eq!(event["ConfigurationProfile"]["Id"], w.profile);
        assert_eq!(event["DeploymentNumber"], number);
        assert_eq!(event["ConfigurationVersion"], "2");
        assert_eq!(event["Parameters"], json!({}));
    }
    let mut ids: Vec<&str> = received.iter().map(|r| r.header("x-ramp-invocation-id")).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 5, "every invocation has its own id");

    let d = deployment_until(&client, &w, number, |d| {
        d.event_log()
            .iter()
            .map(|e| e.action_invocations().len())
            .sum::<usize>()
            == 5
    })
    .await;
    let applied = d.applied_extensions();
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0].extension_id(), Some(ext_id.as_str()));
    assert_eq!(applied[0].extension_association_id(), Some(association.as_str()));
    assert_eq!(applied[0].version_number(), 1);
    let completed = invocations_of(&d, DeploymentEventType::DeploymentCompleted);
    assert_eq!(completed.len(), 1);
    assert_eq!(completed[0].extension_identifier(), Some(ext_id.as_str()));
    assert_eq!(completed[0].uri(), Some(receiver.url("/hooks").as_str()));
    assert_eq!(completed[0].error_code(), None);
    let last_id = received[4].header("x-ramp-invocation-id");
    assert_eq!(completed[0].invocation_id(), Some(last_id));
}

#[tokio::test]
async fn pre_start_deployment_actions_refuse_the_deployment_or_replace_its_content() {
    let (server, client, receiver, w) = setup().await;
    hook(
        &client,
        "gate",
        &[ActionPoint::PreStartDeployment],
        &receiver.url("/gate"),
        &env_arn(&w),
    )
    .await;

    receiver.once("/gate", Reply::Status(500));
    let refused = start(&client, &w, "AppConfig.AllAtOnce").send().await.unwrap_err();
    assert_eq!(error_code(&refused), "BadRequestException");
    assert!(error_message(&refused).contains("500"), "{}", error_message(&refused));
    receiver.once(
        "/gate",
        Reply::Json(json!({"Error": "Frozen", "Message": "change freeze until Monday"})),
    );
    let refused = start(&client, &w, "AppConfig.AllAtOnce").send().await.unwrap_err();
    assert!(
        error_message(&refused).contains("change freeze until Monday"),
        "{}",
        error_message(&refused)
    );
    let listed = client
        .list_deployments()
        .application_id(&w.app)
        .environment_id(&w.env)
        .send()
        .await
        .unwrap();
    assert!(listed.items().is_empty(), "a refused deployment stores nothing");

    // The action sees the content (base64) and replaces it.
    let replaced = r#"{"release": "patched"}"#;
    receiver.once("/gate", Reply::Json(json!({"Content": STANDARD.encode(replaced)})));
    let started = start(&client, &w, "AppConfig.AllAtOnce").send().await.unwrap();
    let sent = receiver.received("/gate").pop().unwrap().json();
    assert_eq!(sent["Type"], "PreStartDeployment");
    assert_eq!(
        STANDARD.decode(sent["Content"].as_str().unwrap()).unwrap(),
        br#"{"release": "v2"}"#
    );
    let started_event = started
        .event_log()
        .iter()
        .find(|e| e.event_type() == Some(&DeploymentEventType::DeploymentStarted))
        .unwrap();
    assert_eq!(started_event.action_invocations().len(), 1);
    server.advance_clock(0).await; // lets the engine take AllAtOnce's one step
    let data = server.appconfigdata();
    let token = session(&data, &w.app, &w.env, &w.profile).await;
    assert_eq!(body(&poll(&data, &token).await), replaced);
}

#[tokio::test]
async fn pre_create_hosted_configuration_version_actions_refuse_or_replace_the_version() {
    let server = server();
    let client = server.appconfig();
    let receiver = Receiver::start().await;
    let w = world(&client).await;
    let profile_arn = format!("{}/configurationprofile/{}", app_arn(&w.app), w.profile);
    let ext = new_extension(
        &client,
        "lint",
        &[ActionPoint::PreCreateHostedConfigurationVersion],
        &receiver.url("/lint"),
        &[],
    )
    .await;
    associate(&client, ext.id().unwrap(), &profile_arn, &[]).await;
    let create = || {
        client
            .create_hosted_configuration_version()
            .application_id(&w.app)
            .configuration_profile_id(&w.profile)
            .content_type("application/json")
            .content(Blob::new(r#"{"release": "v3"}"#))
            .send()
    };
    receiver.once("/lint", Reply::Status(400));
    let refused = create().await.unwrap_err();
    assert_eq!(error_code(&refused), "BadRequestException");
    receiver.once(
        "/lint",
        Reply::Json(json!({"Content": STANDARD.encode(r#"{"release": "v3", "linted": true}"#)})),
    );
    let created = create().await.unwrap();
    assert_eq!(created.version_number(), 3, "the refused one took no number");
    assert_eq!(
        created.content().unwrap().as_ref(),
        br#"{"release": "v3", "linted": true}"#
    );
    let sent = receiver.received("/lint").pop().unwrap().json();
    assert_eq!(sent["Type"], "PreCreateHostedConfigurationVersion");
    assert_eq!(sent["ContentType"], "application/json");
}

#[tokio::test]
async fn ticks_roll_back_on_a_directive_an_error_or_a_timeout() {
    let server = server();
    let client = server.appconfig();
    let receiver = Receiver::start().await;
    let strategy_id = strategy(&client, 20, GrowthType::Linear, 10.0, 0).await;
    let mut worlds = Vec::new();
    for (path, reply) in [
        (
            "/directive",
            Reply::Json(json!({"Directive": "ROLL_BACK", "Description": "p99 latency above 300 ms"})),
        ),
        ("/error", Reply::Status(500)),
        ("/slow", Reply::Delay(Duration::from_secs(5))),
    ] {
        let w = world(&client).await;
        let ext = new_extension(
            &client,
            &format!("tick{path}").replace('/', "-"),
            &[ActionPoint::AtDeploymentTick],
            &receiver.url(path),
            &[],
        )
        .await;
        associate(&client, ext.id().unwrap(), &env_arn(&w), &[]).await;
        receiver.once(path, Reply::Json(json!({"Directive": "CONTINUE"})));
        receiver.always(path, reply);
        let number = start(&client, &w, &strategy_id)
            .send()
            .await
            .unwrap()
            .deployment_number();
        worlds.push((w, number, path, ext.id().unwrap().to_owned()));
    }
    // The first tick continues every deployment.
    server.advance_clock(60).await;
    for (_, _, path, _) in &worlds {
        receiver.wait_for(path, 1).await;
    }
    for (w, number, _, _) in &worlds {
        assert_eq!(
            get(&client, w, *number).await.state(),
            Some(&DeploymentState::Deploying)
        );
    }
    // The second rolls each back, for its own reason.
    server.advance_clock(60).await;
    for (w, number, path, ext_id) in &worlds {
        let d = deployment_until(&client, w, *number, |d| d.state() == Some(&DeploymentState::RolledBack)).await;
        let started = d
            .event_log()
            .iter()
            .find(|e| e.event_type() == Some(&DeploymentEventType::RollbackStarted))
            .unwrap();
        assert_eq!(started.triggered_by(), Some(&TriggeredBy::Appconfig));
        let description = started.description().unwrap();
        let invocations = started.action_invocations();
        assert_eq!(invocations.len(), 1, "{path}");
        assert_eq!(invocations[0].extension_identifier(), Some(ext_id.as_str()));
        match *path {
            "/directive" => {
                assert!(description.contains("p99 latency above 300 ms"), "{description}");
                assert_eq!(invocations[0].error_code(), None);
            }
            "/error" => assert_eq!(invocations[0].error_code(), Some("HttpStatus500"), "{description}"),
            _ => assert_eq!(invocations[0].error_code(), Some("Timeout"), "{description}"),
        }
        let tick = receiver.received(path).pop().unwrap().json();
        assert_eq!(tick["Type"], "AtDeploymentTick");
        assert_eq!(tick["DeploymentState"], "DEPLOYING");
    }
}

#[tokio::test]
async fn failed_notifications_are_retried_with_the_same_invocation_id() {
    let (server, client, receiver, w) = setup().await;
    hook(
        &client,
        "flaky",
        &[ActionPoint::OnDeploymentStart],
        &receiver.url("/flaky"),
        &app_arn(&w.app),
    )
    .await;
    receiver.once("/flaky", Reply::Status(503));
    receiver.once("/flaky", Reply::Status(503));
    let number = start(&client, &w, "AppConfig.AllAtOnce")
        .send()
        .await
        .unwrap()
        .deployment_number();
    receiver.wait_for("/flaky", 1).await;
    let failing = deployment_until(&client, &w, number, |d| {
        !invocations_of(d, DeploymentEventType::DeploymentStarted).is_empty()
    })
    .await;
    let recorded = invocations_of(&failing, DeploymentEventType::DeploymentStarted);
    assert_eq!(recorded[0].error_code(), Some("HttpStatus503"));
    // Retries wait on ramp's clock (1 s, then 2 s): nothing goes again until it moves.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received("/flaky").len(), 1, "no retry before the backoff");
    let deadline = Instant::now() + Duration::from_secs(20);
    while receiver.received("/flaky").len() < 3 {
        assert!(
            Instant::now() < deadline,
            "never retried: {:?}",
            receiver.received("/flaky").len()
        );
        server.advance_clock(1).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let received = receiver.received("/flaky");
    let ids: Vec<&str> = received.iter().map(|r| r.header("x-ramp-invocation-id")).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let d = deployment_until(&client, &w, number, |d| {
        invocations_of(d, DeploymentEventType::DeploymentStarted)
            .first()
            .is_some_and(|i| i.error_code().is_none())
    })
    .await;
    let recorded = invocations_of(&d, DeploymentEventType::DeploymentStarted);
    assert_eq!(recorded.len(), 1, "a retry replaces the failed record");
    assert_eq!(recorded[0].invocation_id(), Some(ids[0]));
}

#[tokio::test]
async fn a_notification_pending_at_kill_9_is_delivered_after_restart() {
    let (mut server, client, receiver, w) = setup().await;
    hook(
        &client,
        "durable",
        &[ActionPoint::OnDeploymentStart],
        &receiver.url("/durable"),
        &app_arn(&w.app),
    )
    .await;
    receiver.always("/durable", Reply::Status(503));
    start(&client, &w, "AppConfig.AllAtOnce").send().await.unwrap();
    let first = receiver.wait_for("/durable", 1).await;
    let at = server.clock_now().await;

    server.restart_with(true, &["--manual-clock-start", &at.to_iso8601()]);
    receiver.always("/durable", Reply::Json(json!({})));
    server.advance_clock(5).await;
    let received = receiver.wait_for("/durable", 2).await;
    assert_eq!(
        received.last().unwrap().header("x-ramp-invocation-id"),
        first[0].header("x-ramp-invocation-id"),
        "the retry after the crash carries the same InvocationId"
    );
}

#[tokio::test]
async fn dynamic_parameters_reach_the_action_and_unknown_keys_are_refused() {
    let server = server();
    let client = server.appconfig();
    let receiver = Receiver::start().await;
    let w = world(&client).await;
    let dynamic = Parameter::builder().dynamic(true).build();
    let fixed = Parameter::builder().build();
    let ext = new_extension(
        &client,
        "ticket",
        &[ActionPoint::PreStartDeployment],
        &receiver.url("/v1"),
        &[("ticket", dynamic), ("team", fixed)],
    )
    .await;
    let id = ext.id().unwrap();
    // Version 2 goes elsewhere; the association stays on version 1.
    client
        .create_extension()
        .name("ticket")
        .actions(
            ActionPoint::PreStartDeployment,
            vec![crate::extensions::webhook_action(&receiver.url("/v2"))],
        )
        .parameters("ticket", Parameter::builder().dynamic(true).build())
        .latest_version_number(1)
        .send()
        .await
        .unwrap();
    client
        .create_extension_association()
        .extension_identifier(id)
        .extension_version_number(1)
        .resource_identifier(app_arn(&w.app))
        .parameters("team", "payments")
        .send()
        .await
        .unwrap();

    for (key, why) in [
        (format!("{id}#nope"), "no dynamic parameter named nope"),
        (format!("{id}#team"), "no dynamic parameter named team"),
        ("zzzzzzz#ticket".to_owned(), "names no extension"),
        ("no-separator".to_owned(), "DynamicExtensionParameters"),
    ] {
        let e = start(&client, &w, "AppConfig.AllAtOnce")
            .dynamic_extension_parameters(&key, "x")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error_code(&e), "BadRequestException", "{key}");
        assert!(error_message(&e).contains(why), "{key}: {}", error_message(&e));
    }
    start(&client, &w, "AppConfig.AllAtOnce")
        .dynamic_extension_parameters(format!("{id}#ticket"), "CHG-42")
        .send()
        .await
        .unwrap();
    assert!(receiver.received("/v2").is_empty(), "version 1 is the associated one");
    let sent = receiver.received("/v1").pop().unwrap().json();
    assert_eq!(sent["Parameters"], json!({"team": "payments", "ticket": "CHG-42"}));
}

#[tokio::test]
async fn an_unreachable_target_is_a_failed_invocation_with_its_reason() {
    let server = server();
    let client = server.appconfig();
    let w = world(&client).await;
    // Nothing listens on port 9 of loopback.
    let ext = new_extension(
        &client,
        "void",
        &[ActionPoint::OnDeploymentStart],
        "http://127.0.0.1:9/hook",
        &[],
    )
    .await;
    associate(&client, ext.id().unwrap(), &app_arn(&w.app), &[]).await;
    let number = start(&client, &w, "AppConfig.AllAtOnce")
        .send()
        .await
        .unwrap()
        .deployment_number();
    let d = deployment_until(&client, &w, number, |d| {
        !invocations_of(d, DeploymentEventType::DeploymentStarted).is_empty()
    })
    .await;
    let recorded = invocations_of(&d, DeploymentEventType::DeploymentStarted);
    assert_eq!(recorded[0].error_code(), Some("TargetUnreachable"));
    assert!(
        recorded[0].error_message().unwrap().contains("127.0.0.1:9"),
        "{recorded:?}"
    );
    // The outbox gives up after its attempts, so later notifications are not held forever.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        server.advance_clock(120).await;
        let engine: serde_json::Value = server
            .http()
            .get(server.url("/_ramp/engine"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if engine["Outbox"]["Pending"] == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the outbox never gave up: {engine}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
