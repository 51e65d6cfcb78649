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

pub use crate::request::Input;

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

mod applications;
mod configuration_profiles;
mod deployment_strategies;
mod deployments;
mod environments;
mod extensions;
mod hosted_versions;
mod settings;
mod tags;

pub use applications::*;
pub use configuration_profiles::*;
pub use deployment_strategies::*;
pub use deployments::*;
pub use environments::*;
pub use extensions::*;
pub use hosted_versions::*;
pub use settings::*;
pub use tags::*;
