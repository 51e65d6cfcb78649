//! SQS, SNS and EventBridge targets against moto's server, set up and read back with the SDK.
//! Without `moto_server` these tests say so and pass, except under CI (`ramp_moto`).

mod common;

use std::time::Duration;

use aws_credential_types::Credentials;
use aws_sdk_sqs::types::{Message, MessageSystemAttributeName, QueueAttributeName};
use common::{ASSOCIATION, event, invoke, invoker};
use ramp_moto::Moto;
use serde_json::Value;

const LIMIT: Duration = Duration::from_secs(10);

macro_rules! client {
    ($sdk:ident, $endpoint:expr) => {
        $sdk::Client::from_conf(
            $sdk::Config::builder()
                .behavior_version($sdk::config::BehaviorVersion::latest())
                .region($sdk::config::Region::new("us-east-1"))
                .endpoint_url($endpoint)
                .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
                .build(),
        )
    };
}

/// A new queue: its URL and ARN.
async fn queue(sqs: &aws_sdk_sqs::Client, name: &str) -> (String, String) {
    let mut request = sqs.create_queue().queue_name(name);
    if name.ends_with(".fifo") {
        request = request.attributes(QueueAttributeName::FifoQueue, "true");
    }
    let url = request
        .send()
        .await
        .expect("CreateQueue")
        .queue_url
        .expect("a queue URL");
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("GetQueueAttributes");
    let arn = attributes
        .attributes()
        .and_then(|attributes| attributes.get(&QueueAttributeName::QueueArn))
        .expect("a queue ARN")
        .clone();
    (url, arn)
}

/// Every message in the queue now (long-polling briefly for the first).
async fn drain(sqs: &aws_sdk_sqs::Client, url: &str) -> Vec<Message> {
    let mut messages = Vec::new();
    loop {
        let received = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .wait_time_seconds(if messages.is_empty() { 2 } else { 0 })
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .expect("ReceiveMessage");
        let batch = received.messages.unwrap_or_default();
        if batch.is_empty() {
            return messages;
        }
        messages.extend(batch);
    }
}

fn json_body(message: &Message) -> Value {
    serde_json::from_str(message.body().expect("a body")).expect("a JSON body")
}

#[tokio::test]
async fn an_sqs_queue_gets_the_event() {
    let Some(moto) = Moto::start("the SQS target tests") else {
        return;
    };
    let sqs = client!(aws_sdk_sqs, moto.endpoint());
    let (url, arn) = queue(&sqs, "appconfig-events").await;
    let invoker = invoker(moto.endpoint());

    assert_eq!(invoke(&invoker, &arn, &event(), "inv-1", LIMIT).await, Ok(None));
    // The cached URL serves the second send.
    assert_eq!(invoke(&invoker, &arn, &event(), "inv-2", LIMIT).await, Ok(None));

    let messages = drain(&sqs, &url).await;
    assert_eq!(messages.len(), 2);
    assert!(messages.iter().all(|message| json_body(message) == event()));
}

#[tokio::test]
async fn a_fifo_queue_gets_a_group_and_drops_retries() {
    let Some(moto) = Moto::start("the SQS FIFO target tests") else {
        return;
    };
    let sqs = client!(aws_sdk_sqs, moto.endpoint());
    let (url, arn) = queue(&sqs, "appconfig-events.fifo").await;
    let invoker = invoker(moto.endpoint());

    for invocation_id in ["inv-1", "inv-1", "inv-2"] {
        assert_eq!(invoke(&invoker, &arn, &event(), invocation_id, LIMIT).await, Ok(None));
    }

    let messages = drain(&sqs, &url).await;
    assert_eq!(messages.len(), 2, "the retry of inv-1 is a duplicate");
    let attribute =
        |message: &Message, name: MessageSystemAttributeName| message.attributes().and_then(|a| a.get(&name)).cloned();
    assert_eq!(
        attribute(&messages[0], MessageSystemAttributeName::MessageGroupId).as_deref(),
        Some("appconfig")
    );
    assert_eq!(
        attribute(&messages[0], MessageSystemAttributeName::MessageDeduplicationId).as_deref(),
        Some("inv-1")
    );
    assert_eq!(json_body(&messages[1]), event());
}

#[tokio::test]
async fn a_missing_queue_keeps_sqss_error_code() {
    let Some(moto) = Moto::start("the SQS target tests") else {
        return;
    };
    let invoker = invoker(moto.endpoint());

    let error = invoke(
        &invoker,
        "arn:aws:sqs:us-east-1:123456789012:nowhere",
        &event(),
        "i",
        LIMIT,
    )
    .await
    .expect_err("no such queue");

    assert!(
        ["QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"].contains(&error.code.as_str()),
        "{error}"
    );
    assert!(!error.message.is_empty());
}

#[tokio::test]
async fn an_sns_topic_publishes_the_event_with_its_message_type() {
    let Some(moto) = Moto::start("the SNS target tests") else {
        return;
    };
    let sqs = client!(aws_sdk_sqs, moto.endpoint());
    let sns = client!(aws_sdk_sns, moto.endpoint());
    let (url, queue_arn) = queue(&sqs, "subscriber").await;
    let topic = sns
        .create_topic()
        .name("deployments")
        .send()
        .await
        .expect("CreateTopic");
    let topic_arn = topic.topic_arn().expect("a topic ARN").to_owned();
    sns.subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint(&queue_arn)
        .send()
        .await
        .expect("Subscribe");
    let invoker = invoker(moto.endpoint());

    assert_eq!(invoke(&invoker, &topic_arn, &event(), "inv-1", LIMIT).await, Ok(None));

    let messages = drain(&sqs, &url).await;
    assert_eq!(messages.len(), 1);
    let envelope = json_body(&messages[0]);
    assert_eq!(envelope["Type"], "Notification");
    assert_eq!(envelope["TopicArn"], topic_arn.as_str());
    let message: Value = serde_json::from_str(envelope["Message"].as_str().expect("a message")).expect("JSON");
    assert_eq!(message, event());
    assert_eq!(envelope["MessageAttributes"]["MessageType"]["Type"], "String");
    assert_eq!(
        envelope["MessageAttributes"]["MessageType"]["Value"],
        "OnDeploymentComplete"
    );
}

#[tokio::test]
async fn the_default_event_bus_gets_an_appconfig_event() {
    let Some(moto) = Moto::start("the EventBridge target tests") else {
        return;
    };
    let sqs = client!(aws_sdk_sqs, moto.endpoint());
    let events = client!(aws_sdk_eventbridge, moto.endpoint());
    let (url, queue_arn) = queue(&sqs, "bus-listener").await;
    events
        .put_rule()
        .name("appconfig")
        .event_pattern(r#"{"source": ["aws.appconfig"]}"#)
        .send()
        .await
        .expect("PutRule");
    let target = aws_sdk_eventbridge::types::Target::builder()
        .id("queue")
        .arn(&queue_arn)
        .build()
        .expect("a target");
    events
        .put_targets()
        .rule("appconfig")
        .targets(target)
        .send()
        .await
        .expect("PutTargets");
    let invoker = invoker(moto.endpoint());
    let bus = "arn:aws:events:us-east-1:123456789012:event-bus/default";

    assert_eq!(invoke(&invoker, bus, &event(), "inv-1", LIMIT).await, Ok(None));

    let messages = drain(&sqs, &url).await;
    assert_eq!(messages.len(), 1);
    let delivered = json_body(&messages[0]);
    assert_eq!(delivered["source"], "aws.appconfig");
    assert_eq!(delivered["detail-type"], "On Deployment Complete");
    assert_eq!(delivered["detail"], event());
    assert_eq!(delivered["resources"], serde_json::json!([ASSOCIATION]));
}
