//! What ramp stores, as the domain sees it. Persistence-neutral: the store crates map these to
//! rows; the server maps them to wire shapes.

use std::collections::BTreeMap;

use bytes::Bytes;
use ramp_clock::Timestamp;
use serde::{Deserialize, Serialize};

/// Tags on a resource, keyed by tag key.
pub type Tags = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    pub id: String,
    pub region: String,
    pub name: String,
    pub description: Option<String>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvironmentState {
    ReadyForDeployment,
    Deploying,
    RollingBack,
    RolledBack,
    Reverted,
}

impl EnvironmentState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReadyForDeployment => "READY_FOR_DEPLOYMENT",
            Self::Deploying => "DEPLOYING",
            Self::RollingBack => "ROLLING_BACK",
            Self::RolledBack => "ROLLED_BACK",
            Self::Reverted => "REVERTED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::ReadyForDeployment,
            Self::Deploying,
            Self::RollingBack,
            Self::RolledBack,
            Self::Reverted,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Monitor {
    pub alarm_arn: String,
    pub alarm_role_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    pub application_id: String,
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub state: EnvironmentState,
    pub monitors: Vec<Monitor>,
    pub created_at: Timestamp,
    /// Last configuration retrieval touching this environment (deletion protection, spec §9).
    pub last_accessed_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValidatorType {
    #[serde(rename = "JSON_SCHEMA")]
    JsonSchema,
    #[serde(rename = "LAMBDA")]
    Lambda,
}

impl ValidatorType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::JsonSchema => "JSON_SCHEMA",
            Self::Lambda => "LAMBDA",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "JSON_SCHEMA" => Some(Self::JsonSchema),
            "LAMBDA" => Some(Self::Lambda),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validator {
    pub validator_type: ValidatorType,
    pub content: String,
}

/// The profile type that turns on feature-flag validation and retrieval transforms.
pub const FEATURE_FLAGS_TYPE: &str = "AWS.AppConfig.FeatureFlags";
/// The LocationUri of the AppConfig hosted configuration store.
pub const HOSTED_LOCATION: &str = "hosted";

#[derive(Debug, Clone, PartialEq)]
pub struct ConfigurationProfile {
    pub application_id: String,
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub location_uri: String,
    pub retrieval_role_arn: Option<String>,
    pub validators: Vec<Validator>,
    /// `None` when the caller gave no type: AWS stores none and the profile behaves as freeform.
    pub profile_type: Option<String>,
    pub kms_key_identifier: Option<String>,
    pub created_at: Timestamp,
    pub last_accessed_at: Option<Timestamp>,
}

impl ConfigurationProfile {
    pub fn is_feature_flags(&self) -> bool {
        self.profile_type.as_deref() == Some(FEATURE_FLAGS_TYPE)
    }

    pub fn is_hosted(&self) -> bool {
        self.location_uri == HOSTED_LOCATION
    }
}

/// A hosted configuration version's metadata (what List answers with).
#[derive(Debug, Clone, PartialEq)]
pub struct HostedVersionInfo {
    pub application_id: String,
    pub configuration_profile_id: String,
    pub version_number: i64,
    pub description: Option<String>,
    pub content_type: String,
    pub version_label: Option<String>,
    pub kms_key_arn: Option<String>,
    pub created_at: Timestamp,
}

/// A hosted configuration version with its content.
#[derive(Debug, Clone, PartialEq)]
pub struct HostedVersion {
    pub info: HostedVersionInfo,
    pub content: Bytes,
}

/// What CreateHostedConfigurationVersion asks the store to write; the store assigns the number.
#[derive(Debug, Clone, PartialEq)]
pub struct NewHostedVersion {
    pub application_id: String,
    pub configuration_profile_id: String,
    pub description: Option<String>,
    pub content_type: String,
    pub version_label: Option<String>,
    pub content: Bytes,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrowthType {
    Linear,
    Exponential,
}

impl GrowthType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Linear => "LINEAR",
            Self::Exponential => "EXPONENTIAL",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "LINEAR" => Some(Self::Linear),
            "EXPONENTIAL" => Some(Self::Exponential),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentStrategy {
    pub id: String,
    pub region: String,
    pub name: String,
    pub description: Option<String>,
    pub deployment_duration_in_minutes: i64,
    pub growth_type: GrowthType,
    pub growth_factor: f64,
    pub final_bake_time_in_minutes: i64,
    pub replicate_to: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountSettings {
    pub deletion_protection_enabled: bool,
    pub protection_period_in_minutes: i64,
}

impl Default for AccountSettings {
    /// Deletion protection is off by default with a 60-minute period (spec/appconfig.md §9).
    fn default() -> Self {
        Self {
            deletion_protection_enabled: false,
            protection_period_in_minutes: 60,
        }
    }
}
