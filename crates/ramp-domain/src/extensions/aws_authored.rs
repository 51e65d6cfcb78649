//! The extensions AWS authors, listed to every account and associated without being created
//! (spec/appconfig.md §8.6). Their ARNs have no account: `arn:aws:appconfig:{region}::extension/{Id}/1`.
//!
//! What ramp does with each:
//! * `AWS.AppConfig.FeatureFlags` is ramp's own flag validation and retrieval transform, which
//!   runs for every flag profile; it is applied to their deployments automatically.
//! * The three notification extensions send the deployment events to the account's default
//!   EventBridge bus, or to the queue or topic their association names (`queueArn`, `topicArn`),
//!   through the same invoker as custom actions.
//! * `AWS.AppConfig.JiraIntegration` needs Atlassian's service: it is listed, but associating it
//!   is refused with a message saying so.

use ramp_clock::Timestamp;

use super::{Action, ActionPoint, Actions, Extension, Parameter, Parameters};
use crate::arn::partition;

pub const FEATURE_FLAGS: &str = "AWS.AppConfig.FeatureFlags";
pub const JIRA: &str = "AWS.AppConfig.JiraIntegration";
pub const TO_EVENTBRIDGE: &str = "AWS.AppConfig.DeploymentNotificationsToEventBridge";
pub const TO_SQS: &str = "AWS.AppConfig.DeploymentNotificationsToSqs";
pub const TO_SNS: &str = "AWS.AppConfig.DeploymentNotificationsToSns";

/// The notification points the AWS-authored notification extensions act on.
const NOTIFIED: [ActionPoint; 3] = [
    ActionPoint::OnDeploymentStart,
    ActionPoint::OnDeploymentComplete,
    ActionPoint::OnDeploymentRolledBack,
];

/// Every AWS-authored extension of `region`, in the order ListExtensions shows them.
pub fn aws_authored(region: &str) -> Vec<Extension> {
    let extension = |id: &str, name: &str, description: &str, actions: Actions, parameters: Parameters| Extension {
        region: region.to_owned(),
        id: id.to_owned(),
        name: name.to_owned(),
        version_number: 1,
        description: Some(description.to_owned()),
        actions,
        parameters,
        created_at: Timestamp::from_millis(0),
    };
    let notifications = |name: &str| -> Actions {
        NOTIFIED
            .into_iter()
            .map(|point| {
                let action = Action {
                    name: Some(name.to_owned()),
                    description: None,
                    uri: None,
                    role_arn: None,
                };
                (point, vec![action])
            })
            .collect()
    };
    let required = |name: &str, description: &str| -> Parameters {
        [(
            name.to_owned(),
            Parameter {
                description: Some(description.to_owned()),
                required: true,
                dynamic: false,
            },
        )]
        .into_iter()
        .collect()
    };
    let internal = |name: &str, points: &[ActionPoint]| -> Actions {
        points
            .iter()
            .map(|point| {
                let action = Action {
                    name: Some(name.to_owned()),
                    description: None,
                    uri: None,
                    role_arn: None,
                };
                (*point, vec![action])
            })
            .collect()
    };
    vec![
        extension(
            FEATURE_FLAGS,
            "AppConfig Feature Flags Helper",
            "Validates AppConfig feature flag data automatically against a JSON schema that includes structure and \
             constraints. Also transforms feature flag data prior to sending to the client. This extension is \
             automatically associated to configuration profiles with type \"AWS.AppConfig.FeatureFlags\".",
            internal(
                "FeatureFlagsHelper",
                &[
                    ActionPoint::PreCreateHostedConfigurationVersion,
                    ActionPoint::PreStartDeployment,
                ],
            ),
            Parameters::new(),
        ),
        extension(
            JIRA,
            "AppConfig integration with Atlassian Jira",
            "Exports feature flag data from AWS AppConfig into Jira. The lifecycle of each feature flag in AppConfig \
             is tracked in Jira as an individual issue.",
            internal("JiraIntegration", &NOTIFIED),
            Parameters::new(),
        ),
        extension(
            TO_EVENTBRIDGE,
            "AppConfig deployment events to Amazon EventBridge",
            "Sends events to Amazon EventBridge when a deployment starts, completes or rolls back (default event bus).",
            notifications("EventBridgeNotification"),
            Parameters::new(),
        ),
        extension(
            TO_SQS,
            "AppConfig deployment events to Amazon SQS",
            "Sends messages to the configured Amazon SQS queue when a deployment starts, completes or rolls back.",
            notifications("SqsNotification"),
            required("queueArn", "The ARN of the Amazon SQS queue the messages are sent to."),
        ),
        extension(
            TO_SNS,
            "AppConfig deployment events to Amazon SNS",
            "Sends messages to the configured Amazon SNS topic when a deployment starts, completes or rolls back.",
            notifications("SnsNotification"),
            required(
                "topicArn",
                "The ARN of the Amazon SNS topic the messages are published to.",
            ),
        ),
    ]
}

/// The AWS-authored extension with this ID or name.
pub fn find(region: &str, identifier: &str) -> Option<Extension> {
    aws_authored(region)
        .into_iter()
        .find(|e| e.id == identifier || e.name == identifier)
}

/// `arn:aws:appconfig:{region}::extension/{id}/{version}`.
pub fn arn(region: &str, id: &str, version: i64) -> String {
    format!("arn:{}:appconfig:{region}::extension/{id}/{version}", partition(region))
}

/// The ID an AWS-authored extension ARN names (any region's), if it is one.
pub fn id_of_arn(arn: &str) -> Option<(String, Option<i64>)> {
    let (_, resource) = arn.split_once("::extension/")?;
    let (id, version) = match resource.split_once('/') {
        Some((id, version)) => (id, Some(version.parse().ok()?)),
        None => (resource, None),
    };
    id.starts_with("AWS.").then(|| (id.to_owned(), version))
}

/// Where an AWS-authored notification extension sends, given the association's parameters and
/// the account: the Uri ramp invokes for its actions. `None` for the ones ramp runs itself.
pub fn notification_uri(id: &str, region: &str, account: &str, parameters: &super::ParameterValues) -> Option<String> {
    match id {
        TO_EVENTBRIDGE => Some(format!(
            "arn:{}:events:{region}:{account}:event-bus/default",
            partition(region)
        )),
        TO_SQS => parameters.get("queueArn").cloned(),
        TO_SNS => parameters.get("topicArn").cloned(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_authored_arns_have_no_account_and_read_back() {
        let arn = arn("us-east-1", FEATURE_FLAGS, 1);
        assert_eq!(
            arn,
            "arn:aws:appconfig:us-east-1::extension/AWS.AppConfig.FeatureFlags/1"
        );
        assert_eq!(id_of_arn(&arn), Some((FEATURE_FLAGS.to_owned(), Some(1))));
        assert_eq!(
            id_of_arn("arn:aws:appconfig:us-east-1:000000000000:extension/abc1234/1"),
            None
        );
        assert!(find("us-east-1", "AppConfig Feature Flags Helper").is_some());
        assert_eq!(aws_authored("eu-west-1").len(), 5);
    }
}
