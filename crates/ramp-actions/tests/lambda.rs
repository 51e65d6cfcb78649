//! Lambda targets against the Invoke API stand-in (`ramp_actions::testing::LambdaServer`).

mod common;

use std::time::Duration;

use common::{closed_port, event, invoke, invoker};
use ramp_actions::testing::{LambdaResponse, LambdaServer};
use serde_json::json;

const SECOND: Duration = Duration::from_secs(5);

#[tokio::test]
async fn a_functions_json_result_is_the_answer() {
    let lambda = LambdaServer::start().await.expect("the stand-in starts");
    lambda.handle("gate", |event| {
        LambdaResponse::ok(json!({"Directive": "CONTINUE", "Seen": event["Type"]}))
    });
    let invoker = invoker(lambda.endpoint());
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:gate:live";

    let answer = invoke(&invoker, arn, &event(), "inv-1", SECOND).await;

    assert_eq!(
        answer,
        Ok(Some(json!({"Directive": "CONTINUE", "Seen": "OnDeploymentComplete"})))
    );
    let requests = lambda.requests_to("gate");
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].payload, event());
    assert_eq!(requests[0].qualifier.as_deref(), Some("live"));
    assert_eq!(requests[0].invocation_type.as_deref(), Some("RequestResponse"));
}

#[tokio::test]
async fn an_empty_result_is_no_answer() {
    let lambda = LambdaServer::start().await.expect("the stand-in starts");
    lambda.handle("notify", |_| LambdaResponse::empty());
    lambda.handle("blank", |_| LambdaResponse::raw(200, Vec::new()));
    let invoker = invoker(lambda.endpoint());

    for name in ["notify", "blank"] {
        let arn = format!("arn:aws:lambda:us-east-1:123456789012:function:{name}");
        assert_eq!(
            invoke(&invoker, &arn, &event(), "inv-1", SECOND).await,
            Ok(None),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_function_error_carries_its_type_and_message() {
    let lambda = LambdaServer::start().await.expect("the stand-in starts");
    lambda.handle("strict", |_| {
        LambdaResponse::function_error("ValueError", "flag 'beta' has no default")
    });
    lambda.handle("crashed", |_| LambdaResponse {
        function_error: Some("Unhandled".to_owned()),
        ..LambdaResponse::raw(200, b"Runtime exited with error: signal: killed".to_vec())
    });
    let invoker = invoker(lambda.endpoint());

    let error = invoke(
        &invoker,
        "arn:aws:lambda:us-east-1:1:function:strict",
        &event(),
        "i",
        SECOND,
    )
    .await
    .expect_err("a function error fails the invocation");
    assert_eq!(error.code, "ValueError");
    assert_eq!(error.message, "flag 'beta' has no default");

    let error = invoke(
        &invoker,
        "arn:aws:lambda:us-east-1:1:function:crashed",
        &event(),
        "i",
        SECOND,
    )
    .await
    .expect_err("a function error fails the invocation");
    assert_eq!(error.code, "Unhandled");
    assert_eq!(error.message, "Runtime exited with error: signal: killed");
}

#[tokio::test]
async fn lambdas_own_errors_keep_their_code() {
    let lambda = LambdaServer::start().await.expect("the stand-in starts");
    lambda.handle("busy", |_| {
        LambdaResponse::service_error(429, "TooManyRequestsException", "Rate exceeded")
    });
    let invoker = invoker(lambda.endpoint());

    let error = invoke(
        &invoker,
        "arn:aws:lambda:us-east-1:1:function:missing",
        &event(),
        "i",
        SECOND,
    )
    .await
    .expect_err("an unknown function fails");
    assert_eq!(error.code, "ResourceNotFoundException");
    assert!(error.message.contains("Function not found"), "{error}");

    let error = invoke(
        &invoker,
        "arn:aws:lambda:us-east-1:1:function:busy",
        &event(),
        "i",
        SECOND,
    )
    .await
    .expect_err("throttling fails");
    assert_eq!(
        error,
        ramp_domain::extensions::InvocationError::new("TooManyRequestsException", "Rate exceeded")
    );
}

#[tokio::test]
async fn a_slow_function_times_out() {
    let lambda = LambdaServer::start().await.expect("the stand-in starts");
    lambda.handle("slow", |_| LambdaResponse::empty().delayed(Duration::from_secs(3)));
    let invoker = invoker(lambda.endpoint());
    let arn = "arn:aws:lambda:us-east-1:1:function:slow";

    let started = std::time::Instant::now();
    let error = invoke(&invoker, arn, &event(), "i", Duration::from_millis(200))
        .await
        .expect_err("the limit passes first");

    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(error.code, "Timeout");
    assert!(
        error.message.contains(arn) && error.message.contains("200ms"),
        "{error}"
    );
}

#[tokio::test]
async fn an_endpoint_nobody_listens_on_is_unreachable() {
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let invoker = invoker(&endpoint);

    let error = invoke(&invoker, "arn:aws:lambda:us-east-1:1:function:f", &event(), "i", SECOND)
        .await
        .expect_err("nothing answers");

    assert_eq!(error.code, "TargetUnreachable");
    assert!(error.message.contains(&endpoint), "{error}");
}
