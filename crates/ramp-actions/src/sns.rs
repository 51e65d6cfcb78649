//! SNS targets: `Publish` of the event, with the `MessageType` attribute AppConfig's own SNS
//! extension sets (spec/appconfig.md §8.2), so subscriptions can filter on the action point.

use aws_sdk_sns::Client;
use aws_sdk_sns::types::MessageAttributeValue;
use ramp_domain::extensions::{ActionPoint, InvocationError};

use crate::aws::{Credentialing, Service, sdk_client, sdk_error};

pub(crate) struct Sns {
    service: Service<Client>,
}

impl Sns {
    pub(crate) fn new(endpoint: Option<String>) -> Self {
        Self {
            service: Service::new("sns", endpoint),
        }
    }

    pub(crate) async fn publish(
        &self,
        credentials: &Credentialing,
        (arn, region): (&str, &str),
        body: String,
        point: Option<ActionPoint>,
        invocation_id: &str,
    ) -> Result<(), InvocationError> {
        let client = self
            .service
            .client(credentials, region, |region, credentials, endpoint| {
                sdk_client!(aws_sdk_sns, region, credentials, endpoint)
            })
            .await;
        let mut request = client.publish().topic_arn(arn).message(body);
        if let Some(point) = point {
            let attribute = MessageAttributeValue::builder()
                .data_type("String")
                .string_value(point.event_type())
                .build()
                .map_err(|error| InvocationError::new("InvalidRequest", format!("MessageType attribute: {error}")))?;
            request = request.message_attributes("MessageType", attribute);
        }
        if arn.ends_with(".fifo") {
            // FIFO topics require a group; the invocation id makes retries duplicates.
            request = request
                .message_group_id("appconfig")
                .message_deduplication_id(invocation_id);
        }
        request
            .send()
            .await
            .map_err(|error| sdk_error(error, &self.service.endpoint(region)))?;
        Ok(())
    }
}
