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

mod signature;

pub use signature::{SIGNATURE_HEADER, sign, signature_timestamp, verify_signature};
