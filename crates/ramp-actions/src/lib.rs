//! Delivers AppConfig extension actions (spec/appconfig.md §8) to their targets: the
//! [`ActionInvoker`] port of ramp-domain, implemented for real.
//!
//! * Lambda — `Invoke` (RequestResponse); the function's JSON result is the answer, a function
//!   error is an error with Lambda's `errorType`/`errorMessage`.
//! * SQS — `GetQueueUrl` (cached) and `SendMessage`; FIFO queues get a message group and the
//!   invocation id as deduplication id.
//! * SNS — `Publish` with the `MessageType` attribute (`OnDeploymentComplete` …).
//! * EventBridge default bus — `PutEvents` from `aws.appconfig` with the point as detail-type.
//! * Webhooks (ramp's addition) — a `POST` signed with `X-Ramp-Signature` ([`sign`],
//!   [`verify_signature`]).
//!
//! The AWS targets go through the official SDK, one client per (service, region) where the
//! region comes from the target's ARN; each service's endpoint can be replaced
//! ([`InvokerConfig`]) so LocalStack, moto or ElasticMQ stand in for AWS. Every invocation is
//! bounded by its `timeout`; failures carry the target's own error code, or `Timeout`,
//! `TargetUnreachable`, `HttpStatusNNN`.

mod aws;
mod config;
mod eventbridge;
mod lambda;
mod signature;
mod sns;
mod sqs;
mod webhook;

#[cfg(feature = "testing")]
pub mod testing;

use std::time::Duration;

use async_trait::async_trait;
use ramp_domain::extensions::{ActionInvoker, Invocation, InvocationError, Target};
use serde_json::Value;

pub use config::{AccessKey, ConfigError, InvokerConfig};
pub use signature::{SIGNATURE_HEADER, sign, signature_timestamp, verify_signature};
pub use webhook::{EVENT_TYPE_HEADER, INVOCATION_ID_HEADER};

/// The longest error text taken from a target's answer.
const SNIPPET_CHARS: usize = 256;

/// Invokes actions on Lambda, SQS, SNS, EventBridge and webhooks. Cheap to share: build one and
/// keep it, its clients and queue URLs are cached.
pub struct Invoker {
    credentials: aws::Credentialing,
    lambda: lambda::Lambda,
    sqs: sqs::Sqs,
    sns: sns::Sns,
    eventbridge: eventbridge::EventBridge,
    webhook: webhook::Webhook,
}

impl Invoker {
    pub fn new(config: InvokerConfig) -> Result<Self, ConfigError> {
        Ok(Self {
            credentials: aws::Credentialing::new(config.credentials),
            lambda: lambda::Lambda::new(config.lambda_endpoint),
            sqs: sqs::Sqs::new(config.sqs_endpoint),
            sns: sns::Sns::new(config.sns_endpoint),
            eventbridge: eventbridge::EventBridge::new(config.eventbridge_endpoint),
            webhook: webhook::Webhook::new(config.webhook_secret, config.clock)?,
        })
    }

    async fn deliver(&self, invocation: &Invocation<'_>) -> Result<Option<Value>, InvocationError> {
        let body = serde_json::to_string(invocation.payload)
            .map_err(|error| InvocationError::new("InvalidPayload", format!("the event is not JSON: {error}")))?;
        match invocation.target {
            Target::Lambda { arn, region } => {
                self.lambda
                    .invoke(&self.credentials, arn, region, body.into_bytes())
                    .await
            }
            Target::Sqs {
                arn,
                region,
                account,
                queue,
            } => {
                let queue = sqs::Queue {
                    arn,
                    region,
                    account,
                    name: queue,
                };
                let sent = self.sqs.send(&self.credentials, queue, body, invocation.invocation_id);
                sent.await.map(|()| None)
            }
            Target::Sns { arn, region } => {
                let published = self.sns.publish(
                    &self.credentials,
                    (arn, region),
                    body,
                    invocation.point,
                    invocation.invocation_id,
                );
                published.await.map(|()| None)
            }
            Target::EventBridge { arn, region } => {
                let put = self.eventbridge.put(
                    &self.credentials,
                    (arn, region),
                    body,
                    invocation.point,
                    invocation.resources,
                );
                put.await.map(|()| None)
            }
            Target::Webhook { url } => {
                (self.webhook)
                    .post(url, body.into_bytes(), invocation.point, invocation.invocation_id)
                    .await
            }
        }
    }
}

#[async_trait]
impl ActionInvoker for Invoker {
    async fn invoke(&self, invocation: &Invocation<'_>) -> Result<Option<Value>, InvocationError> {
        let started = std::time::Instant::now();
        let outcome = match tokio::time::timeout(invocation.timeout, self.deliver(invocation)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(InvocationError::new(
                "Timeout",
                format!(
                    "{} did not answer within {:?}",
                    describe(invocation.target),
                    invocation.timeout
                ),
            )),
        };
        record(invocation, &outcome, started.elapsed());
        outcome
    }
}

/// `ramp_extension_invocations_total` and its duration; failures also by error code.
fn record(invocation: &Invocation<'_>, outcome: &Result<Option<Value>, InvocationError>, took: Duration) {
    // A LAMBDA validator is the one invocation without an action point.
    let point = invocation.point.map_or("VALIDATOR", |point| point.as_str());
    let target = match invocation.target {
        Target::Lambda { .. } => "lambda",
        Target::Sqs { .. } => "sqs",
        Target::Sns { .. } => "sns",
        Target::EventBridge { .. } => "eventbridge",
        Target::Webhook { .. } => "webhook",
    };
    let result = if outcome.is_ok() { "success" } else { "failure" };
    metrics::counter!("ramp_extension_invocations_total", "action_point" => point, "target" => target, "outcome" => result)
        .increment(1);
    metrics::histogram!("ramp_extension_invocation_duration_seconds", "target" => target).record(took.as_secs_f64());
    if let Err(error) = outcome {
        metrics::counter!("ramp_extension_invocation_failures_total", "action_point" => point, "target" => target, "code" => error.code.clone())
            .increment(1);
    }
}

/// A target as messages name it.
fn describe(target: &Target) -> String {
    match target {
        Target::Lambda { arn, .. } => format!("Lambda function {arn}"),
        Target::Sqs { arn, .. } => format!("SQS queue {arn}"),
        Target::Sns { arn, .. } => format!("SNS topic {arn}"),
        Target::EventBridge { arn, .. } => format!("EventBridge bus {arn}"),
        Target::Webhook { url } => format!("webhook {url}"),
    }
}

/// The start of a target's answer for an error message: at most [`SNIPPET_CHARS`] characters,
/// trimmed, with `…` when cut.
pub(crate) fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    match text.char_indices().nth(SNIPPET_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// An error with its causes: reqwest's `Display` alone hides why a connection failed.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        // Some errors repeat their cause in their own message.
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_bounded() {
        assert_eq!(snippet(b"  short \n"), "short");
        let long = "é".repeat(300);
        let cut = snippet(long.as_bytes());
        assert_eq!(cut.chars().count(), SNIPPET_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(snippet(&[0xff, b'a']), "\u{fffd}a");
    }
}
