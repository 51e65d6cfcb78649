//! Branch and the outputs of the branch operations (spec amplify.md §3.2).

use serde::Serializer;

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Branch {
    pub branch_arn: String,
    pub branch_name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<HashMap<String, String>>,
    /// A branch without a stage answers `"NONE"`, as AWS does (spec amplify.md §1.4).
    #[serde(serialize_with = "stage_or_none")]
    pub stage: Option<Stage>,
    /// The default domain prefix; defaults to the branch name with `/` and `.` made `-`.
    pub display_name: String,
    pub enable_notification: bool,
    #[serde(with = "epoch_seconds")]
    pub create_time: Timestamp,
    #[serde(with = "epoch_seconds")]
    pub update_time: Timestamp,
    pub environment_variables: HashMap<String, String>,
    pub enable_auto_build: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_skew_protection: Option<bool>,
    pub custom_domains: Vec<String>,
    pub framework: String,
    /// The job being served; `""` before the first.
    pub active_job_id: String,
    /// A string on the wire (`"0"` on a new branch, spec amplify.md §3.2).
    #[serde(serialize_with = "as_decimal_string")]
    pub total_number_of_jobs: u64,
    pub enable_basic_auth: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_performance_mode: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basic_auth_credentials: Option<Sensitive>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_spec: Option<Sensitive>,
    /// Digits; `"5"` when unset, as AWS answers.
    pub ttl: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub associated_resources: Option<Vec<String>>,
    pub enable_pull_request_preview: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_request_environment_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_branch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_branch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backend_environment_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backend: Option<Backend>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compute_role_arn: Option<String>,
}

fn stage_or_none<S: Serializer>(stage: &Option<Stage>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(stage.map_or("NONE", Stage::as_str))
}

fn as_decimal_string<S: Serializer>(n: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(n)
}

/// `{"branch": …}`: CreateBranch, GetBranch, UpdateBranch, DeleteBranch (the deleted branch).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BranchOutput {
    pub branch: Branch,
}

/// ListBranches.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListBranchesOutput {
    pub branches: Vec<Branch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}
