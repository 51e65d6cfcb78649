//! EventBridge targets (the default bus only, spec/appconfig.md §8.1): `PutEvents` with the
//! envelope AppConfig's own EventBridge extension uses — source `aws.appconfig`, the point as
//! `detail-type` ("On Deployment Complete"), the association's ARN as `resources`.

use aws_sdk_eventbridge::Client;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use ramp_domain::extensions::{ActionPoint, InvocationError};

use crate::aws::{Credentialing, Service, sdk_client, sdk_error};

const SOURCE: &str = "aws.appconfig";

/// `DetailType` is required by EventBridge; an invocation without a point (none today) still
/// gets a recognisable one.
const DETAIL_TYPE_WITHOUT_POINT: &str = "AppConfig Extension Action";

pub(crate) struct EventBridge {
    service: Service<Client>,
}

impl EventBridge {
    pub(crate) fn new(endpoint: Option<String>) -> Self {
        Self {
            service: Service::new("events", endpoint),
        }
    }

    pub(crate) async fn put(
        &self,
        credentials: &Credentialing,
        (bus_arn, region): (&str, &str),
        detail: String,
        point: Option<ActionPoint>,
        resources: &[String],
    ) -> Result<(), InvocationError> {
        let client = self
            .service
            .client(credentials, region, |region, credentials, endpoint| {
                sdk_client!(aws_sdk_eventbridge, region, credentials, endpoint)
            })
            .await;
        let endpoint = self.service.endpoint(region);
        let entry = PutEventsRequestEntry::builder()
            .source(SOURCE)
            .detail_type(point.map_or(DETAIL_TYPE_WITHOUT_POINT, ActionPoint::detail_type))
            .detail(detail)
            .set_resources(Some(resources.to_vec()))
            .event_bus_name(bus_arn)
            .build();
        let output = client
            .put_events()
            .entries(entry)
            .send()
            .await
            .map_err(|error| sdk_error(error, &endpoint))?;
        // PutEvents answers 200 even when it refuses entries: the refusal is per entry.
        if output.failed_entry_count() > 0 {
            let failed = output.entries().iter().find(|entry| entry.error_code().is_some());
            return Err(InvocationError::new(
                failed.and_then(|entry| entry.error_code()).unwrap_or("FailedEntry"),
                failed.and_then(|entry| entry.error_message()).map_or_else(
                    || format!("{endpoint} refused the event for {bus_arn} without saying why"),
                    str::to_owned,
                ),
            ));
        }
        Ok(())
    }
}
