//! Apps (spec/amplify.md §3.1).

use super::service::{Amplify, MAX_APPS_PAGE};
use super::{App, arn, ids};
use crate::arn::Scope;
use crate::entities::Tags;
use crate::error::{Error, Result};
use crate::store;

pub(super) fn app_not_found(app_id: &str) -> Error {
    Error::NotFound {
        resource_name: "App".to_owned(),
        message: format!("App {app_id} not found."),
    }
}

impl Amplify {
    /// Creates an app from `settings` (the members the client sent, with the model's defaults
    /// for the rest); ramp fills the ID, region and times.
    pub async fn create_app(&self, scope: &Scope, settings: App, tags: Tags) -> Result<App> {
        let now = self.now();
        let app = App {
            region: scope.region.clone(),
            app_id: ids::new_app_id(),
            create_time: now,
            update_time: now,
            platform: if settings.platform.is_empty() {
                "WEB".to_owned()
            } else {
                settings.platform.clone()
            },
            ..settings
        };
        super::tags::check_count(&tags)?;
        let arn = arn::app(scope, &app.app_id);
        match self.store.create_app(&app, &arn, &tags, self.quotas.apps).await {
            Ok(()) => Ok(app),
            Err(store::Error::QuotaExceeded) => Err(Error::QuotaExceeded(format!(
                "You have reached the maximum number of apps ({}) in this region.",
                self.quotas.apps
            ))),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn app(&self, scope: &Scope, app_id: &str) -> Result<App> {
        self.store
            .app(&scope.region, app_id)
            .await?
            .ok_or_else(|| app_not_found(app_id))
    }

    pub async fn list_apps(
        &self,
        scope: &Scope,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<App>, Option<String>)> {
        let list = format!("amplify/ListApps/{}", scope.region);
        self.paged(&list, MAX_APPS_PAGE, max_results, next_token, |slice| {
            self.store.apps(&scope.region, slice)
        })
        .await
    }

    /// Applies `change` to the stored app and stores it.
    pub async fn update_app(&self, scope: &Scope, app_id: &str, change: impl FnOnce(&mut App)) -> Result<App> {
        let mut app = self.app(scope, app_id).await?;
        change(&mut app);
        app.update_time = self.now();
        self.store.update_app(&app).await.map_err(|e| not_found_as(e, app_id))?;
        Ok(app)
    }

    /// Deletes the app and everything under it; returns the app as it was.
    pub async fn delete_app(&self, scope: &Scope, app_id: &str) -> Result<App> {
        self.store
            .delete_app(&scope.region, app_id, &arn::app(scope, app_id))
            .await
            .map_err(|e| not_found_as(e, app_id))
    }
}

fn not_found_as(e: store::Error, app_id: &str) -> Error {
    match e {
        store::Error::NotFound(_) => app_not_found(app_id),
        e => e.into(),
    }
}
