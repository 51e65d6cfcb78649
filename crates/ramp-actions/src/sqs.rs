//! SQS targets: `GetQueueUrl` from the ARN's queue name and account (cached), then `SendMessage`
//! with the event as the body.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::ProvideErrorMetadata;
use ramp_domain::extensions::InvocationError;

use crate::aws::{Credentialing, Service, sdk_client, sdk_error};

/// The message group of FIFO queues: one group keeps every event of ramp in order.
const MESSAGE_GROUP: &str = "appconfig";

pub(crate) struct Sqs {
    service: Service<Client>,
    /// Queue ARN → queue URL.
    urls: Mutex<HashMap<String, String>>,
}

pub(crate) struct Queue<'a> {
    pub arn: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub name: &'a str,
}

impl Sqs {
    pub(crate) fn new(endpoint: Option<String>) -> Self {
        Self {
            service: Service::new("sqs", endpoint),
            urls: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) async fn send(
        &self,
        credentials: &Credentialing,
        queue: Queue<'_>,
        body: String,
        invocation_id: &str,
    ) -> Result<(), InvocationError> {
        let client = self
            .service
            .client(credentials, queue.region, |region, credentials, endpoint| {
                sdk_client!(aws_sdk_sqs, region, credentials, endpoint)
            })
            .await;
        let endpoint = self.service.endpoint(queue.region);
        let url = self.url(&client, &queue, &endpoint).await?;
        let mut request = client.send_message().queue_url(&url).message_body(body);
        if queue.name.ends_with(".fifo") {
            // A retry carries the same invocation id, so SQS drops it within its 5-minute window.
            request = request
                .message_group_id(MESSAGE_GROUP)
                .message_deduplication_id(invocation_id);
        }
        match request.send().await {
            Ok(_) => Ok(()),
            Err(error) => {
                if error.code().is_some_and(queue_is_gone) {
                    // Deleted (and perhaps recreated under a new URL): resolve it again next time.
                    self.urls
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .remove(queue.arn);
                }
                Err(sdk_error(error, &endpoint))
            }
        }
    }

    async fn url(&self, client: &Client, queue: &Queue<'_>, endpoint: &str) -> Result<String, InvocationError> {
        if let Some(url) = self.urls.lock().unwrap_or_else(PoisonError::into_inner).get(queue.arn) {
            return Ok(url.clone());
        }
        let mut request = client.get_queue_url().queue_name(queue.name);
        if !queue.account.is_empty() {
            request = request.queue_owner_aws_account_id(queue.account);
        }
        let output = request.send().await.map_err(|error| sdk_error(error, endpoint))?;
        let Some(url) = output.queue_url() else {
            return Err(InvocationError::new(
                "InvalidResponse",
                format!("{endpoint} answered GetQueueUrl for {} without a QueueUrl", queue.arn),
            ));
        };
        self.urls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(queue.arn.to_owned(), url.to_owned());
        Ok(url.to_owned())
    }
}

/// SQS's JSON protocol names the error `QueueDoesNotExist`, its query protocol
/// `AWS.SimpleQueueService.NonExistentQueue`; emulators use either.
fn queue_is_gone(code: &str) -> bool {
    code == "QueueDoesNotExist" || code == "AWS.SimpleQueueService.NonExistentQueue"
}
