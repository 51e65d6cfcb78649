//! Jobs, steps, deployments and artifacts (spec amplify.md §3.3, §6, §7).

use super::*;
use crate::amplify::values::{JobStatus, JobType, SourceUrlType};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobSummary {
    /// `…/jobs/{jobId zero-padded to 10 digits}` (spec amplify.md §4).
    pub job_arn: String,
    pub job_id: String,
    /// `"HEAD"` for a manual deploy (spec amplify.md §3.3).
    pub commit_id: String,
    pub commit_message: String,
    #[serde(with = "epoch_seconds")]
    pub commit_time: Timestamp,
    #[serde(with = "epoch_seconds")]
    pub start_time: Timestamp,
    pub status: JobStatus,
    #[serde(with = "epoch_seconds::option", skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Timestamp>,
    pub job_type: JobType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_url_type: Option<SourceUrlType>,
}

/// One step of a job (`DEPLOY`, `VERIFY` for a manual deploy, spec amplify.md §7.2).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub step_name: String,
    #[serde(with = "epoch_seconds")]
    pub start_time: Timestamp,
    pub status: JobStatus,
    /// Required by the model even while the step runs.
    #[serde(with = "epoch_seconds")]
    pub end_time: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifacts_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_artifacts_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_config_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screenshots: Option<HashMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Job {
    pub summary: JobSummary,
    pub steps: Vec<Step>,
}

/// `{"jobSummary": …}`: StartDeployment, StartJob, StopJob, DeleteJob.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobSummaryOutput {
    pub job_summary: JobSummary,
}

/// GetJob.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GetJobOutput {
    pub job: Job,
}

/// ListJobs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListJobsOutput {
    pub job_summaries: Vec<JobSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// CreateDeployment: where the client uploads the content (spec amplify.md §6.2). Both URL
/// members are required: `fileUploadUrls` is `{}` for a zip deploy, `zipUploadUrl` `""` for
/// a file-map deploy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDeploymentOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    pub file_upload_urls: HashMap<String, String>,
    pub zip_upload_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Artifact {
    pub artifact_file_name: String,
    pub artifact_id: String,
}

/// ListArtifacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListArtifactsOutput {
    pub artifacts: Vec<Artifact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// GetArtifactUrl.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetArtifactUrlOutput {
    pub artifact_id: String,
    pub artifact_url: String,
}
