//! One input struct per AppConfig operation, parsed from the request's labels, query, headers
//! and body, with every model constraint checked. Anything a client gets wrong stops here as a
//! 400 naming the member, before ramp's domain sees it.

use std::collections::HashMap;

use bytes::Bytes;
use serde::Deserialize;

use super::shapes::{DeletionProtectionSettings, Monitor, Validator};
use crate::routing::Labels;
use crate::validate::{self as v, missing};
use crate::{AwsError, AwsRequest};

/// An operation input that can be read from a routed request.
pub trait Input: Sized {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError>;
}

const GROWTH_TYPES: &[&str] = &["LINEAR", "EXPONENTIAL"];
const REPLICATE_TO: &[&str] = &["NONE", "SSM_DOCUMENT"];
const VALIDATOR_TYPES: &[&str] = &["JSON_SCHEMA", "LAMBDA"];
const DELETION_PROTECTION_CHECKS: &[&str] = &["ACCOUNT_DEFAULT", "APPLY", "BYPASS"];

fn id_label(labels: &Labels, name: &str) -> Result<String, AwsError> {
    let value = labels.get(name);
    v::id(name, value)?;
    Ok(value.to_owned())
}

fn int_label(labels: &Labels, name: &str) -> Result<i64, AwsError> {
    crate::request::parse_int(labels.get(name), name)
}

fn name(member: &str, value: &str) -> Result<(), AwsError> {
    v::length(member, value, 1, 64)
}

fn description(value: Option<&str>) -> Result<(), AwsError> {
    v::opt_length("Description", value, 0, 1024)
}

fn monitors(list: &[Monitor]) -> Result<(), AwsError> {
    v::count("Monitors", list.len(), 0, 5)?;
    for (i, m) in list.iter().enumerate() {
        v::length(&format!("Monitors[{i}].AlarmArn"), &m.alarm_arn, 1, 2048)?;
        if let Some(role) = &m.alarm_role_arn {
            let member = format!("Monitors[{i}].AlarmRoleArn");
            v::length(&member, role, 20, 2048)?;
            v::ROLE_ARN.check(&member, role)?;
        }
    }
    Ok(())
}

fn validators(list: &[Validator]) -> Result<(), AwsError> {
    v::count("Validators", list.len(), 0, 2)?;
    for (i, validator) in list.iter().enumerate() {
        v::one_of(&format!("Validators[{i}].Type"), &validator.r#type, VALIDATOR_TYPES)?;
        v::length(&format!("Validators[{i}].Content"), &validator.content, 0, 32768)?;
    }
    Ok(())
}

fn role_arn(value: Option<&str>) -> Result<(), AwsError> {
    if let Some(role) = value {
        v::length("RetrievalRoleArn", role, 20, 2048)?;
        v::ROLE_ARN.check("RetrievalRoleArn", role)?;
    }
    Ok(())
}

fn tags(value: &Option<HashMap<String, String>>) -> Result<(), AwsError> {
    value.as_ref().map_or(Ok(()), |t| v::tags("Tags", t))
}

fn deletion_protection_check(req: &AwsRequest) -> Result<Option<String>, AwsError> {
    let value = req.header("x-amzn-deletion-protection-check", "DeletionProtectionCheck")?;
    if let Some(value) = value {
        v::one_of("DeletionProtectionCheck", value, DELETION_PROTECTION_CHECKS)?;
    }
    Ok(value.map(str::to_owned))
}

/// `max_results` / `next_token` of every List operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

impl PageRequest {
    fn parse(req: &AwsRequest) -> Result<Self, AwsError> {
        let max_results = req.query_int("max_results", "MaxResults")?;
        if let Some(n) = max_results {
            v::range("MaxResults", n, 1, 50)?;
        }
        let next_token = req.query("next_token").map(str::to_owned);
        v::opt_length("NextToken", next_token.as_deref(), 1, 2048)?;
        Ok(Self {
            max_results,
            next_token,
        })
    }
}

// ---- Applications ----

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateApplication {
    pub name: String,
    pub description: Option<String>,
    pub tags: Option<HashMap<String, String>>,
}

impl Input for CreateApplication {
    fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        let input: Self = req.json_body()?;
        name("Name", &input.name)?;
        description(input.description.as_deref())?;
        tags(&input.tags)?;
        Ok(input)
    }
}

#[derive(Debug)]
pub struct ApplicationRef {
    pub application_id: String,
}

impl Input for ApplicationRef {
    fn parse(_: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        Ok(Self {
            application_id: id_label(labels, "ApplicationId")?,
        })
    }
}

#[derive(Debug)]
pub struct ListApplications {
    pub page: PageRequest,
}

impl Input for ListApplications {
    fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        Ok(Self {
            page: PageRequest::parse(req)?,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateApplicationBody {
    name: Option<String>,
    description: Option<String>,
}

#[derive(Debug)]
pub struct UpdateApplication {
    pub application_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
}

impl Input for UpdateApplication {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let application_id = id_label(labels, "ApplicationId")?;
        let body: UpdateApplicationBody = req.json_body()?;
        v::opt_length("Name", body.name.as_deref(), 1, 64)?;
        description(body.description.as_deref())?;
        Ok(Self {
            application_id,
            name: body.name,
            description: body.description,
        })
    }
}

// ---- Environments ----

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

// ---- Configuration profiles ----

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

// ---- Hosted configuration versions ----

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

// ---- Deployment strategies ----

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateDeploymentStrategy {
    pub name: String,
    pub description: Option<String>,
    pub deployment_duration_in_minutes: i64,
    pub final_bake_time_in_minutes: Option<i64>,
    pub growth_factor: f64,
    pub growth_type: Option<String>,
    pub replicate_to: Option<String>,
    pub tags: Option<HashMap<String, String>>,
}

impl Input for CreateDeploymentStrategy {
    fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        let input: Self = req.json_body()?;
        name("Name", &input.name)?;
        description(input.description.as_deref())?;
        v::range(
            "DeploymentDurationInMinutes",
            input.deployment_duration_in_minutes,
            0,
            1440,
        )?;
        if let Some(bake) = input.final_bake_time_in_minutes {
            v::range("FinalBakeTimeInMinutes", bake, 0, 1440)?;
        }
        v::float_range("GrowthFactor", input.growth_factor, 1.0, 100.0)?;
        if let Some(t) = &input.growth_type {
            v::one_of("GrowthType", t, GROWTH_TYPES)?;
        }
        if let Some(r) = &input.replicate_to {
            v::one_of("ReplicateTo", r, REPLICATE_TO)?;
        }
        tags(&input.tags)?;
        Ok(input)
    }
}

#[derive(Debug)]
pub struct DeploymentStrategyRef {
    pub deployment_strategy_id: String,
}

impl Input for DeploymentStrategyRef {
    fn parse(_: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let id = labels.get("DeploymentStrategyId");
        v::DEPLOYMENT_STRATEGY_ID.check("DeploymentStrategyId", id)?;
        Ok(Self {
            deployment_strategy_id: id.to_owned(),
        })
    }
}

#[derive(Debug)]
pub struct ListDeploymentStrategies {
    pub page: PageRequest,
}

impl Input for ListDeploymentStrategies {
    fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        Ok(Self {
            page: PageRequest::parse(req)?,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateDeploymentStrategyBody {
    description: Option<String>,
    deployment_duration_in_minutes: Option<i64>,
    final_bake_time_in_minutes: Option<i64>,
    growth_factor: Option<f64>,
    growth_type: Option<String>,
}

#[derive(Debug)]
pub struct UpdateDeploymentStrategy {
    pub deployment_strategy_id: String,
    pub description: Option<String>,
    pub deployment_duration_in_minutes: Option<i64>,
    pub final_bake_time_in_minutes: Option<i64>,
    pub growth_factor: Option<f64>,
    pub growth_type: Option<String>,
}

impl Input for UpdateDeploymentStrategy {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = DeploymentStrategyRef::parse(req, labels)?;
        let body: UpdateDeploymentStrategyBody = req.json_body()?;
        description(body.description.as_deref())?;
        if let Some(d) = body.deployment_duration_in_minutes {
            v::range("DeploymentDurationInMinutes", d, 0, 1440)?;
        }
        if let Some(b) = body.final_bake_time_in_minutes {
            v::range("FinalBakeTimeInMinutes", b, 0, 1440)?;
        }
        if let Some(g) = body.growth_factor {
            v::float_range("GrowthFactor", g, 1.0, 100.0)?;
        }
        if let Some(t) = &body.growth_type {
            v::one_of("GrowthType", t, GROWTH_TYPES)?;
        }
        Ok(Self {
            deployment_strategy_id: target.deployment_strategy_id,
            description: body.description,
            deployment_duration_in_minutes: body.deployment_duration_in_minutes,
            final_bake_time_in_minutes: body.final_bake_time_in_minutes,
            growth_factor: body.growth_factor,
            growth_type: body.growth_type,
        })
    }
}

// ---- Tags ----

#[derive(Debug)]
pub struct ResourceRef {
    pub resource_arn: String,
}

impl Input for ResourceRef {
    fn parse(_: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let arn = labels.get("ResourceArn");
        v::length("ResourceArn", arn, 20, 2048)?;
        v::ARN.check("ResourceArn", arn)?;
        Ok(Self {
            resource_arn: arn.to_owned(),
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TagResourceBody {
    tags: HashMap<String, String>,
}

#[derive(Debug)]
pub struct TagResource {
    pub resource_arn: String,
    pub tags: HashMap<String, String>,
}

impl Input for TagResource {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = ResourceRef::parse(req, labels)?;
        let body: TagResourceBody = req.json_body()?;
        v::tags("Tags", &body.tags)?;
        Ok(Self {
            resource_arn: target.resource_arn,
            tags: body.tags,
        })
    }
}

#[derive(Debug)]
pub struct UntagResource {
    pub resource_arn: String,
    pub tag_keys: Vec<String>,
}

impl Input for UntagResource {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = ResourceRef::parse(req, labels)?;
        // An SDK sends no `tagKeys` at all for an empty list, so absent reads as empty.
        let tag_keys: Vec<String> = req.query_all("tagKeys").into_iter().map(str::to_owned).collect();
        v::count("TagKeys", tag_keys.len(), 0, 50)?;
        for key in &tag_keys {
            v::length("TagKeys", key, 1, 128)?;
        }
        Ok(Self {
            resource_arn: target.resource_arn,
            tag_keys,
        })
    }
}

// ---- Account settings ----

#[derive(Debug)]
pub struct GetAccountSettings;

impl Input for GetAccountSettings {
    fn parse(_: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        Ok(Self)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAccountSettings {
    pub deletion_protection: Option<DeletionProtectionSettings>,
}

impl Input for UpdateAccountSettings {
    fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        let input: Self = req.json_body()?;
        if let Some(period) = input
            .deletion_protection
            .as_ref()
            .and_then(|d| d.protection_period_in_minutes)
        {
            v::range("DeletionProtection.ProtectionPeriodInMinutes", period, 15, 1440)?;
        }
        Ok(input)
    }
}
