//! Inputs of the configuration profiles operations.

use super::*;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateConfigurationProfileBody {
    name: String,
    description: Option<String>,
    location_uri: String,
    retrieval_role_arn: Option<String>,
    validators: Option<Vec<Validator>>,
    tags: Option<HashMap<String, String>>,
    r#type: Option<String>,
    kms_key_identifier: Option<String>,
}

#[derive(Debug)]
pub struct CreateConfigurationProfile {
    pub application_id: String,
    pub name: String,
    pub description: Option<String>,
    pub location_uri: String,
    pub retrieval_role_arn: Option<String>,
    pub validators: Vec<Validator>,
    pub tags: Option<HashMap<String, String>>,
    pub r#type: Option<String>,
    pub kms_key_identifier: Option<String>,
}

impl Input for CreateConfigurationProfile {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let application_id = id_label(labels, "ApplicationId")?;
        let body: CreateConfigurationProfileBody = req.json_body()?;
        v::length("Name", &body.name, 1, 128)?;
        description(body.description.as_deref())?;
        v::length("LocationUri", &body.location_uri, 1, 2048)?;
        role_arn(body.retrieval_role_arn.as_deref())?;
        let validator_list = body.validators.unwrap_or_default();
        validators(&validator_list)?;
        tags(&body.tags)?;
        if let Some(t) = &body.r#type {
            v::CONFIGURATION_PROFILE_TYPE.check("Type", t)?;
        }
        v::opt_length("KmsKeyIdentifier", body.kms_key_identifier.as_deref(), 1, 2048)?;
        Ok(Self {
            application_id,
            name: body.name,
            description: body.description,
            location_uri: body.location_uri,
            retrieval_role_arn: body.retrieval_role_arn,
            validators: validator_list,
            tags: body.tags,
            r#type: body.r#type,
            kms_key_identifier: body.kms_key_identifier,
        })
    }
}

#[derive(Debug)]
pub struct ConfigurationProfileRef {
    pub application_id: String,
    pub configuration_profile_id: String,
}

impl Input for ConfigurationProfileRef {
    fn parse(_: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        Ok(Self {
            application_id: id_label(labels, "ApplicationId")?,
            configuration_profile_id: id_label(labels, "ConfigurationProfileId")?,
        })
    }
}

#[derive(Debug)]
pub struct ListConfigurationProfiles {
    pub application_id: String,
    pub page: PageRequest,
    pub r#type: Option<String>,
}

impl Input for ListConfigurationProfiles {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let r#type = req.query("type").map(str::to_owned);
        if let Some(t) = &r#type {
            v::CONFIGURATION_PROFILE_TYPE.check("Type", t)?;
        }
        Ok(Self {
            application_id: id_label(labels, "ApplicationId")?,
            page: PageRequest::parse(req)?,
            r#type,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateConfigurationProfileBody {
    name: Option<String>,
    description: Option<String>,
    retrieval_role_arn: Option<String>,
    validators: Option<Vec<Validator>>,
    kms_key_identifier: Option<String>,
}

#[derive(Debug)]
pub struct UpdateConfigurationProfile {
    pub application_id: String,
    pub configuration_profile_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub retrieval_role_arn: Option<String>,
    /// Absent: unchanged; `[]`: remove all (spec/appconfig.md §11.2 "Update semantics").
    pub validators: Option<Vec<Validator>>,
    /// `""` clears the key (`KmsKeyIdentifierOrEmpty`).
    pub kms_key_identifier: Option<String>,
}

impl Input for UpdateConfigurationProfile {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = ConfigurationProfileRef::parse(req, labels)?;
        let body: UpdateConfigurationProfileBody = req.json_body()?;
        v::opt_length("Name", body.name.as_deref(), 1, 128)?;
        description(body.description.as_deref())?;
        role_arn(body.retrieval_role_arn.as_deref())?;
        if let Some(list) = &body.validators {
            validators(list)?;
        }
        v::opt_length("KmsKeyIdentifier", body.kms_key_identifier.as_deref(), 0, 2048)?;
        Ok(Self {
            application_id: target.application_id,
            configuration_profile_id: target.configuration_profile_id,
            name: body.name,
            description: body.description,
            retrieval_role_arn: body.retrieval_role_arn,
            validators: body.validators,
            kms_key_identifier: body.kms_key_identifier,
        })
    }
}

#[derive(Debug)]
pub struct DeleteConfigurationProfile {
    pub application_id: String,
    pub configuration_profile_id: String,
    pub deletion_protection_check: Option<String>,
}

impl Input for DeleteConfigurationProfile {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = ConfigurationProfileRef::parse(req, labels)?;
        Ok(Self {
            application_id: target.application_id,
            configuration_profile_id: target.configuration_profile_id,
            deletion_protection_check: deletion_protection_check(req)?,
        })
    }
}

#[derive(Debug)]
pub struct ValidateConfiguration {
    pub application_id: String,
    pub configuration_profile_id: String,
    pub configuration_version: String,
}

impl Input for ValidateConfiguration {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = ConfigurationProfileRef::parse(req, labels)?;
        let version = req
            .query("configuration_version")
            .ok_or_else(|| missing("ConfigurationVersion"))?;
        v::length("ConfigurationVersion", version, 1, 1024)?;
        Ok(Self {
            application_id: target.application_id,
            configuration_profile_id: target.configuration_profile_id,
            configuration_version: version.to_owned(),
        })
    }
}
