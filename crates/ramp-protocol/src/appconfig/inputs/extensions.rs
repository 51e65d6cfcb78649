//! Inputs of the extension and extension association operations (spec/appconfig.md §8).

use super::*;
use crate::appconfig::shapes::{Action, Parameter};

const ACTION_POINTS: &[&str] = &[
    "PRE_CREATE_HOSTED_CONFIGURATION_VERSION",
    "PRE_START_DEPLOYMENT",
    "AT_DEPLOYMENT_TICK",
    "ON_DEPLOYMENT_START",
    "ON_DEPLOYMENT_STEP",
    "ON_DEPLOYMENT_BAKING",
    "ON_DEPLOYMENT_COMPLETE",
    "ON_DEPLOYMENT_ROLLED_BACK",
];

v::pattern!(EXTENSION_OR_PARAMETER_NAME, r"^[^\/#:\n]{1,64}$");
v::pattern!(DYNAMIC_PARAMETER_KEY, r"^([^#\n]{1,96})#([^\/#\n]{1,64})$");

/// `Identifier`: an extension's name, ID or ARN (1–2048).
fn identifier(member: &str, value: &str) -> Result<(), AwsError> {
    v::length(member, value, 1, 2048)
}

fn actions(map: &HashMap<String, Vec<Action>>) -> Result<(), AwsError> {
    v::count("Actions", map.len(), 1, 5)?;
    for (point, list) in map {
        v::one_of("Actions.key", point, ACTION_POINTS)?;
        let member = format!("Actions.{point}");
        v::count(&member, list.len(), 1, 1)?;
        for (i, action) in list.iter().enumerate() {
            let member = format!("{member}[{i}]");
            if let Some(name) = &action.name {
                v::length(&format!("{member}.Name"), name, 1, 64)?;
            }
            v::opt_length(&format!("{member}.Description"), action.description.as_deref(), 0, 1024)?;
            v::opt_length(&format!("{member}.Uri"), action.uri.as_deref(), 1, 2048)?;
            if let Some(role) = &action.role_arn {
                let member = format!("{member}.RoleArn");
                v::length(&member, role, 20, 2048)?;
                v::ARN.check(&member, role)?;
            }
        }
    }
    Ok(())
}

fn parameters(map: &Option<HashMap<String, Parameter>>) -> Result<(), AwsError> {
    let Some(map) = map else { return Ok(()) };
    v::count("Parameters", map.len(), 1, 10)?;
    for (key, parameter) in map {
        EXTENSION_OR_PARAMETER_NAME.check("Parameters.key", key)?;
        v::opt_length(
            &format!("Parameters.{key}.Description"),
            parameter.description.as_deref(),
            0,
            1024,
        )?;
    }
    Ok(())
}

/// `ParameterValueMap`: names as extension parameters, values 1–2048.
fn parameter_values(map: &Option<HashMap<String, String>>) -> Result<(), AwsError> {
    let Some(map) = map else { return Ok(()) };
    v::count("Parameters", map.len(), 0, 10)?;
    for (key, value) in map {
        EXTENSION_OR_PARAMETER_NAME.check("Parameters.key", key)?;
        v::length(&format!("Parameters.{key}"), value, 1, 2048)?;
    }
    Ok(())
}

/// StartDeployment's `DynamicExtensionParameters` (`DynamicParameterMap`): keys
/// `{extension ARN or ID}#{parameter}`, 1–10 entries, values 1–2048.
pub fn dynamic_parameters(map: &HashMap<String, String>) -> Result<(), AwsError> {
    v::count("DynamicExtensionParameters", map.len(), 1, 10)?;
    for (key, value) in map {
        DYNAMIC_PARAMETER_KEY.check("DynamicExtensionParameters.key", key)?;
        v::length(&format!("DynamicExtensionParameters.{key}"), value, 1, 2048)?;
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateExtensionBody {
    name: String,
    description: Option<String>,
    actions: HashMap<String, Vec<Action>>,
    parameters: Option<HashMap<String, Parameter>>,
    tags: Option<HashMap<String, String>>,
}

#[derive(Debug)]
pub struct CreateExtension {
    pub name: String,
    pub description: Option<String>,
    pub actions: HashMap<String, Vec<Action>>,
    pub parameters: Option<HashMap<String, Parameter>>,
    pub tags: Option<HashMap<String, String>>,
    /// Header `Latest-Version-Number`: the version a new version of `name` follows.
    pub latest_version_number: Option<i64>,
}

impl Input for CreateExtension {
    fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        let body: CreateExtensionBody = req.json_body()?;
        EXTENSION_OR_PARAMETER_NAME.check("Name", &body.name)?;
        description(body.description.as_deref())?;
        actions(&body.actions)?;
        parameters(&body.parameters)?;
        tags(&body.tags)?;
        Ok(Self {
            name: body.name,
            description: body.description,
            actions: body.actions,
            parameters: body.parameters,
            tags: body.tags,
            latest_version_number: req.header_int("latest-version-number", "LatestVersionNumber")?,
        })
    }
}

/// GetExtension: the extension and, with `version_number`, one of its versions.
#[derive(Debug)]
pub struct ExtensionRef {
    pub extension_identifier: String,
    pub version_number: Option<i64>,
}

impl ExtensionRef {
    fn read(req: &AwsRequest, labels: &Labels, query: &str) -> Result<Self, AwsError> {
        let extension_identifier = labels.get("ExtensionIdentifier");
        identifier("ExtensionIdentifier", extension_identifier)?;
        Ok(Self {
            extension_identifier: extension_identifier.to_owned(),
            version_number: req.query_int(query, "VersionNumber")?,
        })
    }
}

impl Input for ExtensionRef {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        Self::read(req, labels, "version_number")
    }
}

/// DeleteExtension names the version with `version`, not `version_number` (the model's own
/// inconsistency, spec/appconfig.md §8.5).
#[derive(Debug)]
pub struct DeleteExtension(pub ExtensionRef);

impl Input for DeleteExtension {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        ExtensionRef::read(req, labels, "version").map(Self)
    }
}

#[derive(Debug)]
pub struct ListExtensions {
    pub page: PageRequest,
    pub name: Option<String>,
}

impl Input for ListExtensions {
    fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        let name = req.query("name").map(str::to_owned);
        v::opt_length("Name", name.as_deref(), 1, 64)?;
        Ok(Self {
            page: PageRequest::parse(req)?,
            name,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateExtensionBody {
    description: Option<String>,
    actions: Option<HashMap<String, Vec<Action>>>,
    parameters: Option<HashMap<String, Parameter>>,
    version_number: Option<i64>,
}

#[derive(Debug)]
pub struct UpdateExtension {
    pub extension_identifier: String,
    pub description: Option<String>,
    pub actions: Option<HashMap<String, Vec<Action>>>,
    pub parameters: Option<HashMap<String, Parameter>>,
    pub version_number: Option<i64>,
}

impl Input for UpdateExtension {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = ExtensionRef::read(req, labels, "version_number")?;
        let body: UpdateExtensionBody = req.json_body()?;
        description(body.description.as_deref())?;
        if let Some(map) = &body.actions {
            actions(map)?;
        }
        parameters(&body.parameters)?;
        Ok(Self {
            extension_identifier: target.extension_identifier,
            description: body.description,
            actions: body.actions,
            parameters: body.parameters,
            version_number: body.version_number,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateExtensionAssociation {
    pub extension_identifier: String,
    pub extension_version_number: Option<i64>,
    pub resource_identifier: String,
    pub parameters: Option<HashMap<String, String>>,
    pub tags: Option<HashMap<String, String>>,
}

impl Input for CreateExtensionAssociation {
    fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        let input: Self = req.json_body()?;
        identifier("ExtensionIdentifier", &input.extension_identifier)?;
        identifier("ResourceIdentifier", &input.resource_identifier)?;
        parameter_values(&input.parameters)?;
        tags(&input.tags)?;
        Ok(input)
    }
}

#[derive(Debug)]
pub struct ExtensionAssociationRef {
    pub extension_association_id: String,
}

impl Input for ExtensionAssociationRef {
    fn parse(_: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        Ok(Self {
            extension_association_id: id_label(labels, "ExtensionAssociationId")?,
        })
    }
}

#[derive(Debug)]
pub struct ListExtensionAssociations {
    pub resource_identifier: Option<String>,
    pub extension_identifier: Option<String>,
    pub extension_version_number: Option<i64>,
    pub page: PageRequest,
}

impl Input for ListExtensionAssociations {
    fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        let resource_identifier = req.query("resource_identifier").map(str::to_owned);
        if let Some(arn) = &resource_identifier {
            v::length("ResourceIdentifier", arn, 20, 2048)?;
            v::ARN.check("ResourceIdentifier", arn)?;
        }
        let extension_identifier = req.query("extension_identifier").map(str::to_owned);
        if let Some(extension) = &extension_identifier {
            identifier("ExtensionIdentifier", extension)?;
        }
        Ok(Self {
            resource_identifier,
            extension_identifier,
            extension_version_number: req.query_int("extension_version_number", "ExtensionVersionNumber")?,
            page: PageRequest::parse(req)?,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateExtensionAssociationBody {
    parameters: Option<HashMap<String, String>>,
}

#[derive(Debug)]
pub struct UpdateExtensionAssociation {
    pub extension_association_id: String,
    pub parameters: Option<HashMap<String, String>>,
}

impl Input for UpdateExtensionAssociation {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = ExtensionAssociationRef::parse(req, labels)?;
        let body: UpdateExtensionAssociationBody = req.json_body()?;
        parameter_values(&body.parameters)?;
        Ok(Self {
            extension_association_id: target.extension_association_id,
            parameters: body.parameters,
        })
    }
}
