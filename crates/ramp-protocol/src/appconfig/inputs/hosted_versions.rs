//! Inputs of the hosted configuration versions operations.

use super::*;

#[derive(Debug)]
pub struct CreateHostedConfigurationVersion {
    pub application_id: String,
    pub configuration_profile_id: String,
    pub description: Option<String>,
    pub content: Bytes,
    pub content_type: String,
    pub latest_version_number: Option<i64>,
    pub version_label: Option<String>,
}

impl Input for CreateHostedConfigurationVersion {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = ConfigurationProfileRef::parse(req, labels)?;
        let description_header = req.header("description", "Description")?.map(str::to_owned);
        description(description_header.as_deref())?;
        let content_type = req
            .header("content-type", "ContentType")?
            .ok_or_else(|| missing("ContentType"))?;
        v::length("ContentType", content_type, 1, 255)?;
        let version_label = req.header("versionlabel", "VersionLabel")?.map(str::to_owned);
        if let Some(label) = &version_label {
            v::length("VersionLabel", label, 1, 64)?;
            v::VERSION_LABEL.check("VersionLabel", label)?;
        }
        Ok(Self {
            application_id: target.application_id,
            configuration_profile_id: target.configuration_profile_id,
            description: description_header,
            content: req.body.clone(),
            content_type: content_type.to_owned(),
            latest_version_number: req.header_int("latest-version-number", "LatestVersionNumber")?,
            version_label,
        })
    }
}

#[derive(Debug)]
pub struct HostedConfigurationVersionRef {
    pub application_id: String,
    pub configuration_profile_id: String,
    pub version_number: i64,
}

impl Input for HostedConfigurationVersionRef {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = ConfigurationProfileRef::parse(req, labels)?;
        Ok(Self {
            application_id: target.application_id,
            configuration_profile_id: target.configuration_profile_id,
            version_number: int_label(labels, "VersionNumber")?,
        })
    }
}

#[derive(Debug)]
pub struct ListHostedConfigurationVersions {
    pub application_id: String,
    pub configuration_profile_id: String,
    pub page: PageRequest,
    /// Exact label, or a prefix when it ends with `*`.
    pub version_label: Option<String>,
}

impl Input for ListHostedConfigurationVersions {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = ConfigurationProfileRef::parse(req, labels)?;
        let version_label = req.query("version_label").map(str::to_owned);
        v::opt_length("VersionLabel", version_label.as_deref(), 1, 64)?;
        Ok(Self {
            application_id: target.application_id,
            configuration_profile_id: target.configuration_profile_id,
            page: PageRequest::parse(req)?,
            version_label,
        })
    }
}
