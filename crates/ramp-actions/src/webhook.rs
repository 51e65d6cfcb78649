//! Webhook targets (ramp's addition): a signed `POST` of the event to an `http(s)://` URL.
//!
//! No proxy from the environment and no redirects: the URL an extension names is the one that
//! receives the event, and the signature is never handed to another host.

use ramp_clock::SharedClock;
use ramp_domain::extensions::{ActionPoint, InvocationError};
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use serde_json::Value;

use crate::config::ConfigError;
use crate::signature::{SIGNATURE_HEADER, sign};
use crate::{error_chain, snippet};

/// The invocation id, the same on every retry, so a receiver can drop repeats.
pub const INVOCATION_ID_HEADER: &str = "X-Ramp-Invocation-Id";
/// The action point's event type (`OnDeploymentComplete`), when the invocation has one.
pub const EVENT_TYPE_HEADER: &str = "X-Ramp-Event-Type";

/// How much of an answer is read: enough for any sensible JSON reply, bounded so a receiver
/// cannot make ramp buffer an endless body.
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

pub(crate) struct Webhook {
    http: reqwest::Client,
    secret: Vec<u8>,
    clock: SharedClock,
}

impl Webhook {
    pub(crate) fn new(secret: Vec<u8>, clock: SharedClock) -> Result<Self, ConfigError> {
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("ramp/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| ConfigError(format!("the webhook HTTP client: {}", error_chain(&error))))?;
        Ok(Self { http, secret, clock })
    }

    pub(crate) async fn post(
        &self,
        url: &str,
        body: Vec<u8>,
        point: Option<ActionPoint>,
        invocation_id: &str,
    ) -> Result<Option<Value>, InvocationError> {
        let timestamp = self.clock.now().millis().div_euclid(1000);
        let signature = sign(&self.secret, timestamp, &body);
        let invocation_id = HeaderValue::from_str(invocation_id).map_err(|_| {
            InvocationError::new(
                "InvalidRequest",
                format!("the invocation id {invocation_id:?} cannot be an HTTP header"),
            )
        })?;
        let mut request = self
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .header(INVOCATION_ID_HEADER, invocation_id)
            .header(SIGNATURE_HEADER, signature);
        if let Some(point) = point {
            request = request.header(EVENT_TYPE_HEADER, point.event_type());
        }
        let mut response = request.body(body).send().await.map_err(|error| {
            if error.is_builder() {
                InvocationError::new(
                    "InvalidRequest",
                    format!("cannot POST to {url}: {}", error_chain(&error)),
                )
            } else if error.is_connect() {
                InvocationError::new(
                    "TargetUnreachable",
                    format!("could not connect to {url}: {}", error_chain(&error)),
                )
            } else {
                InvocationError::new(
                    "RequestFailed",
                    format!("the POST to {url} failed: {}", error_chain(&error)),
                )
            }
        })?;
        let status = response.status();
        let (answer, complete) = read_bounded(&mut response, url).await?;
        if !status.is_success() {
            let shown = if answer.iter().all(u8::is_ascii_whitespace) {
                "(empty body)".to_owned()
            } else {
                snippet(&answer)
            };
            return Err(InvocationError::new(
                format!("HttpStatus{}", status.as_u16()),
                format!("{url} answered {status}: {shown}"),
            ));
        }
        if !complete {
            return Err(InvocationError::new(
                "ResponseTooLarge",
                format!("{url} answered more than {MAX_RESPONSE_BYTES} bytes"),
            ));
        }
        if answer.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        // A receiver that answers `ok` or an HTML page took the event; only JSON is an answer.
        match serde_json::from_slice::<Value>(&answer) {
            Ok(Value::Null) | Err(_) => Ok(None),
            Ok(document) => Ok(Some(document)),
        }
    }
}

/// Up to [`MAX_RESPONSE_BYTES`] of the body, and whether that was all of it.
async fn read_bounded(response: &mut reqwest::Response, url: &str) -> Result<(Vec<u8>, bool), InvocationError> {
    let mut body = Vec::new();
    loop {
        let chunk = response.chunk().await.map_err(|error| {
            InvocationError::new(
                "InvalidResponse",
                format!("reading the answer of {url} failed: {}", error_chain(&error)),
            )
        })?;
        let Some(chunk) = chunk else {
            return Ok((body, true));
        };
        let room = MAX_RESPONSE_BYTES - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, false));
        }
        body.extend_from_slice(&chunk);
    }
}
