//! Inputs of the deployment and job operations (spec amplify.md §6, §7).

use super::*;

/// CreateDeployment: a `fileMap` (file name → MD5) asks for one upload URL per file; without
/// it, one zip upload URL (spec amplify.md §6.2).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDeployment {
    /// From the path.
    #[serde(skip)]
    pub app_id: String,
    /// From the path.
    #[serde(skip)]
    pub branch_name: String,
    pub file_map: Option<HashMap<String, String>>,
}

impl Input for CreateDeployment {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = BranchRef::parse(req, labels)?;
        let mut input: Self = req.json_body()?;
        for (name, md5) in input.file_map.iter().flatten() {
            v::length("fileMap.key", name, 0, 255)?;
            v::length(&format!("fileMap.{name}"), md5, 0, 32)?;
        }
        input.app_id = target.app_id;
        input.branch_name = target.branch_name;
        Ok(input)
    }
}

/// StartDeployment. The model makes every body member optional; that one of `jobId` and
/// `sourceUrl` is needed is the handler's rule (spec amplify.md §5), not a model constraint.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartDeployment {
    /// From the path.
    #[serde(skip)]
    pub app_id: String,
    /// From the path.
    #[serde(skip)]
    pub branch_name: String,
    pub job_id: Option<String>,
    pub source_url: Option<String>,
    pub source_url_type: Option<SourceUrlType>,
}

impl Input for StartDeployment {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = BranchRef::parse(req, labels)?;
        let mut input: Self = req.json_body()?;
        if let Some(id) = &input.job_id {
            job_id("jobId", id)?;
        }
        if let Some(url) = &input.source_url {
            v::length("sourceUrl", url, 0, 3000)?;
            SOURCE_URL.check("sourceUrl", url)?;
        }
        input.app_id = target.app_id;
        input.branch_name = target.branch_name;
        Ok(input)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartJob {
    /// From the path.
    #[serde(skip)]
    pub app_id: String,
    /// From the path.
    #[serde(skip)]
    pub branch_name: String,
    pub job_id: Option<String>,
    pub job_type: JobType,
    pub job_reason: Option<String>,
    pub commit_id: Option<String>,
    pub commit_message: Option<String>,
    #[serde(default, with = "epoch_seconds::option")]
    pub commit_time: Option<Timestamp>,
}

impl Input for StartJob {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = BranchRef::parse(req, labels)?;
        let mut input: Self = req.json_body()?;
        if let Some(id) = &input.job_id {
            job_id("jobId", id)?;
        }
        v::opt_length("jobReason", input.job_reason.as_deref(), 0, 255)?;
        v::opt_length("commitId", input.commit_id.as_deref(), 0, 255)?;
        v::opt_length("commitMessage", input.commit_message.as_deref(), 0, 10000)?;
        input.app_id = target.app_id;
        input.branch_name = target.branch_name;
        Ok(input)
    }
}

/// GetJob, StopJob, DeleteJob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRef {
    pub app_id: String,
    pub branch_name: String,
    pub job_id: String,
}

impl Input for JobRef {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = BranchRef::parse(req, labels)?;
        let id = labels.get("jobId");
        job_id("jobId", id)?;
        Ok(Self {
            app_id: target.app_id,
            branch_name: target.branch_name,
            job_id: id.to_owned(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListJobs {
    pub app_id: String,
    pub branch_name: String,
    pub page: PageRequest,
}

impl Input for ListJobs {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = BranchRef::parse(req, labels)?;
        Ok(Self {
            app_id: target.app_id,
            branch_name: target.branch_name,
            page: PageRequest::parse(req, 50)?,
        })
    }
}
