//! App and the outputs of the app operations (spec amplify.md §3.1).

use super::*;
use crate::amplify::values::{Platform, RepositoryCloneMethod};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct App {
    pub app_id: String,
    pub app_arn: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<HashMap<String, String>>,
    /// `""` when unset, as AWS answers for a manual-deploy app.
    pub description: String,
    /// `""` for a manual-deploy app.
    pub repository: String,
    pub platform: Platform,
    #[serde(with = "epoch_seconds")]
    pub create_time: Timestamp,
    #[serde(with = "epoch_seconds")]
    pub update_time: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compute_role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iam_service_role_arn: Option<String>,
    pub environment_variables: HashMap<String, String>,
    /// `{appId}.amplifyapp.com`-like: the branch prefix is not part of it.
    pub default_domain: String,
    pub enable_branch_auto_build: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_branch_auto_deletion: Option<bool>,
    pub enable_basic_auth: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basic_auth_credentials: Option<Sensitive>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_rules: Option<Vec<CustomRule>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub production_branch: Option<ProductionBranch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_spec: Option<Sensitive>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_headers: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_auto_branch_creation: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_branch_creation_patterns: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_branch_creation_config: Option<AutoBranchCreationConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository_clone_method: Option<RepositoryCloneMethod>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_config: Option<CacheConfig>,
    #[serde(with = "epoch_seconds::option", skip_serializing_if = "Option::is_none")]
    pub webhook_create_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waf_configuration: Option<WafConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_config: Option<JobConfig>,
}

/// `{"app": …}`: CreateApp, GetApp, UpdateApp, DeleteApp (the deleted app).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppOutput {
    pub app: App,
}

/// ListApps.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListAppsOutput {
    pub apps: Vec<App>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}
