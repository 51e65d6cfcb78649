//! Where the AppConfig operations meet extensions: which extensions apply to a request, the
//! synchronous PRE_* actions, and LAMBDA validators (spec/appconfig.md §8.1, §8.3, §8.4).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;

use super::AppConfig;
use crate::arn::{Resource, Scope};
use crate::entities::{ConfigurationProfile, ValidatorType};
use crate::error::{Error, InvalidConfigurationDetail, Result};
use crate::extensions::payload::{Content, Named, Subject};
use crate::extensions::{ActionInvocation, ActionPoint, AppliedExtension, ParameterValues, Target, aws_authored};

/// The resources whose associations apply: the application, the environment (for deployments)
/// and the profile, in that order (an association at application level applies to all its
/// environments and profiles, spec/appconfig.md §8.4).
pub(super) struct Level<'a> {
    pub application_id: &'a str,
    pub environment_id: Option<&'a str>,
    pub profile: &'a ConfigurationProfile,
}

/// The request a PRE_* action is asked about.
pub(super) struct PreRequest<'a> {
    pub level: &'a Level<'a>,
    pub description: Option<String>,
    pub configuration_version: Option<String>,
}

impl AppConfig {
    /// The extensions applied at `level`, each with its association's parameter values merged
    /// with the `dynamic` ones addressed to it (`{extension ID or ARN}#{parameter}`); a dynamic
    /// key naming no applied extension, or a parameter its extension does not declare dynamic,
    /// is refused. Flag profiles get `AWS.AppConfig.FeatureFlags` applied automatically.
    pub(super) async fn applied_extensions(
        &self,
        scope: &Scope,
        level: &Level<'_>,
        dynamic: &ParameterValues,
    ) -> Result<Vec<AppliedExtension>> {
        let mut resources = vec![scope.resource_arn(&Resource::Application {
            application_id: level.application_id.to_owned(),
        })];
        if let Some(environment_id) = level.environment_id {
            resources.push(scope.resource_arn(&Resource::Environment {
                application_id: level.application_id.to_owned(),
                environment_id: environment_id.to_owned(),
            }));
        }
        resources.push(scope.resource_arn(&Resource::ConfigurationProfile {
            application_id: level.application_id.to_owned(),
            profile_id: level.profile.id.clone(),
        }));
        let mut associations = self.store.associations_of(&scope.region, &resources).await?;
        associations.sort_by_key(|a| resources.iter().position(|r| *r == a.resource_arn));

        let mut applied = Vec::new();
        let mut used = vec![false; dynamic.len()];
        if level.profile.is_feature_flags() {
            applied.push(AppliedExtension {
                extension_id: aws_authored::FEATURE_FLAGS.to_owned(),
                extension_association_id: String::new(),
                version_number: 1,
                parameters: ParameterValues::new(),
                extension_arn: aws_authored::arn(&scope.region, aws_authored::FEATURE_FLAGS, 1),
                association_arn: String::new(),
                actions: Default::default(),
            });
        }
        for association in associations {
            let extension = self.associated_extension(scope, &association).await?;
            let mut parameters = association.parameters.clone();
            for (i, (key, value)) in dynamic.iter().enumerate() {
                let Some((reference, name)) = key.split_once('#') else {
                    continue;
                };
                if reference != extension.id && reference != association.extension_arn {
                    continue;
                }
                match extension.parameters.get(name) {
                    Some(parameter) if parameter.dynamic => {
                        parameters.insert(name.to_owned(), value.clone());
                        used[i] = true;
                    }
                    _ => {
                        return Err(Error::BadRequest(format!(
                            "DynamicExtensionParameters: extension {} has no dynamic parameter named {name}.",
                            extension.name
                        )));
                    }
                }
            }
            let mut actions = extension.actions.clone();
            if aws_authored::find(&scope.region, &extension.id).is_some() {
                // AWS's own actions: the notification extensions send where their association
                // says; the flags helper is ramp's own code and invokes nothing.
                let uri = aws_authored::notification_uri(&extension.id, &scope.region, &scope.account_id, &parameters);
                match uri {
                    Some(uri) => actions.values_mut().flatten().for_each(|a| a.uri = Some(uri.clone())),
                    None => actions.clear(),
                }
            }
            applied.push(AppliedExtension {
                extension_id: extension.id.clone(),
                extension_association_id: association.id.clone(),
                version_number: extension.version_number,
                parameters,
                extension_arn: association.extension_arn.clone(),
                association_arn: self.extension_association_arn(scope, &association.id),
                actions,
            });
        }
        if let Some((key, _)) = dynamic.iter().zip(&used).find(|(_, used)| !**used).map(|(kv, _)| kv) {
            return Err(Error::BadRequest(format!(
                "DynamicExtensionParameters: {key} names no extension associated with this deployment."
            )));
        }
        Ok(applied)
    }

    /// The payload's view of an application, environment and profile.
    async fn subject(&self, scope: &Scope, level: &Level<'_>, description: Option<String>) -> Result<Subject> {
        let application = self.application(scope, level.application_id).await?;
        let environment = match level.environment_id {
            Some(id) => Some(self.environment(scope, level.application_id, id).await?),
            None => None,
        };
        Ok(Subject {
            application: Named {
                id: application.id,
                name: application.name,
            },
            environment: environment.map(|e| Named { id: e.id, name: e.name }),
            configuration_profile: Named {
                id: level.profile.id.clone(),
                name: level.profile.name.clone(),
            },
            configuration_profile_type: level.profile.profile_type.clone(),
            deployment_number: None,
            configuration_version: None,
            description,
            deployment_state: None,
            percentage_complete: None,
        })
    }

    /// Runs the PRE_* actions at `point` on `content`: the content they leave and the
    /// invocations made, or the refusal. The payload's names are read only when an action runs.
    pub(super) async fn run_pre_actions(
        &self,
        scope: &Scope,
        point: ActionPoint,
        applied: &[AppliedExtension],
        request: &PreRequest<'_>,
        content: Content,
    ) -> Result<(Content, Vec<ActionInvocation>)> {
        if !applied.iter().any(|a| a.actions.contains_key(&point)) {
            return Ok((content, Vec::new()));
        }
        let mut subject = self.subject(scope, request.level, request.description.clone()).await?;
        subject.configuration_version = request.configuration_version.clone();
        self.actions.run_synchronous(point, applied, &subject, content).await
    }

    /// Runs the profile's validators on `content` (spec/appconfig.md §11.2): JSON schemas here,
    /// LAMBDA validators through the action invoker's Lambda client.
    pub(super) async fn run_validators(
        &self,
        scope: &Scope,
        profile: &ConfigurationProfile,
        version: &str,
        content: &Bytes,
    ) -> Result<()> {
        for validator in &profile.validators {
            match validator.validator_type {
                ValidatorType::JsonSchema => {
                    crate::json_schema::validate(&validator.content, content).map_err(|details| {
                        Error::InvalidConfiguration {
                            message: "The configuration failed validation against the profile's JSON schema."
                                .to_owned(),
                            details,
                        }
                    })?;
                }
                ValidatorType::Lambda => {
                    let target = Target::lambda_validator(&validator.content, &scope.region, &scope.account_id);
                    let event = serde_json::json!({
                        "ApplicationId": profile.application_id,
                        "ConfigurationProfileId": profile.id,
                        "ConfigurationVersion": version,
                        "Content": STANDARD.encode(content),
                        "Uri": validator.content,
                    });
                    self.actions.validate_with_lambda(&target, &event).await.map_err(|e| {
                        Error::InvalidConfiguration {
                            message: format!(
                                "The configuration failed validation by the Lambda function {}: {}: {}",
                                validator.content, e.code, e.message
                            ),
                            details: vec![InvalidConfigurationDetail {
                                constraint: String::new(),
                                location: validator.content.clone(),
                                reason: e.code,
                                detail_type: "Lambda".to_owned(),
                                value: e.message,
                            }],
                        }
                    })?;
                }
            }
        }
        Ok(())
    }
}
