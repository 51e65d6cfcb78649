//! ramp's admin API (`/_ramp/…`, DESIGN.md interface contract): its clock and its alarms.
//!
//! With credentials configured, ramp wants these requests SigV4-signed for the service `ramp`;
//! they are signed with the official `aws-sigv4` signer, the same credentials and region as the
//! SDK's requests, and real time (ramp checks signatures against real time, never its own clock).

use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use serde_json::{Value, json};

use ramp_clock::Timestamp;

/// The SigV4 signing name of ramp's admin API.
const SIGNING_NAME: &str = "ramp";

/// What a path segment keeps unencoded: RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

pub struct Admin {
    http: reqwest::Client,
    endpoint: String,
    credentials: Option<SharedCredentialsProvider>,
    region: String,
}

impl Admin {
    pub fn new(endpoint: &str, config: &SdkConfig) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| anyhow::anyhow!("cannot make an HTTP client: {e}"))?;
        Ok(Self {
            http,
            endpoint: endpoint.to_owned(),
            credentials: config.credentials_provider(),
            region: config.region().map_or("us-east-1", |r| r.as_ref()).to_owned(),
        })
    }

    /// `GET /_ramp/clock`: the time on ramp's clock, which stamps every event.
    pub async fn clock_now(&self) -> anyhow::Result<Timestamp> {
        let body = self.send(Method::GET, "/_ramp/clock", Vec::new()).await?;
        body["Now"]
            .as_str()
            .and_then(Timestamp::parse_iso8601)
            .ok_or_else(|| anyhow::anyhow!("GET /_ramp/clock: no time in the answer"))
    }

    /// `GET /_ramp/alarms`.
    pub async fn alarms(&self) -> anyhow::Result<Value> {
        self.send(Method::GET, "/_ramp/alarms", Vec::new()).await
    }

    /// `PUT /_ramp/alarms/{NAME}`: answers once every deployment watching the alarm has reacted.
    pub async fn set_alarm(&self, name: &str, state: &str, reason: &str) -> anyhow::Result<Value> {
        let path = format!("/_ramp/alarms/{}", utf8_percent_encode(name, SEGMENT));
        let body = json!({ "State": state, "Reason": reason }).to_string().into_bytes();
        self.send(Method::PUT, &path, body).await
    }

    /// Sends a signed request; the JSON answer, or an error naming the request and ramp's reason.
    async fn send(&self, method: Method, path: &str, body: Vec<u8>) -> anyhow::Result<Value> {
        let what = format!("{method} {path}");
        let url = format!("{}{path}", self.endpoint);
        let mut request = self
            .http
            .request(method.clone(), &url)
            .header("content-type", "application/json");
        for (name, value) in self.signature(method.as_str(), &url, &body).await? {
            request = request.header(name, value);
        }
        let response = request.body(body).send().await.map_err(|e| {
            anyhow::anyhow!(
                "{what}: cannot reach the server ({e}); is `ramp serve` running, or is --endpoint-url right?"
            )
        })?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| anyhow::anyhow!("{what}: reading the answer: {e}"))?;
        let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(answer);
        }
        if status == reqwest::StatusCode::NOT_FOUND && answer.get("Message").is_none() {
            anyhow::bail!("{what}: 404; is this a ramp server? (against AWS itself, pass --aws)");
        }
        let code = answer["Code"].as_str().map(|c| format!(" {c}")).unwrap_or_default();
        let message = answer["Message"]
            .as_str()
            .map_or_else(|| String::from_utf8_lossy(&bytes).into_owned(), str::to_owned);
        anyhow::bail!("{what}: {}{code}: {message}", status.as_u16())
    }

    /// The SigV4 headers (`authorization`, `x-amz-date`, and `x-amz-security-token` with temporary
    /// credentials) for a request.
    async fn signature(&self, method: &str, url: &str, body: &[u8]) -> anyhow::Result<Vec<(String, String)>> {
        let Some(provider) = &self.credentials else {
            return Ok(Vec::new());
        };
        let credentials = provider
            .provide_credentials()
            .await
            .map_err(|e| anyhow::anyhow!("cannot load AWS credentials: {e}"))?;
        let identity: Identity = credentials.into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(SIGNING_NAME)
            .time(real_time())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| anyhow::anyhow!("cannot sign the request: {e}"))?
            .into();
        let signable = SignableRequest::new(method, url, std::iter::empty(), SignableBody::Bytes(body))
            .map_err(|e| anyhow::anyhow!("cannot sign the request: {e}"))?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|e| anyhow::anyhow!("cannot sign the request: {e}"))?
            .into_parts();
        Ok(instructions
            .headers()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect())
    }
}

/// This machine's real time, read through ramp's clock module (the one place time is read).
fn real_time() -> SystemTime {
    let millis = ramp_clock::SystemClock::real_now().millis();
    SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(millis).unwrap_or_default())
}
