//! What an [`Invoker`](crate::Invoker) is built from.

use ramp_clock::SharedClock;

/// Where the actions go and with which credentials. Every `*_endpoint` left `None` means the
/// real AWS endpoint of the target's region; set, it replaces that endpoint for every region
/// (LocalStack, moto, ElasticMQ, a test's stand-in).
pub struct InvokerConfig {
    pub lambda_endpoint: Option<String>,
    pub sqs_endpoint: Option<String>,
    pub sns_endpoint: Option<String>,
    pub eventbridge_endpoint: Option<String>,
    /// Static credentials for every AWS call; `None` uses the SDK's default chain (environment,
    /// profile, credential process, web identity, container and instance roles).
    pub credentials: Option<AccessKey>,
    /// The key of the webhooks' `X-Ramp-Signature`.
    pub webhook_secret: Vec<u8>,
    /// The time of the webhooks' signatures: ramp's clock, so a manual clock signs its own time.
    pub clock: SharedClock,
}

impl InvokerConfig {
    /// Real AWS for every target, the default credential chain.
    pub fn new(webhook_secret: Vec<u8>, clock: SharedClock) -> Self {
        Self {
            lambda_endpoint: None,
            sqs_endpoint: None,
            sns_endpoint: None,
            eventbridge_endpoint: None,
            credentials: None,
            webhook_secret,
            clock,
        }
    }
}

/// An AWS access key pair.
#[derive(Clone)]
pub struct AccessKey {
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl AccessKey {
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
        }
    }
}

impl std::fmt::Debug for AccessKey {
    // The secret never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKey")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .finish()
    }
}

/// Why an [`Invoker`](crate::Invoker) could not be built.
#[derive(Debug)]
pub struct ConfigError(pub(crate) String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}
