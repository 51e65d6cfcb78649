//! Inputs of the environments operations.

use super::*;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateEnvironmentBody {
    name: String,
    description: Option<String>,
    monitors: Option<Vec<Monitor>>,
    tags: Option<HashMap<String, String>>,
}

#[derive(Debug)]
pub struct CreateEnvironment {
    pub application_id: String,
    pub name: String,
    pub description: Option<String>,
    pub monitors: Vec<Monitor>,
    pub tags: Option<HashMap<String, String>>,
}

impl Input for CreateEnvironment {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let application_id = id_label(labels, "ApplicationId")?;
        let body: CreateEnvironmentBody = req.json_body()?;
        name("Name", &body.name)?;
        description(body.description.as_deref())?;
        let monitor_list = body.monitors.unwrap_or_default();
        monitors(&monitor_list)?;
        tags(&body.tags)?;
        Ok(Self {
            application_id,
            name: body.name,
            description: body.description,
            monitors: monitor_list,
            tags: body.tags,
        })
    }
}

#[derive(Debug)]
pub struct EnvironmentRef {
    pub application_id: String,
    pub environment_id: String,
}

impl Input for EnvironmentRef {
    fn parse(_: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        Ok(Self {
            application_id: id_label(labels, "ApplicationId")?,
            environment_id: id_label(labels, "EnvironmentId")?,
        })
    }
}

#[derive(Debug)]
pub struct ListEnvironments {
    pub application_id: String,
    pub page: PageRequest,
}

impl Input for ListEnvironments {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        Ok(Self {
            application_id: id_label(labels, "ApplicationId")?,
            page: PageRequest::parse(req)?,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateEnvironmentBody {
    name: Option<String>,
    description: Option<String>,
    monitors: Option<Vec<Monitor>>,
}

#[derive(Debug)]
pub struct UpdateEnvironment {
    pub application_id: String,
    pub environment_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// Absent: unchanged; `[]`: remove all (spec/appconfig.md §6 "UpdateEnvironment").
    pub monitors: Option<Vec<Monitor>>,
}

impl Input for UpdateEnvironment {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = EnvironmentRef::parse(req, labels)?;
        let body: UpdateEnvironmentBody = req.json_body()?;
        v::opt_length("Name", body.name.as_deref(), 1, 64)?;
        description(body.description.as_deref())?;
        if let Some(list) = &body.monitors {
            monitors(list)?;
        }
        Ok(Self {
            application_id: target.application_id,
            environment_id: target.environment_id,
            name: body.name,
            description: body.description,
            monitors: body.monitors,
        })
    }
}

#[derive(Debug)]
pub struct DeleteEnvironment {
    pub application_id: String,
    pub environment_id: String,
    pub deletion_protection_check: Option<String>,
}

impl Input for DeleteEnvironment {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = EnvironmentRef::parse(req, labels)?;
        Ok(Self {
            application_id: target.application_id,
            environment_id: target.environment_id,
            deletion_protection_check: deletion_protection_check(req)?,
        })
    }
}
