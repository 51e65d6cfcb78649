//! Deployments driven through the official SDK with ramp's manual clock: every timeline is
//! checked to the millisecond, never by sleeping.

use aws_sdk_appconfig::Client;
use aws_sdk_appconfig::operation::get_deployment::GetDeploymentOutput;
use aws_sdk_appconfig::primitives::Blob;
use aws_sdk_appconfig::types::{
    DeploymentEventType, DeploymentState, EnvironmentState, GrowthType, Monitor, TriggeredBy,
};

use crate::harness::{TestServer, error_code, error_message, new_application, new_hosted_profile};

/// An application with one environment (watching the alarm `errors`) and a hosted profile
/// holding two versions ("v1" and "v2").
pub struct World {
    pub app: String,
    pub env: String,
    pub profile: String,
}

pub async fn world(client: &Client) -> World {
    let app = new_application(client).await;
    let env = client
        .create_environment()
        .application_id(&app)
        .name("prod")
        .monitors(Monitor::builder().alarm_arn(ALARM_ARN).build().unwrap())
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    let profile = new_hosted_profile(client, &app, None).await;
    for label in ["v1", "v2"] {
        client
            .create_hosted_configuration_version()
            .application_id(&app)
            .configuration_profile_id(&profile)
            .content(Blob::new(format!("{{\"release\": \"{label}\"}}")))
            .content_type("application/json")
            .version_label(label)
            .send()
            .await
            .unwrap();
    }
    World { app, env, profile }
}

const ALARM_ARN: &str = "arn:aws:cloudwatch:us-east-1:000000000000:alarm:errors";

pub async fn strategy(client: &Client, minutes: i32, growth: GrowthType, factor: f32, bake: i32) -> String {
    client
        .create_deployment_strategy()
        .name("s")
        .deployment_duration_in_minutes(minutes)
        .growth_type(growth)
        .growth_factor(factor)
        .final_bake_time_in_minutes(bake)
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned()
}

async fn start(client: &Client, w: &World, strategy_id: &str, version: &str) -> i32 {
    deploy(client, w, &w.profile, strategy_id, version).await
}

/// Starts a deployment of `profile`'s `version` into the world's environment; its number.
pub async fn deploy(client: &Client, w: &World, profile: &str, strategy_id: &str, version: &str) -> i32 {
    client
        .start_deployment()
        .application_id(&w.app)
        .environment_id(&w.env)
        .configuration_profile_id(profile)
        .deployment_strategy_id(strategy_id)
        .configuration_version(version)
        .send()
        .await
        .unwrap()
        .deployment_number()
}

pub async fn get(client: &Client, w: &World, number: i32) -> GetDeploymentOutput {
    client
        .get_deployment()
        .application_id(&w.app)
        .environment_id(&w.env)
        .deployment_number(number)
        .send()
        .await
        .unwrap()
}

async fn environment_state(client: &Client, w: &World) -> EnvironmentState {
    client
        .get_environment()
        .application_id(&w.app)
        .environment_id(&w.env)
        .send()
        .await
        .unwrap()
        .state()
        .unwrap()
        .clone()
}

/// The event log oldest first as (seconds after start, type, triggered by, description).
pub fn timeline(d: &GetDeploymentOutput) -> Vec<(f64, String, String, String)> {
    let started = d.started_at().unwrap().as_secs_f64();
    let mut events: Vec<_> = d
        .event_log()
        .iter()
        .map(|e| {
            (
                ((e.occurred_at().unwrap().as_secs_f64() - started) * 1000.0).round() / 1000.0,
                e.event_type().unwrap().as_str().to_owned(),
                e.triggered_by().unwrap().as_str().to_owned(),
                e.description().unwrap().to_owned(),
            )
        })
        .collect();
    events.reverse();
    events
}

fn percent_events(d: &GetDeploymentOutput) -> Vec<(f64, String)> {
    timeline(d)
        .into_iter()
        .filter(|e| e.1 == "PERCENTAGE_UPDATED")
        .map(|e| (e.0, e.3))
        .collect()
}

pub fn available(p: &str) -> String {
    format!("Configuration available to {p}% of clients")
}

#[tokio::test]
async fn reproduces_aws_published_fifteen_minute_rollout() {
    let server = TestServer::start();
    let client = server.appconfig();
    let w = world(&client).await;
    let strategy_id = strategy(&client, 15, GrowthType::Linear, 25.0, 0).await;

    let started = client
        .start_deployment()
        .application_id(&w.app)
        .environment_id(&w.env)
        .configuration_profile_id(&w.profile)
        .deployment_strategy_id(&strategy_id)
        .configuration_version("1")
        .description("first")
        .tags("change", "42")
        .send()
        .await
        .unwrap();
    assert_eq!(started.deployment_number(), 1);
    assert_eq!(started.state(), Some(&DeploymentState::Deploying));
    assert_eq!(started.percentage_complete(), Some(0.0));
    assert_eq!(started.event_log().len(), 1);
    assert_eq!(
        started.event_log()[0].event_type(),
        Some(&DeploymentEventType::DeploymentStarted)
    );
    assert_eq!(started.event_log()[0].triggered_by(), Some(&TriggeredBy::User));
    assert!(started.completed_at().is_none());
    assert_eq!(
        started.growth_factor(),
        Some(25.0),
        "strategy copied onto the deployment"
    );
    assert_eq!(started.deployment_duration_in_minutes(), 15);
    assert_eq!(started.configuration_name(), Some("profile"));
    assert_eq!(started.configuration_location_uri(), Some("hosted"));
    assert_eq!(started.version_label(), Some("v1"));
    assert_eq!(environment_state(&client, &w).await, EnvironmentState::Deploying);

    server.advance_clock(3 * 60).await;
    assert_eq!(get(&client, &w, 1).await.percentage_complete(), Some(25.0));
    server.advance_clock(11 * 60).await;
    let at14 = get(&client, &w, 1).await;
    assert_eq!(at14.percentage_complete(), Some(100.0));
    assert_eq!(
        at14.state(),
        Some(&DeploymentState::Deploying),
        "100 % at 12 min, bake only at 15"
    );
    server.advance_clock(60).await;

    let done = get(&client, &w, 1).await;
    assert_eq!(done.state(), Some(&DeploymentState::Complete));
    let e = |s: f64, t: &str, d: &str| (s, t.to_owned(), "APPCONFIG".to_owned(), d.to_owned());
    assert_eq!(
        timeline(&done),
        vec![
            (
                0.0,
                "DEPLOYMENT_STARTED".to_owned(),
                "USER".to_owned(),
                "Deployment started".to_owned()
            ),
            e(180.0, "PERCENTAGE_UPDATED", &available("25.00")),
            e(360.0, "PERCENTAGE_UPDATED", &available("50.00")),
            e(540.0, "PERCENTAGE_UPDATED", &available("75.00")),
            e(720.0, "PERCENTAGE_UPDATED", &available("100.00")),
            e(900.0, "BAKE_TIME_STARTED", "Deployment bake time started"),
            e(900.0, "DEPLOYMENT_COMPLETED", "Deployment completed"),
        ]
    );
    assert_eq!(
        done.completed_at().unwrap().as_secs_f64() - done.started_at().unwrap().as_secs_f64(),
        900.0
    );
    assert_eq!(
        environment_state(&client, &w).await,
        EnvironmentState::ReadyForDeployment
    );

    let arn = format!(
        "arn:aws:appconfig:us-east-1:000000000000:application/{}/environment/{}/deployment/1",
        w.app, w.env
    );
    let tags = client.list_tags_for_resource().resource_arn(arn).send().await.unwrap();
    assert_eq!(tags.tags().unwrap().get("change").map(String::as_str), Some("42"));
}

#[tokio::test]
async fn predefined_strategies_follow_their_timelines() {
    let server = TestServer::start();
    let client = server.appconfig();
    let w = world(&client).await;

    // AllAtOnce: 100 % at once, 10 minutes of bake.
    let n = start(&client, &w, "AppConfig.AllAtOnce", "1").await;
    server.advance_clock(0).await;
    let d = get(&client, &w, n).await;
    assert_eq!(
        (d.percentage_complete(), d.state()),
        (Some(100.0), Some(&DeploymentState::Baking))
    );
    server.advance_clock(10 * 60).await;
    assert_eq!(get(&client, &w, n).await.state(), Some(&DeploymentState::Complete));

    // Linear50PercentEvery30Seconds: 50 % at 20 s, 100 % at 40 s, bake 60 s → 120 s.
    let n = start(&client, &w, "AppConfig.Linear50PercentEvery30Seconds", "2").await;
    server.advance_clock(120).await;
    let d = get(&client, &w, n).await;
    assert_eq!(
        percent_events(&d),
        vec![(20.0, available("50.00")), (40.0, available("100.00"))]
    );
    assert_eq!(timeline(&d).last().unwrap().0, 120.0);

    // Canary10Percent20Minutes: exponential 10, 20, 40, 80, 100 over 20 minutes, bake 10.
    let n = start(&client, &w, "AppConfig.Canary10Percent20Minutes", "1").await;
    server.advance_clock(30 * 60).await;
    let d = get(&client, &w, n).await;
    let percents: Vec<String> = percent_events(&d).into_iter().map(|e| e.1).collect();
    let expected: Vec<String> = ["10.00", "20.00", "40.00", "80.00", "100.00"]
        .iter()
        .map(|p| available(p))
        .collect();
    assert_eq!(percents, expected);
    assert_eq!(percent_events(&d)[2].0, 600.0);
    assert_eq!(d.state(), Some(&DeploymentState::Complete));

    // Linear20PercentEvery6Minutes: every 5 minutes (model A), bake 30 → 60 minutes.
    let n = start(&client, &w, "AppConfig.Linear20PercentEvery6Minutes", "2").await;
    server.advance_clock(59 * 60).await;
    assert_eq!(get(&client, &w, n).await.state(), Some(&DeploymentState::Baking));
    server.advance_clock(60).await;
    let d = get(&client, &w, n).await;
    assert_eq!(
        percent_events(&d).iter().map(|e| e.0).collect::<Vec<_>>(),
        vec![300.0, 600.0, 900.0, 1200.0, 1500.0]
    );
    assert_eq!(d.state(), Some(&DeploymentState::Complete));

    let listed = client
        .list_deployments()
        .application_id(&w.app)
        .environment_id(&w.env)
        .send()
        .await
        .unwrap();
    let numbers: Vec<i32> = listed.items().iter().map(|d| d.deployment_number()).collect();
    assert_eq!(numbers, vec![4, 3, 2, 1], "newest first");
}

#[tokio::test]
async fn documented_step_timing_is_selectable() {
    let server = TestServer::with_args(&["--step-timing", "documented"]);
    let client = server.appconfig();
    let w = world(&client).await;
    let strategy_id = strategy(&client, 10, GrowthType::Linear, 20.0, 0).await;
    let n = start(&client, &w, &strategy_id, "1").await;
    server.advance_clock(10 * 60).await;
    let times: Vec<f64> = percent_events(&get(&client, &w, n).await).iter().map(|e| e.0).collect();
    assert_eq!(times, vec![120.0, 240.0, 360.0, 480.0, 600.0]);
}

#[tokio::test]
async fn exponential_growth_doubles() {
    let server = TestServer::start();
    let client = server.appconfig();
    let w = world(&client).await;
    let strategy_id = strategy(&client, 8, GrowthType::Exponential, 2.0, 0).await;
    let n = start(&client, &w, &strategy_id, "v2").await;
    server.advance_clock(8 * 60).await;
    let d = get(&client, &w, n).await;
    let percents: Vec<String> = percent_events(&d).into_iter().map(|e| e.1).collect();
    let expected: Vec<String> = ["2.00", "4.00", "8.00", "16.00", "32.00", "64.00", "100.00"]
        .iter()
        .map(|p| available(p))
        .collect();
    assert_eq!(percents, expected);
    assert_eq!(percent_events(&d)[0].0, 60.0, "8 minutes in 8 intervals");
    assert_eq!(d.configuration_version(), Some("v2"), "deployed by label");
    assert_eq!(d.version_label(), Some("v2"));
}

#[tokio::test]
async fn an_alarm_rolls_back_during_deploy_and_during_bake_but_not_after() {
    let server = TestServer::start();
    let client = server.appconfig();
    let w = world(&client).await;
    let strategy_id = strategy(&client, 15, GrowthType::Linear, 25.0, 10).await;

    // During deploy.
    let n = start(&client, &w, &strategy_id, "1").await;
    server.advance_clock(4 * 60).await;
    let answer = server.set_alarm("errors", "ALARM").await;
    assert_eq!(answer["RolledBack"], 1, "rolled back before the alarm call answered");
    let d = get(&client, &w, n).await;
    assert_eq!(d.state(), Some(&DeploymentState::RolledBack));
    assert_eq!(d.percentage_complete(), Some(25.0), "kept as reached");
    let last = timeline(&d);
    let (started, completed) = (&last[last.len() - 2], &last[last.len() - 1]);
    assert_eq!(
        (started.1.as_str(), started.2.as_str()),
        ("ROLLBACK_STARTED", "CLOUDWATCH_ALARM")
    );
    assert!(started.3.contains(ALARM_ARN), "{}", started.3);
    assert_eq!((completed.1.as_str(), completed.0), ("ROLLBACK_COMPLETED", 240.0));
    assert_eq!(environment_state(&client, &w).await, EnvironmentState::RolledBack);
    server.advance_clock(3600).await;
    assert_eq!(
        get(&client, &w, n).await.state(),
        Some(&DeploymentState::RolledBack),
        "stays rolled back"
    );

    // A deployment that starts while its alarm fires rolls back at once.
    let n = start(&client, &w, &strategy_id, "1").await;
    server.advance_clock(0).await;
    assert_eq!(get(&client, &w, n).await.state(), Some(&DeploymentState::RolledBack));

    // During bake, INSUFFICIENT_DATA counts too.
    server.set_alarm("errors", "OK").await;
    let n = start(&client, &w, &strategy_id, "1").await;
    server.advance_clock(16 * 60).await;
    assert_eq!(get(&client, &w, n).await.state(), Some(&DeploymentState::Baking));
    server.set_alarm("errors", "INSUFFICIENT_DATA").await;
    assert_eq!(get(&client, &w, n).await.state(), Some(&DeploymentState::RolledBack));

    // After COMPLETE, alarms are ignored.
    server.set_alarm("errors", "OK").await;
    let n = start(&client, &w, &strategy_id, "1").await;
    server.advance_clock(25 * 60).await;
    assert_eq!(get(&client, &w, n).await.state(), Some(&DeploymentState::Complete));
    server.set_alarm("errors", "ALARM").await;
    assert_eq!(get(&client, &w, n).await.state(), Some(&DeploymentState::Complete));
    assert_eq!(
        environment_state(&client, &w).await,
        EnvironmentState::ReadyForDeployment
    );
}

#[tokio::test]
async fn alertmanager_webhooks_fire_and_resolve_alarms() {
    let server = TestServer::start();
    let client = server.appconfig();
    let w = world(&client).await;
    let strategy_id = strategy(&client, 10, GrowthType::Linear, 50.0, 0).await;
    let n = start(&client, &w, &strategy_id, "1").await;
    let payload = |status: &str| {
        format!(
            r#"{{"version":"4","status":"{status}","receiver":"ramp","alerts":[{{"status":"{status}","labels":{{"alertname":"errors","severity":"page"}},"annotations":{{"summary":"5xx above 1%"}}}}]}}"#
        )
    };
    let fired = server
        .http()
        .post(server.url("/_ramp/alertmanager"))
        .body(payload("firing"))
        .send()
        .await
        .unwrap();
    assert_eq!(fired.status().as_u16(), 200);
    assert_eq!(get(&client, &w, n).await.state(), Some(&DeploymentState::RolledBack));
    let alarms = server.alarms().await;
    assert_eq!(alarms["Alarms"][0]["State"], "ALARM");
    assert_eq!(alarms["Alarms"][0]["Reason"], "5xx above 1%");
    server
        .http()
        .post(server.url("/_ramp/alertmanager"))
        .body(payload("resolved"))
        .send()
        .await
        .unwrap();
    let alarms = server.alarms().await;
    assert_eq!(alarms["Alarms"][0]["State"], "OK");
    let bad = server
        .http()
        .post(server.url("/_ramp/alertmanager"))
        .body("nonsense")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
}

#[tokio::test]
async fn stop_rolls_back_and_allow_revert_reverts_within_72_hours() {
    let server = TestServer::start();
    let client = server.appconfig();
    let w = world(&client).await;
    let strategy_id = strategy(&client, 10, GrowthType::Linear, 50.0, 0).await;
    let stop = |n: i32, revert: bool| {
        client
            .stop_deployment()
            .application_id(&w.app)
            .environment_id(&w.env)
            .deployment_number(n)
            .allow_revert(revert)
            .send()
    };

    let n = start(&client, &w, &strategy_id, "1").await;
    server.advance_clock(4 * 60).await;
    let stopped = stop(n, false).await.unwrap();
    assert_eq!(stopped.state(), Some(&DeploymentState::RolledBack));
    let d = get(&client, &w, n).await;
    let last = timeline(&d);
    assert_eq!(last[last.len() - 2].1, "ROLLBACK_STARTED");
    assert_eq!(last[last.len() - 2].2, "USER");
    let err = stop(n, true).await.unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    assert!(error_message(&err).contains("rolled back"));

    let n = start(&client, &w, &strategy_id, "2").await;
    server.advance_clock(10 * 60).await;
    let err = stop(n, false).await.unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    assert!(error_message(&err).contains("Allow-Revert"), "{}", error_message(&err));
    let reverted = stop(n, true).await.unwrap();
    assert_eq!(reverted.state(), Some(&DeploymentState::Reverted));
    assert_eq!(
        reverted.event_log()[0].event_type(),
        Some(&DeploymentEventType::RevertCompleted),
        "newest first"
    );
    assert_eq!(environment_state(&client, &w).await, EnvironmentState::Reverted);

    // 72 hours is the limit.
    let n = start(&client, &w, &strategy_id, "1").await;
    server.advance_clock(10 * 60).await;
    server.advance_clock(73 * 3600).await;
    let err = stop(n, true).await.unwrap_err();
    assert!(error_message(&err).contains("72 hours"), "{}", error_message(&err));
    let err = stop(99, true).await.unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
}

#[tokio::test]
async fn one_deployment_at_a_time_per_environment() {
    let server = TestServer::start();
    let client = server.appconfig();
    let w = world(&client).await;
    let strategy_id = strategy(&client, 10, GrowthType::Linear, 50.0, 0).await;
    let attempts: Vec<_> = (0..10)
        .map(|_| {
            let (client, app, env, profile, strategy_id) = (
                client.clone(),
                w.app.clone(),
                w.env.clone(),
                w.profile.clone(),
                strategy_id.clone(),
            );
            tokio::spawn(async move {
                client
                    .start_deployment()
                    .application_id(app)
                    .environment_id(env)
                    .configuration_profile_id(profile)
                    .deployment_strategy_id(strategy_id)
                    .configuration_version("1")
                    .send()
                    .await
            })
        })
        .collect();
    let mut started = Vec::new();
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(d) => started.push(d.deployment_number()),
            Err(e) => assert_eq!(error_code(&e), "ConflictException"),
        }
    }
    assert_eq!(started, vec![1], "exactly one started");
    let err = client
        .delete_environment()
        .application_id(&w.app)
        .environment_id(&w.env)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&err),
        "ConflictException",
        "no deleting an environment mid-deployment"
    );
    server.advance_clock(10 * 60).await;
    assert_eq!(
        start(&client, &w, &strategy_id, "2").await,
        2,
        "numbers go on once the first is done"
    );
}

#[tokio::test]
async fn start_deployment_refuses_what_it_cannot_deploy() {
    let server = TestServer::start();
    let client = server.appconfig();
    let w = world(&client).await;
    let start_with = |strategy: &str, version: &str| {
        client
            .start_deployment()
            .application_id(&w.app)
            .environment_id(&w.env)
            .configuration_profile_id(&w.profile)
            .deployment_strategy_id(strategy)
            .configuration_version(version)
            .send()
    };
    let err = start_with("nope123", "1").await.unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
    let err = start_with("AppConfig.AllAtOnce", "9").await.unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");

    let schema = r#"{"type":"object","required":["limit"]}"#;
    client
        .update_configuration_profile()
        .application_id(&w.app)
        .configuration_profile_id(&w.profile)
        .validators(
            aws_sdk_appconfig::types::Validator::builder()
                .r#type(aws_sdk_appconfig::types::ValidatorType::JsonSchema)
                .content(schema)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let err = start_with("AppConfig.AllAtOnce", "1").await.unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    let listed = client
        .list_deployments()
        .application_id(&w.app)
        .environment_id(&w.env)
        .send()
        .await
        .unwrap();
    assert!(listed.items().is_empty(), "a failed validation creates no deployment");
    assert_eq!(
        environment_state(&client, &w).await,
        EnvironmentState::ReadyForDeployment
    );

    let err = client
        .get_deployment()
        .application_id(&w.app)
        .environment_id(&w.env)
        .deployment_number(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
}

#[tokio::test]
async fn a_killed_server_continues_the_rollout_without_losing_or_repeating_events() {
    let mut server = TestServer::start();
    let client = server.appconfig();
    let w = world(&client).await;
    let strategy_id = strategy(&client, 15, GrowthType::Linear, 25.0, 0).await;
    let n = start(&client, &w, &strategy_id, "1").await;
    server.advance_clock(4 * 60).await;
    let reached = server.clock_now().await;

    // kill -9, then restart with the clock where it was plus ten minutes of downtime.
    let resume_at = reached.plus_minutes(6).to_iso8601();
    server.restart_with(true, &["--manual-clock-start", &resume_at]);
    let client = server.appconfig();
    server.advance_clock(0).await;
    let d = get(&client, &w, n).await;
    let times: Vec<f64> = percent_events(&d).iter().map(|e| e.0).collect();
    assert_eq!(
        times,
        vec![180.0, 360.0, 540.0],
        "events missed while down, at the times they were due"
    );

    server.restart_with(true, &["--manual-clock-start", &reached.plus_minutes(20).to_iso8601()]);
    let client = server.appconfig();
    server.advance_clock(0).await;
    let d = get(&client, &w, n).await;
    assert_eq!(d.state(), Some(&DeploymentState::Complete));
    let log = timeline(&d);
    assert_eq!(log.len(), 7, "no event lost or duplicated: {log:?}");
    assert_eq!(
        environment_state(&client, &w).await,
        EnvironmentState::ReadyForDeployment
    );
}
