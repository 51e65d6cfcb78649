//! Amplify's response shapes, and the nested structures its inputs share with them, with the
//! model's member names. Required members are plain fields, always sent (spec amplify.md §1.4);
//! optional ones are `Option`s, left out when unset. Timestamps are [`Timestamp`]s, sent as
//! epoch seconds (spec amplify.md §1.1). Each operation answers 200 with its wrapper
//! (`AppOutput` is `{"app": …}`, `ListAppsOutput` is `{"apps": […], "nextToken": …}`).

use std::collections::HashMap;

use ramp_clock::Timestamp;
use serde::{Deserialize, Serialize};

use super::values::{BuildComputeType, CacheConfigType, CertificateType, Sensitive, Stage, WafStatus, epoch_seconds};

mod apps;
mod branches;
mod domains;
mod jobs;
mod others;

pub use apps::*;
pub use branches::*;
pub use domains::*;
pub use jobs::*;
pub use others::*;

/// A redirect or rewrite rule of an app (spec amplify.md §3.4, §8.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomRule {
    pub source: String,
    pub target: String,
    /// `200`, `301`, `302`, `404`, `404-200`; the model only bounds it (`.{3,7}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

/// How an app creates branches automatically (Git-connected apps; stored and echoed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoBranchCreationConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_auto_build: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment_variables: Option<HashMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basic_auth_credentials: Option<Sensitive>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_basic_auth: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_performance_mode: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_spec: Option<Sensitive>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_pull_request_preview: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_request_environment_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CacheConfig {
    pub r#type: CacheConfigType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobConfig {
    pub build_compute_type: BuildComputeType,
}

/// A branch's backend (a CloudFormation stack ARN; stored and echoed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Backend {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack_arn: Option<String>,
}

/// A subdomain of a custom domain and the branch it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubDomainSetting {
    pub prefix: String,
    pub branch_name: String,
}

/// The certificate a domain association asks for (input only; answered as [`Certificate`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateSettings {
    pub r#type: CertificateType,
    pub custom_certificate_arn: Option<String>,
}

/// The app's production branch, when one of its branches has stage `PRODUCTION` (spec amplify.md §3.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductionBranch {
    #[serde(with = "epoch_seconds::option", skip_serializing_if = "Option::is_none")]
    pub last_deploy_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WafConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_acl_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waf_status: Option<WafStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
}

/// `{}`: what TagResource and UntagResource answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Empty {}

#[cfg(test)]
mod tests;
