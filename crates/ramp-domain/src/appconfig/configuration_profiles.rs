use std::sync::LazyLock;

use regex::Regex;

use super::AppConfig;
use super::deletion_protection::DeletionProtectionCheck;
use super::environments::child_error;
use crate::arn::{Resource, Scope};
use crate::entities::{ConfigurationProfile, FEATURE_FLAGS_TYPE, HOSTED_LOCATION, Tags, Validator, ValidatorType};
use crate::error::{Error, Result};
use crate::store::{self, ResourceKind};
use crate::{ids, json_schema};

pub struct NewConfigurationProfile {
    pub name: String,
    pub description: Option<String>,
    pub location_uri: String,
    pub retrieval_role_arn: Option<String>,
    pub validators: Vec<Validator>,
    pub profile_type: Option<String>,
    pub kms_key_identifier: Option<String>,
    pub tags: Tags,
}

#[derive(Default)]
pub struct ProfileUpdate {
    pub name: Option<String>,
    pub description: Option<String>,
    pub retrieval_role_arn: Option<String>,
    /// `Some(vec![])` removes every validator; `None` leaves them.
    pub validators: Option<Vec<Validator>>,
    /// `Some("")` clears the key.
    pub kms_key_identifier: Option<String>,
}

const FREEFORM_TYPE: &str = "AWS.Freeform";

/// The configuration sources AppConfig accepts in `LocationUri` (spec/appconfig.md §11.1),
/// and whether each needs a `RetrievalRoleArn`.
static LOCATION_FORMS: LazyLock<Vec<(Regex, &'static str, bool)>> = LazyLock::new(|| {
    let form = |re: &str| Regex::new(re).expect("location pattern compiles");
    vec![
        (form(r"^hosted$"), "hosted", false),
        (form(r"^ssm-parameter://[^\s]+$"), "ssm-parameter://<name>", true),
        (
            form(r"^arn:aws[a-zA-Z-]*:ssm:[a-z0-9-]+:\d{12}:parameter/.+$"),
            "an SSM parameter ARN",
            true,
        ),
        (form(r"^ssm-document://[^\s]+$"), "ssm-document://<name>", true),
        (
            form(r"^arn:aws[a-zA-Z-]*:ssm:[a-z0-9-]+:\d{12}:document/.+$"),
            "an SSM document ARN",
            true,
        ),
        (
            form(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$"),
            "s3://<bucket>/<objectKey>",
            true,
        ),
        (
            form(r"^secretsmanager://[^\s]+$"),
            "secretsmanager://<secret name>",
            true,
        ),
        (
            form(r"^codepipeline://[^\s]+$"),
            "codepipeline://<pipeline name>",
            false,
        ),
    ]
});

static LAMBDA_ARN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$")
        .expect("lambda ARN pattern compiles")
});

fn check_location(location_uri: &str, retrieval_role_arn: Option<&str>) -> Result<()> {
    let Some((_, _, needs_role)) = LOCATION_FORMS.iter().find(|(re, _, _)| re.is_match(location_uri)) else {
        let forms: Vec<&str> = LOCATION_FORMS.iter().map(|(_, name, _)| *name).collect();
        return Err(Error::BadRequest(format!(
            "LocationUri '{location_uri}' is not a supported configuration source; use one of: {}",
            forms.join(", ")
        )));
    };
    if *needs_role && retrieval_role_arn.is_none() {
        return Err(Error::BadRequest(format!(
            "RetrievalRoleArn is required for configurations stored at {location_uri}"
        )));
    }
    Ok(())
}

fn check_validators(validators: &[Validator]) -> Result<()> {
    for (i, validator) in validators.iter().enumerate() {
        match validator.validator_type {
            ValidatorType::JsonSchema => json_schema::check_schema(&validator.content)
                .map_err(|e| Error::BadRequest(format!("Validators[{i}].Content: {e}")))?,
            ValidatorType::Lambda if !LAMBDA_ARN.is_match(&validator.content) => {
                return Err(Error::BadRequest(format!(
                    "Validators[{i}].Content must be a Lambda function ARN for a LAMBDA validator"
                )));
            }
            ValidatorType::Lambda => {}
        }
    }
    Ok(())
}

impl AppConfig {
    pub async fn create_configuration_profile(
        &self,
        scope: &Scope,
        application_id: &str,
        new: NewConfigurationProfile,
    ) -> Result<ConfigurationProfile> {
        check_location(&new.location_uri, new.retrieval_role_arn.as_deref())?;
        match new.profile_type.as_deref() {
            None | Some(FREEFORM_TYPE) => {}
            Some(FEATURE_FLAGS_TYPE) if new.location_uri == HOSTED_LOCATION => {}
            Some(FEATURE_FLAGS_TYPE) => {
                return Err(Error::BadRequest(
                    "Feature flag configuration profiles must use the hosted configuration store (LocationUri 'hosted')"
                        .to_owned(),
                ));
            }
            Some(other) => {
                return Err(Error::BadRequest(format!(
                    "Type '{other}' is not supported; use {FREEFORM_TYPE} or {FEATURE_FLAGS_TYPE}"
                )));
            }
        }
        check_validators(&new.validators)?;
        self.application(scope, application_id).await?;
        let profile = ConfigurationProfile {
            application_id: application_id.to_owned(),
            id: ids::new_id(),
            name: new.name,
            description: new.description,
            location_uri: new.location_uri,
            retrieval_role_arn: new.retrieval_role_arn,
            validators: new.validators,
            profile_type: new.profile_type,
            kms_key_identifier: new.kms_key_identifier,
            created_at: self.now(),
            last_accessed_at: None,
        };
        let arn = profile_arn(scope, application_id, &profile.id);
        let max = self.quotas.configuration_profiles_per_application;
        match self
            .store
            .create_configuration_profile(&profile, &arn, &new.tags, max)
            .await
        {
            Ok(()) => Ok(profile),
            Err(store::Error::QuotaExceeded) => Err(Error::QuotaExceeded(format!(
                "You have reached the maximum number of configuration profiles ({max}) for application {application_id}."
            ))),
            Err(e) => Err(child_error(e, application_id, &profile.id)),
        }
    }

    pub async fn configuration_profile(
        &self,
        scope: &Scope,
        application_id: &str,
        id: &str,
    ) -> Result<ConfigurationProfile> {
        self.application(scope, application_id).await?;
        self.store
            .configuration_profile(application_id, id)
            .await?
            .ok_or_else(|| Error::not_found(ResourceKind::ConfigurationProfile, id))
    }

    pub async fn list_configuration_profiles(
        &self,
        scope: &Scope,
        application_id: &str,
        profile_type: Option<&str>,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<ConfigurationProfile>, Option<String>)> {
        self.application(scope, application_id).await?;
        let list = format!(
            "ListConfigurationProfiles/{application_id}/{}",
            profile_type.unwrap_or("*")
        );
        self.paged(&list, max_results, next_token, |slice| {
            self.store.configuration_profiles(application_id, profile_type, slice)
        })
        .await
    }

    pub async fn update_configuration_profile(
        &self,
        scope: &Scope,
        application_id: &str,
        id: &str,
        update: ProfileUpdate,
    ) -> Result<ConfigurationProfile> {
        if let Some(validators) = &update.validators {
            check_validators(validators)?;
        }
        let mut profile = self.configuration_profile(scope, application_id, id).await?;
        if let Some(name) = update.name {
            profile.name = name;
        }
        if update.description.is_some() {
            profile.description = update.description;
        }
        if update.retrieval_role_arn.is_some() {
            profile.retrieval_role_arn = update.retrieval_role_arn;
        }
        if let Some(validators) = update.validators {
            profile.validators = validators;
        }
        if let Some(key) = update.kms_key_identifier {
            profile.kms_key_identifier = Some(key).filter(|k| !k.is_empty());
        }
        self.store
            .update_configuration_profile(&profile)
            .await
            .map_err(|e| child_error(e, application_id, id))?;
        Ok(profile)
    }

    pub async fn delete_configuration_profile(
        &self,
        scope: &Scope,
        application_id: &str,
        id: &str,
        check: DeletionProtectionCheck,
    ) -> Result<()> {
        let profile = self.configuration_profile(scope, application_id, id).await?;
        let protection = self.deletion_protection(scope, check, profile.created_at).await?;
        let arn = profile_arn(scope, application_id, id);
        match self
            .store
            .delete_configuration_profile(application_id, id, &arn, protection.cutoff)
            .await
        {
            Ok(()) => self.forget_associations(scope, &arn).await,
            Err(store::Error::DeletionProtected) => Err(protection.refused("configuration profile", id)),
            // AWS's own words (spec/appconfig.md §11.2 "Delete").
            Err(store::Error::HasChildren(_)) => Err(Error::BadRequest(format!(
                "Cannot delete configuration profile {id} because there are still hosted configuration versions existing under it."
            ))),
            other => other.map_err(|e| child_error(e, application_id, id)),
        }
    }

    /// The KMS key ARN AppConfig reports for a key identifier (an ARN, a key ID or an alias).
    pub fn kms_key_arn(&self, scope: &Scope, identifier: &str) -> String {
        if identifier.starts_with("arn:") {
            return identifier.to_owned();
        }
        let resource = if identifier.starts_with("alias/") {
            identifier.to_owned()
        } else {
            format!("key/{identifier}")
        };
        format!("arn:aws:kms:{}:{}:{resource}", scope.region, scope.account_id)
    }
}

pub(super) fn profile_arn(scope: &Scope, application_id: &str, profile_id: &str) -> String {
    scope.resource_arn(&Resource::ConfigurationProfile {
        application_id: application_id.to_owned(),
        profile_id: profile_id.to_owned(),
    })
}
