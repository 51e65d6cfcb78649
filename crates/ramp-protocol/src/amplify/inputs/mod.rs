//! One input struct per Amplify operation, parsed from the request's path labels, query and JSON
//! body with every model constraint checked: anything a client gets wrong stops here as a 400
//! `BadRequestException` naming the member (with the model's camelCase names: `appId`,
//! `customRules[0].source`). Unknown body members are ignored, as AWS does.
//!
//! Read one with [`Input::parse`]; operations that only name a resource share a `…Ref` input
//! (GetApp and DeleteApp take [`AppRef`], GetJob, StopJob and DeleteJob take [`JobRef`]).

use std::collections::HashMap;

use ramp_clock::Timestamp;
use serde::Deserialize;

use super::shapes::{
    AutoBranchCreationConfig, Backend, CacheConfig, CertificateSettings, CustomRule, JobConfig, SubDomainSetting,
};
use super::values::{JobType, Platform, Sensitive, SourceUrlType, Stage, epoch_seconds};
pub use crate::request::Input;
use crate::routing::Labels;
use crate::validate::{self as v, missing, pattern};
use crate::{AwsError, AwsRequest};

pattern!(APP_ID, "d[a-z0-9]+");
pattern!(JOB_ID, "[0-9]+");
pattern!(TTL, r"\d*");
pattern!(RULE_STATUS, ".{3,7}");
pattern!(SOURCE_URL, "^(s3|https|http)://.*");
pattern!(RESOURCE_ARN, "^arn:aws:amplify:.*");
pattern!(STACK_ARN, r"^arn:aws:cloudformation:[a-z0-9-]+:\d{12}:stack/.+/.+$");
pattern!(AUTO_SUB_DOMAIN_IAM_ROLE, r"^$|^arn:aws:iam::\d{12}:role.+");
pattern!(CERTIFICATE_ARN, r"^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/.+$");
// The model's label rule `(?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9]` without look-ahead: 1–63
// characters, no leading or trailing hyphen; the last label 2–63.
pattern!(
    DOMAIN_NAME,
    r"^(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])(\.)?$",
    r"([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]\.?"
);
// `+-=` is a range (0x2B–0x3D) in the model's class, and stays one here (spec amplify.md §2
// "Notes"); the `(?!aws:)` part is `validate::tag_key`'s.
pattern!(TAG_KEY, "^(?!aws:)[a-zA-Z+-=._:/]+$", "[a-zA-Z+-=._:/]+");
pattern!(TAG_VALUE, r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$");

/// `appId`: 1–20 characters, `d[a-z0-9]+`.
fn app_id(member: &str, value: &str) -> Result<(), AwsError> {
    v::length(member, value, 1, 20)?;
    APP_ID.check(member, value)
}

fn app_id_label(labels: &Labels) -> Result<String, AwsError> {
    let value = labels.get("appId");
    app_id("appId", value)?;
    Ok(value.to_owned())
}

/// `branchName`: 1–255 characters of anything (`feature/x` arrives decoded from `feature%2Fx`).
fn branch_name(member: &str, value: &str) -> Result<(), AwsError> {
    v::length(member, value, 1, 255)
}

fn branch_name_label(labels: &Labels) -> Result<String, AwsError> {
    let value = labels.get("branchName");
    branch_name("branchName", value)?;
    Ok(value.to_owned())
}

/// `jobId`: decimal digits, at most 255.
fn job_id(member: &str, value: &str) -> Result<(), AwsError> {
    v::length(member, value, 0, 255)?;
    JOB_ID.check(member, value)
}

fn domain_name(member: &str, value: &str) -> Result<(), AwsError> {
    v::length(member, value, 0, 64)?;
    DOMAIN_NAME.check(member, value)
}

fn description(value: Option<&str>) -> Result<(), AwsError> {
    v::opt_length("description", value, 0, 1000)
}

fn sensitive(member: &str, value: Option<&Sensitive>, min: usize, max: usize) -> Result<(), AwsError> {
    v::opt_length(member, value.map(Sensitive::expose), min, max)
}

fn environment_variables(member: &str, value: Option<&HashMap<String, String>>) -> Result<(), AwsError> {
    for (key, value) in value.into_iter().flatten() {
        v::length(&format!("{member}.key"), key, 0, 255)?;
        v::length(&format!("{member}.{key}"), value, 0, 5500)?;
    }
    Ok(())
}

/// `TagMap`: `validate::tags`' limits and the model's key and value patterns.
fn tag_map(tags: &HashMap<String, String>) -> Result<(), AwsError> {
    v::tags("tags", tags)?;
    for (key, value) in tags {
        TAG_KEY.check("tags.key", key)?;
        TAG_VALUE.check(&format!("tags.{key}"), value)?;
    }
    Ok(())
}

fn tags(value: Option<&HashMap<String, String>>) -> Result<(), AwsError> {
    value.map_or(Ok(()), tag_map)
}

fn custom_rules(rules: Option<&[CustomRule]>) -> Result<(), AwsError> {
    for (i, rule) in rules.into_iter().flatten().enumerate() {
        v::length(&format!("customRules[{i}].source"), &rule.source, 1, 2048)?;
        v::length(&format!("customRules[{i}].target"), &rule.target, 1, 2048)?;
        if let Some(status) = &rule.status {
            let member = format!("customRules[{i}].status");
            v::length(&member, status, 3, 7)?;
            RULE_STATUS.check(&member, status)?;
        }
        v::opt_length(
            &format!("customRules[{i}].condition"),
            rule.condition.as_deref(),
            0,
            2048,
        )?;
    }
    Ok(())
}

/// `AutoBranchCreationPatterns` / `AutoSubDomainCreationPatterns`: each 1–2048 characters.
fn creation_patterns(member: &str, patterns: Option<&[String]>) -> Result<(), AwsError> {
    for (i, pattern) in patterns.into_iter().flatten().enumerate() {
        v::length(&format!("{member}[{i}]"), pattern, 1, 2048)?;
    }
    Ok(())
}

fn auto_branch_creation_config(config: Option<&AutoBranchCreationConfig>) -> Result<(), AwsError> {
    let Some(config) = config else { return Ok(()) };
    const M: &str = "autoBranchCreationConfig";
    v::opt_length(&format!("{M}.framework"), config.framework.as_deref(), 0, 255)?;
    environment_variables(
        &format!("{M}.environmentVariables"),
        config.environment_variables.as_ref(),
    )?;
    sensitive(
        &format!("{M}.basicAuthCredentials"),
        config.basic_auth_credentials.as_ref(),
        0,
        2000,
    )?;
    sensitive(&format!("{M}.buildSpec"), config.build_spec.as_ref(), 1, 25000)?;
    v::opt_length(
        &format!("{M}.pullRequestEnvironmentName"),
        config.pull_request_environment_name.as_deref(),
        0,
        20,
    )
}

fn backend(value: Option<&Backend>) -> Result<(), AwsError> {
    if let Some(arn) = value.and_then(|b| b.stack_arn.as_deref()) {
        v::length("backend.stackArn", arn, 20, 2048)?;
        STACK_ARN.check("backend.stackArn", arn)?;
    }
    Ok(())
}

/// `nextToken` / `maxResults` of every List operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// `0..=max`; absent and `0` are the caller's to interpret (spec amplify.md §1.1 "Page sizes").
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

impl PageRequest {
    /// With `max` the operation's largest page: 100 for ListApps, 50 elsewhere.
    fn parse(req: &AwsRequest, max: i64) -> Result<Self, AwsError> {
        let max_results = req.query_int("maxResults", "maxResults")?;
        if let Some(n) = max_results {
            v::range("maxResults", n, 0, max)?;
        }
        let next_token = req.query("nextToken").map(str::to_owned);
        v::opt_length("nextToken", next_token.as_deref(), 0, 2000)?;
        Ok(Self {
            max_results,
            next_token,
        })
    }
}

mod apps;
mod artifacts;
mod backend_environments;
mod branches;
mod domains;
mod jobs;
mod tags;
mod webhooks;

pub use apps::*;
pub use artifacts::*;
pub use backend_environments::*;
pub use branches::*;
pub use domains::*;
pub use jobs::*;
pub use tags::*;
pub use webhooks::*;

#[cfg(test)]
mod tests;
