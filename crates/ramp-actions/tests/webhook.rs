//! Webhook targets against a local receiver.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use common::{NOW_SECS, SECRET, closed_port, event, invoke, invoker};
use ramp_actions::{EVENT_TYPE_HEADER, INVOCATION_ID_HEADER, SIGNATURE_HEADER, signature_timestamp, verify_signature};
use serde_json::json;

const LIMIT: Duration = Duration::from_secs(5);

/// What the receiver got.
#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<(HeaderMap, Bytes)>>>);

impl Received {
    fn all(&self) -> Vec<(HeaderMap, Bytes)> {
        self.0.lock().expect("not poisoned").clone()
    }
}

/// A receiver on a free port answering every POST to `/hook` with `status` and `body` after
/// `delay`; returns its URL.
async fn receiver(status: StatusCode, body: &'static str, delay: Duration) -> (String, Received) {
    let received = Received::default();
    let app = Router::new()
        .route(
            "/hook",
            post(
                move |State(received): State<Received>, headers: HeaderMap, request: Bytes| async move {
                    received.0.lock().expect("not poisoned").push((headers, request));
                    tokio::time::sleep(delay).await;
                    (status, body)
                },
            ),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let url = format!("http://{}/hook", listener.local_addr().expect("an address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_else(|| panic!("header {name} is missing"))
}

#[tokio::test]
async fn a_webhook_gets_the_signed_event() {
    let (url, received) = receiver(StatusCode::NO_CONTENT, "", Duration::ZERO).await;
    let invoker = invoker("http://127.0.0.1:1");

    let answer = invoke(&invoker, &url, &event(), "inv-42", LIMIT).await;

    assert_eq!(answer, Ok(None));
    let received = received.all();
    assert_eq!(received.len(), 1);
    let (headers, body) = &received[0];
    assert_eq!(serde_json::from_slice::<serde_json::Value>(body).ok(), Some(event()));
    assert_eq!(header(headers, "content-type"), "application/json");
    assert_eq!(header(headers, INVOCATION_ID_HEADER), "inv-42");
    assert_eq!(header(headers, EVENT_TYPE_HEADER), "OnDeploymentComplete");
    let signature = header(headers, SIGNATURE_HEADER);
    assert!(verify_signature(SECRET, signature, body), "{signature}");
    assert_eq!(signature_timestamp(signature), Some(NOW_SECS), "ramp's clock signs");
    assert!(!verify_signature(b"someone else", signature, body));
}

#[tokio::test]
async fn a_json_answer_is_returned_and_other_answers_ignored() {
    let (url, _) = receiver(
        StatusCode::OK,
        r#"{"Directive":"ROLL_BACK","Description":"error rate"}"#,
        Duration::ZERO,
    )
    .await;
    let invoker = invoker("http://127.0.0.1:1");
    assert_eq!(
        invoke(&invoker, &url, &event(), "i", LIMIT).await,
        Ok(Some(json!({"Directive": "ROLL_BACK", "Description": "error rate"})))
    );

    let (url, _) = receiver(StatusCode::OK, "thanks!", Duration::ZERO).await;
    assert_eq!(invoke(&invoker, &url, &event(), "i", LIMIT).await, Ok(None));
}

#[tokio::test]
async fn an_error_status_is_an_error_with_a_bounded_snippet() {
    let long = Box::leak(format!("database down {}", "x".repeat(5000)).into_boxed_str());
    let (url, _) = receiver(StatusCode::INTERNAL_SERVER_ERROR, long, Duration::ZERO).await;
    let invoker = invoker("http://127.0.0.1:1");

    let error = invoke(&invoker, &url, &event(), "i", LIMIT)
        .await
        .expect_err("a 500 fails");

    assert_eq!(error.code, "HttpStatus500");
    assert!(
        error.message.contains(&url) && error.message.contains("database down"),
        "{error}"
    );
    assert!(error.message.len() < 600, "{} bytes", error.message.len());
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let (target, received) = receiver(StatusCode::OK, "", Duration::ZERO).await;
    let app = Router::new().route(
        "/hook",
        post(move || {
            let target = target.clone();
            async move { (StatusCode::TEMPORARY_REDIRECT, [("location", target)], "") }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let url = format!("http://{}/hook", listener.local_addr().expect("an address"));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let error = invoke(&invoker("http://127.0.0.1:1"), &url, &event(), "i", LIMIT)
        .await
        .expect_err("a redirect is not a delivery");

    assert_eq!(error.code, "HttpStatus307");
    assert!(received.all().is_empty(), "the signed event went to another host");
}

#[tokio::test]
async fn a_slow_receiver_times_out() {
    let (url, _) = receiver(StatusCode::OK, "", Duration::from_secs(3)).await;
    let invoker = invoker("http://127.0.0.1:1");

    let started = std::time::Instant::now();
    let error = invoke(&invoker, &url, &event(), "i", Duration::from_millis(200))
        .await
        .expect_err("the limit passes first");

    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(error.code, "Timeout");
    assert!(
        error.message.contains(&url) && error.message.contains("200ms"),
        "{error}"
    );
}

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    let url = format!("http://127.0.0.1:{}/hook", closed_port());
    let invoker = invoker("http://127.0.0.1:1");

    let error = invoke(&invoker, &url, &event(), "i", LIMIT)
        .await
        .expect_err("nothing listens");

    assert_eq!(error.code, "TargetUnreachable");
    assert!(error.message.contains(&url), "{error}");
}
