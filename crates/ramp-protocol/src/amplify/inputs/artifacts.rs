//! Inputs of the artifact and access-log operations.

use super::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListArtifacts {
    pub app_id: String,
    pub branch_name: String,
    pub job_id: String,
    pub page: PageRequest,
}

impl Input for ListArtifacts {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let job = JobRef::parse(req, labels)?;
        Ok(Self {
            app_id: job.app_id,
            branch_name: job.branch_name,
            job_id: job.job_id,
            page: PageRequest::parse(req, 50)?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetArtifactUrl {
    pub artifact_id: String,
}

impl Input for GetArtifactUrl {
    fn parse(_: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let id = labels.get("artifactId");
        v::length("artifactId", id, 0, 255)?;
        Ok(Self {
            artifact_id: id.to_owned(),
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateAccessLogs {
    /// From the path.
    #[serde(skip)]
    pub app_id: String,
    pub domain_name: String,
    #[serde(default, with = "epoch_seconds::option")]
    pub start_time: Option<Timestamp>,
    #[serde(default, with = "epoch_seconds::option")]
    pub end_time: Option<Timestamp>,
}

impl Input for GenerateAccessLogs {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let app_id = app_id_label(labels)?;
        let mut input: Self = req.json_body()?;
        domain_name("domainName", &input.domain_name)?;
        input.app_id = app_id;
        Ok(input)
    }
}
