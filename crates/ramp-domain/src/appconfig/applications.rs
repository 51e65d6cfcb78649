use crate::arn::{Resource, Scope};
use crate::entities::{Application, Tags};
use crate::error::{Error, Result};
use crate::ids;
use crate::store::{self, ResourceKind};

use super::AppConfig;

impl AppConfig {
    pub async fn create_application(
        &self,
        scope: &Scope,
        name: String,
        description: Option<String>,
        tags: Tags,
    ) -> Result<Application> {
        let app = Application {
            id: ids::new_id(),
            region: scope.region.clone(),
            name,
            description,
            created_at: self.now(),
        };
        let arn = scope.resource_arn(&Resource::Application {
            application_id: app.id.clone(),
        });
        match self
            .store
            .create_application(&app, &arn, &tags, self.quotas.applications)
            .await
        {
            Ok(()) => Ok(app),
            Err(store::Error::QuotaExceeded) => Err(Error::QuotaExceeded(format!(
                "You have reached the maximum number of applications ({}) for this account and region.",
                self.quotas.applications
            ))),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn application(&self, scope: &Scope, id: &str) -> Result<Application> {
        self.store
            .application(&scope.region, id)
            .await?
            .ok_or_else(|| Error::not_found(ResourceKind::Application, id))
    }

    pub async fn list_applications(
        &self,
        scope: &Scope,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<Application>, Option<String>)> {
        let list = format!("ListApplications/{}", scope.region);
        self.paged(&list, max_results, next_token, |slice| {
            self.store.applications(&scope.region, slice)
        })
        .await
    }

    pub async fn update_application(
        &self,
        scope: &Scope,
        id: &str,
        name: Option<String>,
        description: Option<String>,
    ) -> Result<Application> {
        let mut app = self.application(scope, id).await?;
        if let Some(name) = name {
            app.name = name;
        }
        if description.is_some() {
            app.description = description;
        }
        self.store
            .update_application(&app)
            .await
            .map_err(|e| not_found_as(e, id))?;
        Ok(app)
    }

    /// Refuses while environments or profiles exist (spec/appconfig.md §15 "DeleteApplication
    /// with children": 400, worded like AWS's confirmed message for profiles with versions).
    pub async fn delete_application(&self, scope: &Scope, id: &str) -> Result<()> {
        let arn = scope.resource_arn(&Resource::Application {
            application_id: id.to_owned(),
        });
        match self.store.delete_application(&scope.region, id, &arn).await {
            Ok(()) => self.forget_associations(scope, &arn).await,
            Err(store::Error::HasChildren(kind)) => Err(Error::BadRequest(format!(
                "Cannot delete application {id} because there are still {} existing under it.",
                match kind {
                    ResourceKind::Environment => "environments",
                    _ => "configuration profiles",
                }
            ))),
            Err(e) => Err(not_found_as(e, id)),
        }
    }
}

/// Maps a store `NotFound` to the not-found error naming `id`.
pub(super) fn not_found_as(e: store::Error, id: &str) -> Error {
    match e {
        store::Error::NotFound(kind) => Error::not_found(kind, id),
        other => other.into(),
    }
}
