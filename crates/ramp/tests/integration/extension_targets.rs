//! Extension actions on AWS targets: SQS, SNS and EventBridge through moto's server, Lambda
//! through the Invoke-API stand-in, with the envelopes of spec/appconfig.md §8.2 and LAMBDA
//! validators (§8.3).

use std::time::{Duration, Instant};

use aws_sdk_appconfig::primitives::Blob;
use aws_sdk_appconfig::types::{ActionPoint, DeploymentState, Validator, ValidatorType};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ramp_actions::testing::{LambdaResponse, LambdaServer};
use serde_json::{Value, json};

use crate::deployments::{World, get, world};
use crate::extensions::{app_arn, associate, webhook_action};
use crate::harness::{TestServer, error_code, error_message};

/// moto's default account.
const ACCOUNT: &str = "123456789012";

fn credentials() -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new("testing", "testing", None, None, "tests")
}

async fn sqs(endpoint: &str) -> aws_sdk_sqs::Client {
    let config = aws_sdk_sqs::Config::builder()
        .behavior_version_latest()
        .endpoint_url(endpoint)
        .region(aws_sdk_sqs::config::Region::new("us-east-1"))
        .credentials_provider(credentials())
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

async fn new_queue(sqs: &aws_sdk_sqs::Client, name: &str) -> (String, String) {
    let url = sqs
        .create_queue()
        .queue_name(name)
        .send()
        .await
        .unwrap()
        .queue_url()
        .unwrap()
        .to_owned();
    (url, format!("arn:aws:sqs:us-east-1:{ACCOUNT}:{name}"))
}

/// The bodies of the messages of a queue, waiting (with a deadline) for `count`.
async fn messages(sqs: &aws_sdk_sqs::Client, url: &str, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut bodies = Vec::new();
    while bodies.len() < count {
        assert!(
            Instant::now() < deadline,
            "{url} got {} messages of {count}: {bodies:?}",
            bodies.len()
        );
        let out = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .send()
            .await
            .unwrap();
        for message in out.messages() {
            bodies.push(serde_json::from_str(message.body().unwrap()).unwrap());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bodies
}

fn action(uri: &str) -> aws_sdk_appconfig::types::Action {
    aws_sdk_appconfig::types::Action::builder()
        .name("target")
        .uri(uri)
        .role_arn("arn:aws:iam::123456789012:role/appconfig-extensions")
        .build()
}

#[tokio::test]
async fn notifications_reach_sqs_sns_and_eventbridge() {
    let Some(moto) = ramp_moto::Moto::start("the SQS, SNS and EventBridge extension tests") else {
        return;
    };
    let endpoint = moto.endpoint();
    let sqs = sqs(endpoint).await;
    let (direct_url, direct_arn) = new_queue(&sqs, "direct").await;
    let (via_sns_url, via_sns_arn) = new_queue(&sqs, "via-sns").await;
    let (via_events_url, via_events_arn) = new_queue(&sqs, "via-events").await;
    let (authored_url, authored_arn) = new_queue(&sqs, "authored").await;

    let sns_config = aws_sdk_sns::Config::builder()
        .behavior_version_latest()
        .endpoint_url(endpoint)
        .region(aws_sdk_sns::config::Region::new("us-east-1"))
        .credentials_provider(credentials())
        .build();
    let sns = aws_sdk_sns::Client::from_conf(sns_config);
    let topic = sns
        .create_topic()
        .name("deployments")
        .send()
        .await
        .unwrap()
        .topic_arn()
        .unwrap()
        .to_owned();
    sns.subscribe()
        .topic_arn(&topic)
        .protocol("sqs")
        .endpoint(&via_sns_arn)
        .send()
        .await
        .unwrap();
    let events_config = aws_sdk_eventbridge::Config::builder()
        .behavior_version_latest()
        .endpoint_url(endpoint)
        .region(aws_sdk_eventbridge::config::Region::new("us-east-1"))
        .credentials_provider(credentials())
        .build();
    let events = aws_sdk_eventbridge::Client::from_conf(events_config);
    events
        .put_rule()
        .name("appconfig")
        .event_pattern(json!({"source": ["aws.appconfig"]}).to_string())
        .send()
        .await
        .unwrap();
    events
        .put_targets()
        .rule("appconfig")
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("queue")
                .arn(&via_events_arn)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    let server = TestServer::with_args(&[
        "--sqs-endpoint",
        endpoint,
        "--sns-endpoint",
        endpoint,
        "--eventbridge-endpoint",
        endpoint,
    ]);
    let client = server.appconfig();
    let w = world(&client).await;
    let bus = format!("arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default");
    let ext = client
        .create_extension()
        .name("everywhere")
        .actions(ActionPoint::OnDeploymentStart, vec![action(&direct_arn)])
        .actions(ActionPoint::OnDeploymentBaking, vec![action(&bus)])
        .actions(ActionPoint::OnDeploymentComplete, vec![action(&topic)])
        .send()
        .await
        .unwrap();
    let association = associate(&client, ext.id().unwrap(), &app_arn(&w.app), &[]).await;
    associate(
        &client,
        "AWS.AppConfig.DeploymentNotificationsToSqs",
        &format!("{}/environment/{}", app_arn(&w.app), w.env),
        &[("queueArn", &authored_arn)],
    )
    .await;
    let number = client
        .start_deployment()
        .application_id(&w.app)
        .environment_id(&w.env)
        .configuration_profile_id(&w.profile)
        .deployment_strategy_id("AppConfig.AllAtOnce")
        .configuration_version("2")
        .send()
        .await
        .unwrap()
        .deployment_number();
    server.advance_clock(11 * 60).await;

    let direct = messages(&sqs, &direct_url, 1).await;
    assert_eq!(direct[0]["Type"], "OnDeploymentStart");
    assert_eq!(direct[0]["DeploymentNumber"], number);

    let via_events = messages(&sqs, &via_events_url, 1).await;
    assert_eq!(via_events[0]["source"], "aws.appconfig");
    assert_eq!(via_events[0]["detail-type"], "On Deployment Baking");
    assert_eq!(via_events[0]["detail"]["Type"], "OnDeploymentBaking");
    let association_arn = format!("arn:aws:appconfig:us-east-1:000000000000:extensionassociation/{association}");
    assert_eq!(via_events[0]["resources"], json!([association_arn]));

    let via_sns = messages(&sqs, &via_sns_url, 1).await;
    assert_eq!(via_sns[0]["Type"], "Notification");
    assert_eq!(
        via_sns[0]["MessageAttributes"]["MessageType"]["Value"],
        "OnDeploymentComplete"
    );
    let published: Value = serde_json::from_str(via_sns[0]["Message"].as_str().unwrap()).unwrap();
    assert_eq!(published["Type"], "OnDeploymentComplete");

    let authored = messages(&sqs, &authored_url, 2).await;
    let types: Vec<&str> = authored.iter().map(|m| m["Type"].as_str().unwrap()).collect();
    assert_eq!(types, ["OnDeploymentStart", "OnDeploymentComplete"]);
    assert_eq!(authored[0]["Parameters"]["queueArn"], authored_arn);
}

async fn lambda_world(server: &TestServer) -> World {
    world(&server.appconfig()).await
}

#[tokio::test]
async fn lambda_actions_gate_transform_and_tick_and_lambda_validators_validate() {
    let lambda = LambdaServer::start().await.unwrap();
    lambda.handle("gate", |event| {
        let content = STANDARD
            .decode(event["Content"].as_str().unwrap_or_default())
            .unwrap_or_default();
        if String::from_utf8_lossy(&content).contains("v1") {
            LambdaResponse::function_error("Refused", "version 1 is retired")
        } else {
            LambdaResponse::ok(json!({"statusCode": 200, "Content": STANDARD.encode(br#"{"release": "from-lambda"}"#)}))
        }
    });
    lambda.handle("watch", |_| {
        LambdaResponse::ok(json!({"Directive": "ROLL_BACK", "Description": "error budget spent"}))
    });
    lambda.handle("validator", |event| {
        let content = STANDARD
            .decode(event["Content"].as_str().unwrap_or_default())
            .unwrap_or_default();
        if String::from_utf8_lossy(&content).contains("forbidden") {
            LambdaResponse::function_error("ValidationError", "the word 'forbidden' is forbidden")
        } else {
            LambdaResponse::empty()
        }
    });
    let server = TestServer::with_args(&["--lambda-endpoint", lambda.endpoint()]);
    let client = server.appconfig();
    let w = lambda_world(&server).await;
    let function = |name: &str| format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}");

    // A LAMBDA validator is invoked by ValidateConfiguration and StartDeployment.
    client
        .update_configuration_profile()
        .application_id(&w.app)
        .configuration_profile_id(&w.profile)
        .validators(
            Validator::builder()
                .r#type(ValidatorType::Lambda)
                .content(function("validator"))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    client
        .create_hosted_configuration_version()
        .application_id(&w.app)
        .configuration_profile_id(&w.profile)
        .content_type("application/json")
        .content(Blob::new(r#"{"release": "forbidden"}"#))
        .send()
        .await
        .unwrap();
    let validate = |version: &str| {
        client
            .validate_configuration()
            .application_id(&w.app)
            .configuration_profile_id(&w.profile)
            .configuration_version(version)
            .send()
    };
    validate("2").await.unwrap();
    let refused = validate("3").await.unwrap_err();
    assert_eq!(error_code(&refused), "BadRequestException");
    assert!(
        error_message(&refused).contains("forbidden"),
        "{}",
        error_message(&refused)
    );
    let seen = lambda.requests_to("validator");
    assert_eq!(seen.last().unwrap().payload["ConfigurationVersion"], "3");
    assert_eq!(seen.last().unwrap().payload["Uri"], function("validator"));

    // A Lambda PRE_START_DEPLOYMENT action refuses version 1 and rewrites version 2; an
    // AT_DEPLOYMENT_TICK action rolls it back.
    let ext = client
        .create_extension()
        .name("lambda-gate")
        .actions(ActionPoint::PreStartDeployment, vec![webhook_action(&function("gate"))])
        .actions(ActionPoint::AtDeploymentTick, vec![webhook_action(&function("watch"))])
        .send()
        .await
        .unwrap();
    associate(&client, ext.id().unwrap(), &app_arn(&w.app), &[]).await;
    let start = |version: &str| {
        client
            .start_deployment()
            .application_id(&w.app)
            .environment_id(&w.env)
            .configuration_profile_id(&w.profile)
            .deployment_strategy_id("AppConfig.Linear50PercentEvery30Seconds")
            .configuration_version(version)
            .send()
    };
    let refused = start("1").await.unwrap_err();
    assert_eq!(error_code(&refused), "BadRequestException");
    assert!(
        error_message(&refused).contains("version 1 is retired"),
        "{}",
        error_message(&refused)
    );
    let number = start("2").await.unwrap().deployment_number();
    assert_eq!(
        lambda.requests_to("gate").last().unwrap().payload["Type"],
        "PreStartDeployment"
    );
    server.advance_clock(60).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let d = get(&client, &w, number).await;
        if d.state() == Some(&DeploymentState::RolledBack) {
            let description = d
                .event_log()
                .iter()
                .find_map(|e| e.description().filter(|t| t.contains("error budget spent")));
            assert!(description.is_some(), "{d:#?}");
            break;
        }
        assert!(Instant::now() < deadline, "never rolled back: {d:#?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(!lambda.requests_to("watch").is_empty());
}
