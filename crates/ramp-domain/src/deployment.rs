//! Deployments, their event log and the alarms that can roll them back, as the domain sees them
//! (spec/appconfig.md §4–§7).

use bytes::Bytes;
use ramp_clock::Timestamp;
use serde::{Deserialize, Serialize};

use crate::entities::{GrowthType, Monitor};
use crate::extensions::{ActionInvocation, AppliedExtension};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeploymentState {
    Baking,
    Validating,
    Deploying,
    Complete,
    RollingBack,
    RolledBack,
    Reverted,
}

impl DeploymentState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Baking => "BAKING",
            Self::Validating => "VALIDATING",
            Self::Deploying => "DEPLOYING",
            Self::Complete => "COMPLETE",
            Self::RollingBack => "ROLLING_BACK",
            Self::RolledBack => "ROLLED_BACK",
            Self::Reverted => "REVERTED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Baking,
            Self::Validating,
            Self::Deploying,
            Self::Complete,
            Self::RollingBack,
            Self::RolledBack,
            Self::Reverted,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// A deployment in one of these states blocks another StartDeployment in its environment
    /// (spec/appconfig.md §4.6) and is driven by the engine.
    pub fn is_in_progress(self) -> bool {
        matches!(
            self,
            Self::Deploying | Self::Baking | Self::Validating | Self::RollingBack
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeploymentEventType {
    PercentageUpdated,
    RollbackStarted,
    RollbackCompleted,
    BakeTimeStarted,
    DeploymentStarted,
    DeploymentCompleted,
    RevertCompleted,
}

impl DeploymentEventType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PercentageUpdated => "PERCENTAGE_UPDATED",
            Self::RollbackStarted => "ROLLBACK_STARTED",
            Self::RollbackCompleted => "ROLLBACK_COMPLETED",
            Self::BakeTimeStarted => "BAKE_TIME_STARTED",
            Self::DeploymentStarted => "DEPLOYMENT_STARTED",
            Self::DeploymentCompleted => "DEPLOYMENT_COMPLETED",
            Self::RevertCompleted => "REVERT_COMPLETED",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TriggeredBy {
    User,
    Appconfig,
    CloudwatchAlarm,
    InternalError,
}

impl TriggeredBy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "USER",
            Self::Appconfig => "APPCONFIG",
            Self::CloudwatchAlarm => "CLOUDWATCH_ALARM",
            Self::InternalError => "INTERNAL_ERROR",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeploymentEvent {
    pub event_type: DeploymentEventType,
    pub triggered_by: TriggeredBy,
    pub description: String,
    pub occurred_at: Timestamp,
    /// The actions that ran synchronously with this event (PRE_START_DEPLOYMENT at the start, a
    /// tick that rolled the deployment back). Asynchronous ones are recorded apart
    /// (`ExtensionStore::record_invocations`) and shown with the event they belong to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub action_invocations: Vec<ActionInvocation>,
}

/// How growth steps are spaced in time (spec/appconfig.md §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum StepTiming {
    /// Model A, from AWS's one real trace: `S + 1` equal intervals, step k at `k·D/(S+1)`.
    #[default]
    Observed,
    /// Model B, from the user guide: step k at `k·D/S`, 100 % exactly at `D`.
    Documented,
}

/// The strategy parameters a deployment copies when it starts (later edits of the strategy do
/// not affect it, spec/appconfig.md §3.1 "Snapshot into deployment").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StrategySnapshot {
    pub deployment_duration_in_minutes: i64,
    pub growth_type: GrowthType,
    pub growth_factor: f64,
    pub final_bake_time_in_minutes: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    pub application_id: String,
    pub environment_id: String,
    pub deployment_number: i64,
    pub configuration_profile_id: String,
    pub deployment_strategy_id: String,
    pub configuration_name: String,
    pub configuration_location_uri: String,
    /// As the caller gave it: a version number or a VersionLabel.
    pub configuration_version: String,
    /// The hosted version number `configuration_version` resolved to.
    pub hosted_version_number: i64,
    pub version_label: Option<String>,
    pub description: Option<String>,
    pub strategy: StrategySnapshot,
    pub step_timing: StepTiming,
    pub state: DeploymentState,
    pub percentage_complete: f64,
    pub started_at: Timestamp,
    pub completed_at: Option<Timestamp>,
    /// Oldest first (the wire shows it newest first).
    pub event_log: Vec<DeploymentEvent>,
    pub kms_key_identifier: Option<String>,
    /// The environment's monitors when the deployment started.
    pub monitors: Vec<Monitor>,
    /// The extensions applied to this deployment, taken when it started (spec §8.7).
    pub applied_extensions: Vec<AppliedExtension>,
    /// When the engine must next look at this deployment; `None` once it is finished.
    pub next_due_at: Option<Timestamp>,
    /// Compare-and-set counter: every update must name the revision it read.
    pub revision: i64,
}

/// The configuration a deployment delivers: AppConfig caches a copy when the deployment starts
/// and serves that copy, not the live source (spec/appconfig.md §4.7).
#[derive(Debug, Clone, PartialEq)]
pub struct DeployedContent {
    pub content: Bytes,
    pub content_type: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlarmState {
    Ok,
    Alarm,
    InsufficientData,
}

impl AlarmState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Alarm => "ALARM",
            Self::InsufficientData => "INSUFFICIENT_DATA",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Ok, Self::Alarm, Self::InsufficientData]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// ALARM and INSUFFICIENT_DATA both roll a deployment back (spec/appconfig.md §6 "Trigger").
    pub fn rolls_back(self) -> bool {
        matches!(self, Self::Alarm | Self::InsufficientData)
    }
}

/// A ramp alarm, named by the NAME of a monitor's `arn:aws:cloudwatch:…:alarm:NAME`
/// (DESIGN.md "alarms").
#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    pub name: String,
    pub state: AlarmState,
    pub reason: String,
    pub updated_at: Timestamp,
}
