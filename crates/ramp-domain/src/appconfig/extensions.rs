//! CreateExtension, GetExtension, ListExtensions, UpdateExtension and DeleteExtension
//! (spec/appconfig.md §8.5, §8.6). AWS-authored extensions are ramp's constants, listed before
//! the account's own and never stored.

use super::AppConfig;
use crate::arn::{Resource, Scope};
use crate::entities::Tags;
use crate::error::{Error, Result};
use crate::extensions::{Actions, Extension, Parameters, Target, aws_authored};
use crate::ids;
use crate::store::{self, Conflict, ExtensionRef, Listed};

/// Extensions per region (AppConfig's quota, spec/appconfig.md §2.4).
const MAX_EXTENSIONS: u64 = 100;

pub struct NewExtension {
    pub name: String,
    pub description: Option<String>,
    pub actions: Actions,
    pub parameters: Parameters,
    pub tags: Tags,
    pub latest_version_number: Option<i64>,
}

#[derive(Default)]
pub struct ExtensionUpdate {
    pub description: Option<String>,
    pub actions: Option<Actions>,
    pub parameters: Option<Parameters>,
    pub version_number: Option<i64>,
}

/// What a request's `ExtensionIdentifier` names: an ID, a name or an ARN (which may carry the
/// version).
pub(super) struct Named {
    pub reference: ExtensionRef,
    pub version: Option<i64>,
}

impl AppConfig {
    pub fn extension_arn(&self, scope: &Scope, extension: &Extension) -> String {
        if aws_authored::find(&extension.region, &extension.id).is_some() {
            return aws_authored::arn(&scope.region, &extension.id, extension.version_number);
        }
        scope.resource_arn(&Resource::Extension {
            extension_id: extension.id.clone(),
            version_number: extension.version_number,
        })
    }

    pub async fn create_extension(&self, scope: &Scope, new: NewExtension) -> Result<Extension> {
        if aws_authored::find(&scope.region, &new.name).is_some() || new.name.starts_with("AWS.") {
            return Err(Error::BadRequest(format!(
                "The name {} is reserved for extensions authored by AWS.",
                new.name
            )));
        }
        check_actions(&new.actions)?;
        check_parameters(&new.parameters)?;
        let extension = Extension {
            region: scope.region.clone(),
            id: ids::new_id(),
            name: new.name,
            version_number: 0,
            description: new.description,
            actions: new.actions,
            parameters: new.parameters,
            created_at: self.now(),
        };
        let arn_base = format!("{}extension/", scope.resource_arn_prefix());
        let stored = self
            .store
            .create_extension(
                &extension,
                &arn_base,
                &new.tags,
                new.latest_version_number,
                MAX_EXTENSIONS,
            )
            .await;
        match stored {
            Ok(extension) => Ok(extension),
            Err(store::Error::QuotaExceeded) => Err(Error::QuotaExceeded(format!(
                "An account can have at most {MAX_EXTENSIONS} extensions per region."
            ))),
            Err(store::Error::Conflict(Conflict::AlreadyExists(_))) => Err(Error::Conflict(format!(
                "An extension named {} exists already. To create a new version of it, send its latest version \
                 number in the Latest-Version-Number header.",
                extension.name
            ))),
            Err(store::Error::Conflict(Conflict::LatestVersion { expected, actual: 0 })) => {
                Err(Error::Conflict(format!(
                    "Latest-Version-Number is {expected}, but no extension named {} exists.",
                    extension.name
                )))
            }
            Err(store::Error::Conflict(Conflict::LatestVersion { expected, actual })) => Err(Error::Conflict(format!(
                "Latest-Version-Number is {expected}, but the latest version of extension {} is {actual}.",
                extension.name
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// An extension by ID, name or ARN, AWS-authored or the account's: the version asked for,
    /// else the latest.
    pub async fn extension(&self, scope: &Scope, identifier: &str, version: Option<i64>) -> Result<Extension> {
        let named = self.named(scope, identifier)?;
        let version = version.or(named.version);
        let wanted = match &named.reference {
            ExtensionRef::Id(id) | ExtensionRef::Name(id) => aws_authored::find(&scope.region, id),
        };
        if let Some(extension) = wanted {
            return match version {
                None | Some(1) => Ok(extension),
                Some(v) => Err(extension_not_found(identifier, Some(v))),
            };
        }
        self.stored_extension_named(scope, &named.reference, version)
            .await?
            .ok_or_else(|| extension_not_found(identifier, version))
    }

    /// One of the account's extensions (by ID), for the operations AWS-authored ones refuse.
    pub(super) async fn stored_extension(&self, scope: &Scope, id: &str, version: Option<i64>) -> Result<Extension> {
        self.stored_extension_named(scope, &ExtensionRef::Id(id.to_owned()), version)
            .await?
            .ok_or_else(|| extension_not_found(id, version))
    }

    /// An ID that is no extension's may still be a name (names may look like IDs).
    async fn stored_extension_named(
        &self,
        scope: &Scope,
        reference: &ExtensionRef,
        version: Option<i64>,
    ) -> Result<Option<Extension>> {
        if let Some(found) = self.store.extension(&scope.region, reference, version).await? {
            return Ok(Some(found));
        }
        match reference {
            ExtensionRef::Id(text) => Ok(self
                .store
                .extension(&scope.region, &ExtensionRef::Name(text.clone()), version)
                .await?),
            ExtensionRef::Name(_) => Ok(None),
        }
    }

    /// Reads an `ExtensionIdentifier`: an ARN of this scope (or an AWS-authored one), else an
    /// ID or name.
    pub(super) fn named(&self, scope: &Scope, identifier: &str) -> Result<Named> {
        if let Some((id, version)) = aws_authored::id_of_arn(identifier) {
            return Ok(Named {
                reference: ExtensionRef::Id(id),
                version,
            });
        }
        if identifier.starts_with("arn:") {
            return match scope.parse_arn(identifier) {
                Some(Resource::Extension {
                    extension_id,
                    version_number,
                }) => Ok(Named {
                    reference: ExtensionRef::Id(extension_id),
                    version: Some(version_number),
                }),
                _ => Err(extension_not_found(identifier, None)),
            };
        }
        Ok(Named {
            reference: ExtensionRef::Id(identifier.to_owned()),
            version: None,
        })
    }

    /// The AWS-authored extensions first (on the first page), then the latest version of each
    /// of the account's, in creation order.
    pub async fn list_extensions(
        &self,
        scope: &Scope,
        name: Option<&str>,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<Extension>, Option<String>)> {
        let list = format!("ListExtensions/{}", name.unwrap_or_default());
        let authored: Vec<Extension> = aws_authored::aws_authored(&scope.region)
            .into_iter()
            .filter(|e| name.is_none_or(|n| e.name == n))
            .collect();
        // AWS-authored ones take cursors below every stored row's (which are positive).
        let first = i64::try_from(authored.len()).unwrap_or(0);
        self.paged(&list, max_results, next_token, |slice| async move {
            let mut items: Vec<Listed<Extension>> = authored
                .into_iter()
                .zip(-first..)
                .map(|(item, cursor)| Listed { cursor, item })
                .filter(|l| slice.after.is_none_or(|after| l.cursor > after))
                .collect();
            let stored = store::Slice {
                after: slice.after.filter(|after| *after >= 0),
                limit: slice.limit.saturating_sub(items.len()),
            };
            if stored.limit > 0 {
                items.extend(self.store.extensions(&scope.region, name, stored).await?);
            }
            Ok(items)
        })
        .await
    }

    pub async fn update_extension(
        &self,
        scope: &Scope,
        identifier: &str,
        update: ExtensionUpdate,
    ) -> Result<Extension> {
        let named = self.named(scope, identifier)?;
        if let ExtensionRef::Id(id) = &named.reference
            && aws_authored::find(&scope.region, id).is_some()
        {
            return Err(Error::BadRequest(format!(
                "{id} is authored by AWS and cannot be updated."
            )));
        }
        let version = update.version_number.or(named.version);
        let mut extension = self
            .stored_extension_named(scope, &named.reference, version)
            .await?
            .ok_or_else(|| extension_not_found(identifier, version))?;
        if let Some(actions) = update.actions {
            check_actions(&actions)?;
            extension.actions = actions;
        }
        if let Some(parameters) = update.parameters {
            check_parameters(&parameters)?;
            extension.parameters = parameters;
        }
        if update.description.is_some() {
            extension.description = update.description;
        }
        self.store.update_extension(&extension).await.map_err(|e| match e {
            store::Error::NotFound(_) => extension_not_found(identifier, version),
            other => other.into(),
        })?;
        Ok(extension)
    }

    /// Deletes one version (the latest when none is named); refused while an association uses it.
    pub async fn delete_extension(&self, scope: &Scope, identifier: &str, version: Option<i64>) -> Result<()> {
        let named = self.named(scope, identifier)?;
        if let ExtensionRef::Id(id) = &named.reference
            && aws_authored::find(&scope.region, id).is_some()
        {
            return Err(Error::BadRequest(format!(
                "{id} is authored by AWS and cannot be deleted."
            )));
        }
        let version = version.or(named.version);
        let extension = self
            .stored_extension_named(scope, &named.reference, version)
            .await?
            .ok_or_else(|| extension_not_found(identifier, version))?;
        let arn = self.extension_arn(scope, &extension);
        match self
            .store
            .delete_extension(&scope.region, &extension.id, extension.version_number, &arn)
            .await
        {
            Ok(()) => Ok(()),
            Err(store::Error::HasChildren(_)) => Err(Error::BadRequest(format!(
                "Version {} of extension {} is used by extension associations; delete them first.",
                extension.version_number, extension.name
            ))),
            Err(store::Error::NotFound(_)) => Err(extension_not_found(identifier, version)),
            Err(e) => Err(e.into()),
        }
    }
}

pub(super) fn extension_not_found(identifier: &str, version: Option<i64>) -> Error {
    let message = match version {
        Some(v) => format!("Extension {identifier} version {v} could not be found."),
        None => format!("Extension {identifier} could not be found."),
    };
    Error::NotFound {
        resource_name: "Extension".to_owned(),
        message,
    }
}

/// Every action names something ramp can invoke (spec/appconfig.md §8.1 "Action `Uri`").
fn check_actions(actions: &Actions) -> Result<()> {
    for (point, list) in actions {
        for action in list {
            let member = format!("Actions.{}", point.as_str());
            let uri = action
                .uri
                .as_deref()
                .ok_or_else(|| Error::BadRequest(format!("{member}: the action needs a Uri.")))?;
            Target::parse(uri).map_err(|why| Error::BadRequest(format!("{member}: {why}.")))?;
        }
    }
    Ok(())
}

/// A parameter cannot be both required and dynamic (model `Parameter.Dynamic`).
fn check_parameters(parameters: &Parameters) -> Result<()> {
    match parameters.iter().find(|(_, p)| p.required && p.dynamic) {
        Some((name, _)) => Err(Error::BadRequest(format!(
            "Parameter {name} cannot be both Required and Dynamic: dynamic parameters are supplied when the action runs."
        ))),
        None => Ok(()),
    }
}
