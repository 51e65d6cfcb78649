//! `ramp serve`'s settings for extension actions and LAMBDA validators: where each AWS target
//! is reached, and the key webhooks are signed with.

use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use ramp_actions::{Invoker, InvokerConfig};
use ramp_clock::SharedClock;
use ramp_domain::extensions::runner::{ActionRunner, Timeouts};
use ramp_domain::store::Store;

#[derive(Args, Debug)]
pub struct ActionArgs {
    /// Lambda endpoint for extension actions and LAMBDA validators (LocalStack, a test's
    /// stand-in); default: AWS Lambda in the function's region. Credentials come from the
    /// usual AWS_* variables, profiles or roles.
    #[arg(long, env = "RAMP_LAMBDA_ENDPOINT")]
    lambda_endpoint: Option<String>,
    /// SQS endpoint for actions whose Uri is a queue ARN (ElasticMQ, LocalStack, moto).
    #[arg(long, env = "RAMP_SQS_ENDPOINT")]
    sqs_endpoint: Option<String>,
    /// SNS endpoint for actions whose Uri is a topic ARN.
    #[arg(long, env = "RAMP_SNS_ENDPOINT")]
    sns_endpoint: Option<String>,
    /// EventBridge endpoint for actions whose Uri is the default event bus.
    #[arg(long, env = "RAMP_EVENTBRIDGE_ENDPOINT")]
    eventbridge_endpoint: Option<String>,
    /// Key of the `X-Ramp-Signature` HMAC on webhook actions (http:// and https:// Uris), so
    /// receivers can check a call came from ramp. Without it, ramp signs with a random key kept
    /// in its store, which `GET /_ramp/extensions` shows.
    #[arg(long, env = "RAMP_WEBHOOK_SECRET", hide_env_values = true)]
    webhook_secret: Option<String>,
}

/// The name of the stored webhook signing key.
const STORED_SECRET: &str = "webhook-signing-key";

impl ActionArgs {
    /// The action runner every node's AppConfig, notifications and ticks share, and the key its
    /// webhooks are signed with.
    pub async fn runner(
        &self,
        store: &Arc<dyn Store>,
        clock: SharedClock,
    ) -> anyhow::Result<(Arc<ActionRunner>, Vec<u8>)> {
        let secret = match &self.webhook_secret {
            Some(secret) if !secret.is_empty() => secret.as_bytes().to_vec(),
            _ => {
                let candidate = ramp_domain::ids::new_hex(32).into_bytes();
                store
                    .secret(STORED_SECRET, &candidate)
                    .await
                    .context("reading the webhook signing key")?
            }
        };
        let config = InvokerConfig {
            lambda_endpoint: self.lambda_endpoint.clone(),
            sqs_endpoint: self.sqs_endpoint.clone(),
            sns_endpoint: self.sns_endpoint.clone(),
            eventbridge_endpoint: self.eventbridge_endpoint.clone(),
            credentials: None,
            webhook_secret: secret.clone(),
            clock,
        };
        let invoker = Invoker::new(config).map_err(|e| anyhow::anyhow!("extension actions: {e}"))?;
        Ok((
            Arc::new(ActionRunner::new(Arc::new(invoker), Timeouts::default())),
            secret,
        ))
    }
}
