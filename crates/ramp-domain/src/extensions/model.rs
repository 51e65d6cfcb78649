//! Extensions and their associations as ramp stores them (spec/appconfig.md §8).

use std::collections::BTreeMap;

use ramp_clock::Timestamp;
use serde::{Deserialize, Serialize};

/// Where in a configuration's life an action runs (spec/appconfig.md §8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActionPoint {
    PreCreateHostedConfigurationVersion,
    PreStartDeployment,
    AtDeploymentTick,
    OnDeploymentStart,
    OnDeploymentStep,
    OnDeploymentBaking,
    OnDeploymentComplete,
    OnDeploymentRolledBack,
}

impl ActionPoint {
    pub const ALL: [Self; 8] = [
        Self::PreCreateHostedConfigurationVersion,
        Self::PreStartDeployment,
        Self::AtDeploymentTick,
        Self::OnDeploymentStart,
        Self::OnDeploymentStep,
        Self::OnDeploymentBaking,
        Self::OnDeploymentComplete,
        Self::OnDeploymentRolledBack,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PreCreateHostedConfigurationVersion => "PRE_CREATE_HOSTED_CONFIGURATION_VERSION",
            Self::PreStartDeployment => "PRE_START_DEPLOYMENT",
            Self::AtDeploymentTick => "AT_DEPLOYMENT_TICK",
            Self::OnDeploymentStart => "ON_DEPLOYMENT_START",
            Self::OnDeploymentStep => "ON_DEPLOYMENT_STEP",
            Self::OnDeploymentBaking => "ON_DEPLOYMENT_BAKING",
            Self::OnDeploymentComplete => "ON_DEPLOYMENT_COMPLETE",
            Self::OnDeploymentRolledBack => "ON_DEPLOYMENT_ROLLED_BACK",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// The payload's `Type` (spec/appconfig.md §8.2): the point in CamelCase.
    pub fn event_type(self) -> &'static str {
        match self {
            Self::PreCreateHostedConfigurationVersion => "PreCreateHostedConfigurationVersion",
            Self::PreStartDeployment => "PreStartDeployment",
            Self::AtDeploymentTick => "AtDeploymentTick",
            Self::OnDeploymentStart => "OnDeploymentStart",
            Self::OnDeploymentStep => "OnDeploymentStep",
            Self::OnDeploymentBaking => "OnDeploymentBaking",
            Self::OnDeploymentComplete => "OnDeploymentComplete",
            Self::OnDeploymentRolledBack => "OnDeploymentRolledBack",
        }
    }

    /// EventBridge's `detail-type` (spec/appconfig.md §8.2): the point in spaced title case.
    pub fn detail_type(self) -> &'static str {
        match self {
            Self::PreCreateHostedConfigurationVersion => "Pre Create Hosted Configuration Version",
            Self::PreStartDeployment => "Pre Start Deployment",
            Self::AtDeploymentTick => "At Deployment Tick",
            Self::OnDeploymentStart => "On Deployment Start",
            Self::OnDeploymentStep => "On Deployment Step",
            Self::OnDeploymentBaking => "On Deployment Baking",
            Self::OnDeploymentComplete => "On Deployment Complete",
            Self::OnDeploymentRolledBack => "On Deployment Rolled Back",
        }
    }

    /// ON_DEPLOYMENT_* actions are notifications, delivered from the outbox.
    pub fn notifies(self) -> bool {
        matches!(
            self,
            Self::OnDeploymentStart
                | Self::OnDeploymentStep
                | Self::OnDeploymentBaking
                | Self::OnDeploymentComplete
                | Self::OnDeploymentRolledBack
        )
    }
}

/// One action of an extension: what to call at its action point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Action {
    pub name: Option<String>,
    pub description: Option<String>,
    pub uri: Option<String>,
    pub role_arn: Option<String>,
}

/// A parameter an extension declares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    pub description: Option<String>,
    pub required: bool,
    pub dynamic: bool,
}

pub type Actions = BTreeMap<ActionPoint, Vec<Action>>;
pub type Parameters = BTreeMap<String, Parameter>;
/// Parameter values (association parameters, dynamic parameters).
pub type ParameterValues = BTreeMap<String, String>;

/// One version of an extension. Versions share `id` and `name`; each is its own row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extension {
    pub region: String,
    pub id: String,
    pub name: String,
    pub version_number: i64,
    pub description: Option<String>,
    pub actions: Actions,
    pub parameters: Parameters,
    pub created_at: Timestamp,
}

/// An extension attached to an application, environment or configuration profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtensionAssociation {
    pub region: String,
    pub id: String,
    /// The extension's ID (an AWS-authored one's name-like ID, `AWS.AppConfig.…`).
    pub extension_id: String,
    pub extension_version_number: i64,
    /// The extension's ARN (the version's; AWS-authored ones have no account).
    pub extension_arn: String,
    /// The application, environment or profile.
    pub resource_arn: String,
    pub parameters: ParameterValues,
    pub created_at: Timestamp,
}

/// Which associations to list (ListExtensionAssociations' filters; all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssociationFilter {
    pub resource_arn: Option<String>,
    pub extension_id: Option<String>,
    pub extension_version_number: Option<i64>,
}

/// An extension as a deployment applies it: taken when the deployment starts (spec §8.7),
/// with the actions of the version it was taken from, so later edits of the extension or its
/// association do not change what the deployment invokes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AppliedExtension {
    pub extension_id: String,
    pub extension_association_id: String,
    pub version_number: i64,
    /// The association's values merged with the deployment's dynamic ones.
    pub parameters: ParameterValues,
    /// ramp's own: the extension's ARN and the association's (EventBridge `resources`).
    #[serde(default)]
    pub extension_arn: String,
    #[serde(default)]
    pub association_arn: String,
    /// ramp's own: the actions of that version (not on the wire).
    #[serde(default)]
    pub actions: Actions,
}

/// One call of one action during a deployment (spec/appconfig.md §8.7), shown in the matching
/// event's `ActionInvocations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActionInvocation {
    pub extension_identifier: String,
    pub action_name: Option<String>,
    pub uri: Option<String>,
    pub role_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    pub invocation_id: String,
}

/// An [`ActionInvocation`] recorded after the transition that caused it (asynchronous ON_*
/// actions and ticks), attached to event `event_index` (oldest first) of the deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedInvocation {
    pub application_id: String,
    pub environment_id: String,
    pub deployment_number: i64,
    pub event_index: i64,
    pub invocation: ActionInvocation,
}
