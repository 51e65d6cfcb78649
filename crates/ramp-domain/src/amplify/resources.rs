//! What Amplify Hosting keeps, as ramp stores it. Members follow the model's shapes
//! (spec/amplify.md §3); enumerations the protocol layer already checked and ramp never acts on
//! (platform, stage, framework, certificate type…) are kept as the strings the client sent.
//!
//! These types are stored as JSON documents, so every field has a serde default and a new field
//! never breaks reading rows written by an older ramp.

use std::collections::BTreeMap;

use ramp_clock::Timestamp;
use serde::{Deserialize, Serialize};

pub type EnvironmentVariables = BTreeMap<String, String>;

/// Whether `id` has the form of an app ID (`d[a-z0-9]+`, at most 20 characters).
pub fn is_app_id(id: &str) -> bool {
    id.len() <= 20
        && id.len() > 1
        && id.starts_with('d')
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The blobs stored jobs reference (SHA-256 hex, each once): the roots of garbage collection.
/// A manifest references further blobs, its files, which only reading it tells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferencedBlobs {
    /// Every job's manifest.
    pub manifests: Vec<String>,
    /// Every job's archive, and the files uploaded to unfinished jobs (referenced by nothing
    /// else until the job deploys; a finished job's uploads are in its manifest or archive,
    /// or no longer needed).
    pub others: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct App {
    pub region: String,
    pub app_id: String,
    pub name: String,
    pub description: String,
    pub repository: String,
    pub platform: String,
    pub iam_service_role_arn: Option<String>,
    pub compute_role_arn: Option<String>,
    pub environment_variables: EnvironmentVariables,
    pub enable_branch_auto_build: bool,
    pub enable_branch_auto_deletion: bool,
    pub enable_basic_auth: bool,
    /// Base64 of `user:password` (spec §8.6). Returned by GetApp, as AWS does.
    pub basic_auth_credentials: Option<String>,
    pub custom_rules: Vec<CustomRule>,
    pub build_spec: Option<String>,
    /// The custom headers YAML (spec §8.5).
    pub custom_headers: Option<String>,
    pub enable_auto_branch_creation: bool,
    pub auto_branch_creation_patterns: Vec<String>,
    pub auto_branch_creation_config: Option<BranchDefaults>,
    pub repository_clone_method: Option<String>,
    pub cache_config_type: Option<String>,
    pub build_compute_type: Option<String>,
    pub webhook_create_time: Option<Timestamp>,
    pub create_time: Timestamp,
    pub update_time: Timestamp,
}

/// A redirect or rewrite rule (spec §3.4, §8.3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CustomRule {
    pub source: String,
    pub target: String,
    pub status: Option<String>,
    pub condition: Option<String>,
}

/// `AutoBranchCreationConfig`: settings for branches created automatically (stored and
/// returned; ramp creates no branches from a repository).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BranchDefaults {
    pub stage: Option<String>,
    pub framework: Option<String>,
    pub enable_auto_build: Option<bool>,
    pub environment_variables: Option<EnvironmentVariables>,
    pub basic_auth_credentials: Option<String>,
    pub enable_basic_auth: Option<bool>,
    pub enable_performance_mode: Option<bool>,
    pub build_spec: Option<String>,
    pub enable_pull_request_preview: Option<bool>,
    pub pull_request_environment_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Branch {
    pub region: String,
    pub app_id: String,
    pub branch_name: String,
    pub description: String,
    /// `None` is shown as `"NONE"`, as AWS does (spec §1.4).
    pub stage: Option<String>,
    /// The first label of the branch's host name (spec §8.1).
    pub display_name: String,
    pub framework: String,
    pub enable_notification: bool,
    pub enable_auto_build: bool,
    pub enable_skew_protection: bool,
    pub enable_performance_mode: Option<bool>,
    pub enable_basic_auth: bool,
    pub basic_auth_credentials: Option<String>,
    pub environment_variables: EnvironmentVariables,
    pub build_spec: Option<String>,
    /// Digits as a string; `"5"` unless set (spec §3.2).
    pub ttl: String,
    pub enable_pull_request_preview: bool,
    pub pull_request_environment_name: Option<String>,
    pub backend_environment_arn: Option<String>,
    pub backend_stack_arn: Option<String>,
    pub compute_role_arn: Option<String>,
    /// The job whose deploy the branch serves; kept by the store (`save_job` with
    /// `activate`), never by `update_branch`.
    pub active_job_id: Option<i64>,
    /// Jobs ever created on the branch; the store allocates job numbers from it.
    pub total_number_of_jobs: i64,
    pub create_time: Timestamp,
    pub update_time: Timestamp,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    /// Reserved by CreateDeployment, waiting for uploads and StartDeployment (spec §7.1).
    #[default]
    Created,
    Pending,
    Provisioning,
    Running,
    Failed,
    Succeed,
    Cancelling,
    Cancelled,
}

impl JobStatus {
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Failed | Self::Succeed | Self::Cancelled)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "CREATED",
            Self::Pending => "PENDING",
            Self::Provisioning => "PROVISIONING",
            Self::Running => "RUNNING",
            Self::Failed => "FAILED",
            Self::Succeed => "SUCCEED",
            Self::Cancelling => "CANCELLING",
            Self::Cancelled => "CANCELLED",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobType {
    Release,
    Retry,
    #[default]
    Manual,
    WebHook,
}

impl JobType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Release => "RELEASE",
            Self::Retry => "RETRY",
            Self::Manual => "MANUAL",
            Self::WebHook => "WEB_HOOK",
        }
    }
}

/// Where a job's files come from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum JobSource {
    /// Uploaded to ramp after CreateDeployment: one zip, or one PUT per file of `file_map`
    /// (path → MD5 hex).
    #[default]
    Zip,
    Files {
        file_map: BTreeMap<String, String>,
    },
    /// `StartDeployment{sourceUrl}`: `ZIP` (http, https or s3 URL of a zip) or `BUCKET_PREFIX`.
    Url {
        url: String,
        url_type: String,
    },
    /// Re-publishes the files of an earlier job of the branch (RETRY, RELEASE, webhooks).
    Job {
        number: i64,
    },
}

/// A blob in ramp's blob store, by its SHA-256 hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredBlob {
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Step {
    pub step_name: String,
    pub status: JobStatus,
    pub start_time: Timestamp,
    pub end_time: Option<Timestamp>,
    pub status_reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Job {
    pub region: String,
    pub app_id: String,
    pub branch_name: String,
    /// The job ID (`"3"` on the wire); allocated by the store, per branch, from 1.
    pub number: i64,
    /// Bumped by every save: `save_job` compares it (compare-and-set).
    pub revision: i64,
    pub job_type: JobType,
    pub status: JobStatus,
    pub source: JobSource,
    pub job_reason: Option<String>,
    pub commit_id: String,
    pub commit_message: String,
    pub commit_time: Timestamp,
    /// When the job was created (CreateDeployment or StartDeployment): the upload window runs
    /// from here (spec §6.2: 8 hours).
    pub create_time: Timestamp,
    pub start_time: Timestamp,
    pub end_time: Option<Timestamp>,
    pub steps: Vec<Step>,
    /// The deploy log, one line per entry (`[INFO]: …`), served through the step's `logUrl`.
    pub log: Vec<String>,
    /// The archive the job deployed (uploaded or fetched zip): ListArtifacts' artifact.
    pub archive: Option<StoredBlob>,
    /// The deploy's manifest (ramp-sites) once the DEPLOY step has stored it.
    pub manifest: Option<StoredBlob>,
    /// Why the job failed, for the client (FAILED only).
    pub status_reason: Option<String>,
}

impl Job {
    pub fn key(&self) -> JobKey {
        JobKey {
            region: self.region.clone(),
            app_id: self.app_id.clone(),
            branch_name: self.branch_name.clone(),
            number: self.number,
        }
    }
}

/// A job by its place.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JobKey {
    pub region: String,
    pub app_id: String,
    pub branch_name: String,
    pub number: i64,
}

/// What `create_job` needs: the job minus what the store allocates (number, revision).
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub job: Job,
    /// A `Created` job of the branch created before this instant no longer blocks new jobs:
    /// the store cancels it in the same transaction (spec §7.1: a job whose upload never
    /// finished must not block the branch forever; a divergence from AWS, README).
    pub abandon_created_before: Timestamp,
}

/// A file uploaded to a job through its `fileUploadUrls`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    pub path: String,
    pub blob: StoredBlob,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DomainAssociation {
    pub region: String,
    pub app_id: String,
    pub domain_name: String,
    pub enable_auto_sub_domain: bool,
    pub auto_sub_domain_creation_patterns: Vec<String>,
    pub auto_sub_domain_iam_role: Option<String>,
    pub sub_domains: Vec<SubDomain>,
    pub certificate_type: Option<String>,
    pub custom_certificate_arn: Option<String>,
    pub create_time: Timestamp,
    pub update_time: Timestamp,
}

/// `SubDomainSetting`: `prefix.domain` serves `branch_name`; prefix `""` is the apex.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SubDomain {
    pub prefix: String,
    pub branch_name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Webhook {
    pub region: String,
    pub app_id: String,
    pub webhook_id: String,
    pub branch_name: String,
    pub description: String,
    pub create_time: Timestamp,
    pub update_time: Timestamp,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BackendEnvironment {
    pub region: String,
    pub app_id: String,
    pub environment_name: String,
    pub stack_name: Option<String>,
    pub deployment_artifacts: Option<String>,
    pub create_time: Timestamp,
    pub update_time: Timestamp,
}

/// One request a hosted site answered, for GenerateAccessLogs (spec: Amplify's CSV columns).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AccessLogEntry {
    pub region: String,
    pub app_id: String,
    pub time: Timestamp,
    pub client_ip: String,
    pub client_port: u16,
    pub method: String,
    pub host: String,
    pub path: String,
    pub query: String,
    pub status: u16,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub referer: String,
    pub user_agent: String,
    pub content_type: String,
    pub time_taken_ms: u64,
    pub request_id: String,
    pub protocol_version: String,
}

/// Everything the site host needs to route and serve requests, read at once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServingState {
    /// Bumped by every Amplify write; a node rebuilds its site table when it changes.
    pub generation: i64,
    pub apps: Vec<App>,
    pub branches: Vec<Branch>,
    pub domain_associations: Vec<DomainAssociation>,
    /// Every job a branch serves: its active job, and on skew-protected branches the
    /// succeeded jobs that ended after the `skew_since` given.
    pub live_jobs: Vec<Job>,
}
