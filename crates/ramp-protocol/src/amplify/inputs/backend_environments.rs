//! Inputs of the backend environment operations.

use super::*;

fn environment_name(value: &str) -> Result<(), AwsError> {
    v::length("environmentName", value, 1, 255)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateBackendEnvironment {
    /// From the path.
    #[serde(skip)]
    pub app_id: String,
    pub environment_name: String,
    pub stack_name: Option<String>,
    pub deployment_artifacts: Option<String>,
}

impl Input for CreateBackendEnvironment {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let app_id = app_id_label(labels)?;
        let mut input: Self = req.json_body()?;
        environment_name(&input.environment_name)?;
        v::opt_length("stackName", input.stack_name.as_deref(), 1, 255)?;
        v::opt_length("deploymentArtifacts", input.deployment_artifacts.as_deref(), 1, 1000)?;
        input.app_id = app_id;
        Ok(input)
    }
}

/// GetBackendEnvironment, DeleteBackendEnvironment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendEnvironmentRef {
    pub app_id: String,
    pub environment_name: String,
}

impl Input for BackendEnvironmentRef {
    fn parse(_: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let app_id = app_id_label(labels)?;
        let name = labels.get("environmentName");
        environment_name(name)?;
        Ok(Self {
            app_id,
            environment_name: name.to_owned(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListBackendEnvironments {
    pub app_id: String,
    /// Only this environment, when given.
    pub environment_name: Option<String>,
    pub page: PageRequest,
}

impl Input for ListBackendEnvironments {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let app_id = app_id_label(labels)?;
        let name = req.query("environmentName");
        name.map_or(Ok(()), environment_name)?;
        Ok(Self {
            app_id,
            environment_name: name.map(str::to_owned),
            page: PageRequest::parse(req, 50)?,
        })
    }
}
