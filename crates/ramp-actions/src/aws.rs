//! What the four AWS targets share: credentials, one client per (service, region), and reading
//! the SDK's errors as `ActionInvocation` error codes.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sqs::config::http::HttpResponse;
use aws_sdk_sqs::error::{ProvideErrorMetadata, SdkError};
use ramp_domain::extensions::InvocationError;
use tokio::sync::OnceCell;

use crate::config::AccessKey;
use crate::error_chain;

/// Builds one SDK's client: `sdk_client!(aws_sdk_sqs, region, credentials, endpoint)`.
///
/// The SDK's own retries are off: the caller retries a failed invocation with the same
/// invocation id (its retry policy is the only one), and a retried connect error would only eat
/// the invocation's time limit.
macro_rules! sdk_client {
    ($sdk:ident, $region:expr, $credentials:expr, $endpoint:expr) => {{
        let mut builder = $sdk::Config::builder()
            .behavior_version($sdk::config::BehaviorVersion::latest())
            .region($sdk::config::Region::new($region.to_owned()))
            .credentials_provider($credentials)
            .retry_config($sdk::config::retry::RetryConfig::disabled());
        if let Some(endpoint) = $endpoint {
            builder = builder.endpoint_url(endpoint);
        }
        $sdk::Client::from_conf(builder.build())
    }};
}
pub(crate) use sdk_client;

/// The credentials every AWS client signs with.
pub(crate) struct Credentialing {
    fixed: Option<SharedCredentialsProvider>,
    default_chain: OnceCell<SharedCredentialsProvider>,
}

impl Credentialing {
    pub(crate) fn new(key: Option<AccessKey>) -> Self {
        Self {
            fixed: key.map(|key| {
                SharedCredentialsProvider::new(Credentials::new(
                    key.access_key_id,
                    key.secret_access_key,
                    None,
                    None,
                    "ramp-actions",
                ))
            }),
            default_chain: OnceCell::new(),
        }
    }

    /// The static key, or the SDK's default chain, built on first use (building it is async).
    pub(crate) async fn provider(&self) -> SharedCredentialsProvider {
        if let Some(fixed) = &self.fixed {
            return fixed.clone();
        }
        self.default_chain
            .get_or_init(|| async {
                let chain = aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
                    .build()
                    .await;
                SharedCredentialsProvider::new(chain)
            })
            .await
            .clone()
    }
}

/// One AWS service's clients, one per region (a target's region comes from its ARN).
pub(crate) struct Service<C> {
    /// The service's host prefix (`sqs`, `events` …), for naming the endpoint in messages.
    host: &'static str,
    endpoint: Option<String>,
    clients: Mutex<HashMap<String, C>>,
}

impl<C: Clone> Service<C> {
    pub(crate) fn new(host: &'static str, endpoint: Option<String>) -> Self {
        Self {
            host,
            endpoint,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// The endpoint a client of `region` talks to, as error messages name it.
    pub(crate) fn endpoint(&self, region: &str) -> String {
        match &self.endpoint {
            Some(endpoint) => endpoint.clone(),
            None => format!("https://{}.{region}.amazonaws.com", self.host),
        }
    }

    /// The region's client, built by `build(region, credentials, endpoint)` the first time.
    pub(crate) async fn client(
        &self,
        credentials: &Credentialing,
        region: &str,
        build: impl FnOnce(&str, SharedCredentialsProvider, Option<&str>) -> C,
    ) -> C {
        if let Some(client) = self.clients.lock().unwrap_or_else(PoisonError::into_inner).get(region) {
            return client.clone();
        }
        let provider = credentials.provider().await;
        let client = build(region, provider, self.endpoint.as_deref());
        // Two first calls may both build one; the first stored wins and the other is dropped.
        self.clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(region.to_owned())
            .or_insert(client)
            .clone()
    }
}

/// An SDK error as an invocation error: a service's answer keeps its code and message; no
/// answer at all is `TargetUnreachable` naming the endpoint.
pub(crate) fn sdk_error<E>(error: SdkError<E, HttpResponse>, endpoint: &str) -> InvocationError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match &error {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let code = service
                .err()
                .code()
                .map_or_else(|| format!("HttpStatus{status}"), str::to_owned);
            let message = service
                .err()
                .message()
                .map_or_else(|| format!("{endpoint} answered HTTP {status} ({code})"), str::to_owned);
            InvocationError::new(code, message)
        }
        // Credentials are resolved while dispatching: without this, a missing key would read
        // as an unreachable service.
        SdkError::DispatchFailure(_) if caused_by::<CredentialsError>(&error) => InvocationError::new(
            "CredentialsUnavailable",
            format!("no AWS credentials to call {endpoint} with: {}", error_chain(&error)),
        ),
        SdkError::DispatchFailure(_) => InvocationError::new(
            "TargetUnreachable",
            format!("could not reach {endpoint}: {}", error_chain(&error)),
        ),
        SdkError::TimeoutError(_) => InvocationError::new(
            "Timeout",
            format!("{endpoint} did not answer in time: {}", error_chain(&error)),
        ),
        SdkError::ResponseError(_) => InvocationError::new(
            "InvalidResponse",
            format!("{endpoint} answered unreadably: {}", error_chain(&error)),
        ),
        _ => InvocationError::new(
            "InvalidRequest",
            format!("the request to {endpoint} could not be made: {}", error_chain(&error)),
        ),
    }
}

/// Whether an `E` is somewhere in `error`'s causes.
fn caused_by<E: std::error::Error + 'static>(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(current) = cause {
        if current.is::<E>() {
            return true;
        }
        cause = current.source();
    }
    false
}
