//! CreateExtensionAssociation, GetExtensionAssociation, ListExtensionAssociations,
//! UpdateExtensionAssociation and DeleteExtensionAssociation (spec/appconfig.md §8.4).

use super::AppConfig;
use super::extensions::extension_not_found;
use crate::arn::{Resource, Scope};
use crate::entities::Tags;
use crate::error::{Error, Result};
use crate::extensions::{AssociationFilter, Extension, ExtensionAssociation, ParameterValues, Target, aws_authored};
use crate::ids;
use crate::store::{self, Conflict, ExtensionRef};

/// Associations per region (AppConfig's quota, spec/appconfig.md §2.4).
const MAX_ASSOCIATIONS: u64 = 1000;

pub struct NewExtensionAssociation {
    pub extension_identifier: String,
    pub extension_version_number: Option<i64>,
    pub resource_identifier: String,
    pub parameters: ParameterValues,
    pub tags: Tags,
}

impl AppConfig {
    pub fn extension_association_arn(&self, scope: &Scope, id: &str) -> String {
        scope.resource_arn(&Resource::ExtensionAssociation {
            association_id: id.to_owned(),
        })
    }

    pub async fn create_extension_association(
        &self,
        scope: &Scope,
        new: NewExtensionAssociation,
    ) -> Result<ExtensionAssociation> {
        self.associable_resource(scope, &new.resource_identifier).await?;
        let extension = self
            .extension(scope, &new.extension_identifier, new.extension_version_number)
            .await?;
        let authored = aws_authored::find(&scope.region, &extension.id).is_some();
        if extension.id == aws_authored::JIRA {
            return Err(Error::BadRequest(format!(
                "ramp cannot run {}: it needs Atlassian's Jira service.",
                aws_authored::JIRA
            )));
        }
        check_values(&extension, &new.parameters)?;
        let association = ExtensionAssociation {
            region: scope.region.clone(),
            id: ids::new_id(),
            extension_id: extension.id.clone(),
            extension_version_number: extension.version_number,
            extension_arn: self.extension_arn(scope, &extension),
            resource_arn: new.resource_identifier,
            parameters: new.parameters,
            created_at: self.now(),
        };
        let arn = self.extension_association_arn(scope, &association.id);
        match self
            .store
            .create_extension_association(&association, &arn, &new.tags, !authored, MAX_ASSOCIATIONS)
            .await
        {
            Ok(()) => Ok(association),
            Err(store::Error::NotFound(_)) => Err(extension_not_found(
                &new.extension_identifier,
                Some(extension.version_number),
            )),
            Err(store::Error::Conflict(Conflict::AlreadyExists(_))) => Err(Error::BadRequest(format!(
                "Extension {} is already associated with {}.",
                extension.name, association.resource_arn
            ))),
            Err(store::Error::QuotaExceeded) => Err(Error::QuotaExceeded(format!(
                "An account can have at most {MAX_ASSOCIATIONS} extension associations per region."
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// An association's target must be an existing application, environment or profile.
    async fn associable_resource(&self, scope: &Scope, arn: &str) -> Result<()> {
        let found = match scope.parse_arn(arn) {
            Some(Resource::Application { application_id }) => self.application(scope, &application_id).await.map(drop),
            Some(Resource::Environment {
                application_id,
                environment_id,
            }) => self
                .environment(scope, &application_id, &environment_id)
                .await
                .map(drop),
            Some(Resource::ConfigurationProfile {
                application_id,
                profile_id,
            }) => self
                .configuration_profile(scope, &application_id, &profile_id)
                .await
                .map(drop),
            _ => {
                return Err(Error::BadRequest(format!(
                    "ResourceIdentifier must be the ARN of an application, environment or configuration profile \
                     of this account and region, not {arn}."
                )));
            }
        };
        found.map_err(|e| match e {
            Error::NotFound { .. } => Error::NotFound {
                resource_name: arn.to_owned(),
                message: format!("Resource {arn} could not be found."),
            },
            other => other,
        })
    }

    pub async fn extension_association(&self, scope: &Scope, id: &str) -> Result<ExtensionAssociation> {
        self.store
            .extension_association(&scope.region, id)
            .await?
            .ok_or_else(|| association_not_found(id))
    }

    pub async fn list_extension_associations(
        &self,
        scope: &Scope,
        resource_arn: Option<String>,
        extension_identifier: Option<&str>,
        extension_version_number: Option<i64>,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<ExtensionAssociation>, Option<String>)> {
        let extension_id = match extension_identifier {
            Some(identifier) => match self.extension(scope, identifier, None).await {
                Ok(extension) => Some(extension.id),
                // A filter naming no extension matches nothing.
                Err(Error::NotFound { .. }) => return Ok((Vec::new(), None)),
                Err(e) => return Err(e),
            },
            None => None,
        };
        let list = format!(
            "ListExtensionAssociations/{}/{}/{}",
            resource_arn.as_deref().unwrap_or_default(),
            extension_id.as_deref().unwrap_or_default(),
            extension_version_number.unwrap_or_default()
        );
        let filter = AssociationFilter {
            resource_arn,
            extension_id,
            extension_version_number,
        };
        self.paged(&list, max_results, next_token, |slice| {
            self.store.extension_associations(&scope.region, &filter, slice)
        })
        .await
    }

    /// Replaces the association's parameters (the only member that may change).
    pub async fn update_extension_association(
        &self,
        scope: &Scope,
        id: &str,
        parameters: Option<ParameterValues>,
    ) -> Result<ExtensionAssociation> {
        let mut association = self.extension_association(scope, id).await?;
        let Some(parameters) = parameters else {
            return Ok(association);
        };
        let extension = self.associated_extension(scope, &association).await?;
        check_values(&extension, &parameters)?;
        association.parameters = parameters;
        self.store
            .update_extension_association(&association)
            .await
            .map_err(|e| match e {
                store::Error::NotFound(_) => association_not_found(id),
                other => other.into(),
            })?;
        Ok(association)
    }

    pub async fn delete_extension_association(&self, scope: &Scope, id: &str) -> Result<()> {
        let arn = self.extension_association_arn(scope, id);
        self.store
            .delete_extension_association(&scope.region, id, &arn)
            .await
            .map_err(|e| match e {
                store::Error::NotFound(_) => association_not_found(id),
                other => other.into(),
            })
    }

    /// Deletes the associations of a deleted application, environment or profile (and, for an
    /// application, of everything under it): they would otherwise keep their extensions from
    /// being deleted while applying to nothing.
    pub(super) async fn forget_associations(&self, scope: &Scope, resource_arn: &str) -> Result<()> {
        self.store
            .delete_associations_under(&scope.region, resource_arn)
            .await?;
        Ok(())
    }

    /// The extension version an association uses.
    pub(crate) async fn associated_extension(
        &self,
        scope: &Scope,
        association: &ExtensionAssociation,
    ) -> Result<Extension> {
        if let Some(authored) = aws_authored::find(&scope.region, &association.extension_id) {
            return Ok(authored);
        }
        self.store
            .extension(
                &scope.region,
                &ExtensionRef::Id(association.extension_id.clone()),
                Some(association.extension_version_number),
            )
            .await?
            .ok_or_else(|| extension_not_found(&association.extension_id, Some(association.extension_version_number)))
    }
}

fn association_not_found(id: &str) -> Error {
    Error::NotFound {
        resource_name: "ExtensionAssociation".to_owned(),
        message: format!("ExtensionAssociation with Id {id} could not be found."),
    }
}

/// An association's values: only parameters the extension declares, every required one given
/// (spec/appconfig.md §8.4), and the queue or topic of an AWS-authored notification extension
/// of the right kind.
fn check_values(extension: &Extension, values: &ParameterValues) -> Result<()> {
    if let Some(name) = values.keys().find(|name| !extension.parameters.contains_key(*name)) {
        return Err(Error::BadRequest(format!(
            "Extension {} has no parameter named {name}.",
            extension.name
        )));
    }
    if let Some((name, _)) = extension
        .parameters
        .iter()
        .find(|(name, p)| p.required && !values.contains_key(*name))
    {
        return Err(Error::BadRequest(format!(
            "Extension {} requires a value for parameter {name}.",
            extension.name
        )));
    }
    let target_kind = |name: &str, wanted: fn(&Target) -> bool, what: &str| -> Result<()> {
        match values.get(name).map(|uri| Target::parse(uri)) {
            Some(Ok(target)) if wanted(&target) => Ok(()),
            Some(_) => Err(Error::BadRequest(format!(
                "Parameter {name} must be the ARN of {what}."
            ))),
            None => Ok(()),
        }
    };
    match extension.id.as_str() {
        aws_authored::TO_SQS => target_kind("queueArn", |t| matches!(t, Target::Sqs { .. }), "an SQS queue"),
        aws_authored::TO_SNS => target_kind("topicArn", |t| matches!(t, Target::Sns { .. }), "an SNS topic"),
        _ => Ok(()),
    }
}
