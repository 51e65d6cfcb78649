//! Inputs of the deployment operations.

use super::*;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StartDeploymentBody {
    deployment_strategy_id: String,
    configuration_profile_id: String,
    configuration_version: String,
    description: Option<String>,
    tags: Option<HashMap<String, String>>,
    kms_key_identifier: Option<String>,
    dynamic_extension_parameters: Option<HashMap<String, String>>,
}

#[derive(Debug)]
pub struct StartDeployment {
    pub application_id: String,
    pub environment_id: String,
    pub deployment_strategy_id: String,
    pub configuration_profile_id: String,
    pub configuration_version: String,
    pub description: Option<String>,
    pub tags: Option<HashMap<String, String>>,
    pub kms_key_identifier: Option<String>,
    pub dynamic_extension_parameters: Option<HashMap<String, String>>,
}

impl Input for StartDeployment {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = EnvironmentRef::parse(req, labels)?;
        let body: StartDeploymentBody = req.json_body()?;
        v::DEPLOYMENT_STRATEGY_ID.check("DeploymentStrategyId", &body.deployment_strategy_id)?;
        v::id("ConfigurationProfileId", &body.configuration_profile_id)?;
        v::length("ConfigurationVersion", &body.configuration_version, 1, 1024)?;
        description(body.description.as_deref())?;
        tags(&body.tags)?;
        v::opt_length("KmsKeyIdentifier", body.kms_key_identifier.as_deref(), 1, 2048)?;
        if let Some(parameters) = &body.dynamic_extension_parameters {
            dynamic_parameters(parameters)?;
        }
        Ok(Self {
            application_id: target.application_id,
            environment_id: target.environment_id,
            deployment_strategy_id: body.deployment_strategy_id,
            configuration_profile_id: body.configuration_profile_id,
            configuration_version: body.configuration_version,
            description: body.description,
            tags: body.tags,
            kms_key_identifier: body.kms_key_identifier,
            dynamic_extension_parameters: body.dynamic_extension_parameters,
        })
    }
}

#[derive(Debug)]
pub struct DeploymentRef {
    pub application_id: String,
    pub environment_id: String,
    pub deployment_number: i64,
}

impl Input for DeploymentRef {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = EnvironmentRef::parse(req, labels)?;
        Ok(Self {
            application_id: target.application_id,
            environment_id: target.environment_id,
            deployment_number: int_label(labels, "DeploymentNumber")?,
        })
    }
}

#[derive(Debug)]
pub struct StopDeployment {
    pub application_id: String,
    pub environment_id: String,
    pub deployment_number: i64,
    pub allow_revert: bool,
}

impl Input for StopDeployment {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = DeploymentRef::parse(req, labels)?;
        Ok(Self {
            application_id: target.application_id,
            environment_id: target.environment_id,
            deployment_number: target.deployment_number,
            allow_revert: req.header_bool("allow-revert", "AllowRevert")?.unwrap_or(false),
        })
    }
}

#[derive(Debug)]
pub struct ListDeployments {
    pub application_id: String,
    pub environment_id: String,
    pub page: PageRequest,
}

impl Input for ListDeployments {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = EnvironmentRef::parse(req, labels)?;
        Ok(Self {
            application_id: target.application_id,
            environment_id: target.environment_id,
            page: PageRequest::parse(req)?,
        })
    }
}

/// The legacy GetConfiguration: names or IDs in the path, the client in the query.
#[derive(Debug)]
pub struct GetConfiguration {
    pub application: String,
    pub environment: String,
    pub configuration: String,
    pub client_id: String,
    pub client_configuration_version: Option<String>,
}

impl Input for GetConfiguration {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let label = |name: &str| -> Result<String, AwsError> {
            let value = labels.get(name);
            v::length(name, value, 1, 64)?;
            Ok(value.to_owned())
        };
        let client_id = req.query("client_id").ok_or_else(|| missing("ClientId"))?;
        v::length("ClientId", client_id, 1, 64)?;
        let client_configuration_version = req.query("client_configuration_version").map(str::to_owned);
        v::opt_length(
            "ClientConfigurationVersion",
            client_configuration_version.as_deref(),
            1,
            1024,
        )?;
        Ok(Self {
            application: label("Application")?,
            environment: label("Environment")?,
            configuration: label("Configuration")?,
            client_id: client_id.to_owned(),
            client_configuration_version,
        })
    }
}
