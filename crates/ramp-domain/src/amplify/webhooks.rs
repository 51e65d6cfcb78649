//! Webhooks and backend environments: stored and returned as AWS does. A webhook's URL points
//! at ramp; a POST to it starts a RELEASE job that publishes the branch's current deploy again
//! (`Amplify::trigger_webhook`).

use super::apps::app_not_found;
use super::jobs::StartJobRequest;
use super::service::{Amplify, MAX_PAGE};
use super::{BackendEnvironment, Job, JobType, Webhook, ids};
use crate::arn::Scope;
use crate::error::{Error, Result};
use crate::store::{self, Conflict};

fn webhook_not_found(webhook_id: &str) -> Error {
    Error::NotFound {
        resource_name: "Webhook".to_owned(),
        message: format!("Webhook {webhook_id} not found."),
    }
}

fn backend_environment_not_found(app_id: &str, name: &str) -> Error {
    Error::NotFound {
        resource_name: "BackendEnvironment".to_owned(),
        message: format!("Backend environment {name} not found for app {app_id}."),
    }
}

impl Amplify {
    pub async fn create_webhook(
        &self,
        scope: &Scope,
        app_id: &str,
        branch_name: &str,
        description: Option<String>,
    ) -> Result<Webhook> {
        self.branch(scope, app_id, branch_name).await?;
        let now = self.now();
        let webhook = Webhook {
            region: scope.region.clone(),
            app_id: app_id.to_owned(),
            webhook_id: ids::new_webhook_id(),
            branch_name: branch_name.to_owned(),
            description: description.unwrap_or_default(),
            create_time: now,
            update_time: now,
        };
        self.store.create_webhook(&webhook).await?;
        Ok(webhook)
    }

    pub async fn webhook(&self, scope: &Scope, webhook_id: &str) -> Result<Webhook> {
        self.store
            .webhook(&scope.region, webhook_id)
            .await?
            .ok_or_else(|| webhook_not_found(webhook_id))
    }

    pub async fn list_webhooks(
        &self,
        scope: &Scope,
        app_id: &str,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<Webhook>, Option<String>)> {
        self.app(scope, app_id).await?;
        let list = format!("amplify/ListWebhooks/{}/{app_id}", scope.region);
        self.paged(&list, MAX_PAGE, max_results, next_token, |slice| {
            self.store.webhooks(&scope.region, app_id, slice)
        })
        .await
    }

    pub async fn update_webhook(
        &self,
        scope: &Scope,
        webhook_id: &str,
        branch_name: Option<String>,
        description: Option<String>,
    ) -> Result<Webhook> {
        let mut webhook = self.webhook(scope, webhook_id).await?;
        if let Some(branch_name) = branch_name {
            self.branch(scope, &webhook.app_id, &branch_name).await?;
            webhook.branch_name = branch_name;
        }
        if let Some(description) = description {
            webhook.description = description;
        }
        webhook.update_time = self.now();
        match self.store.update_webhook(&webhook).await {
            Err(store::Error::NotFound(_)) => Err(webhook_not_found(webhook_id)),
            other => other.map(|()| webhook).map_err(Into::into),
        }
    }

    pub async fn delete_webhook(&self, scope: &Scope, webhook_id: &str) -> Result<Webhook> {
        match self.store.delete_webhook(&scope.region, webhook_id).await {
            Err(store::Error::NotFound(_)) => Err(webhook_not_found(webhook_id)),
            other => Ok(other?),
        }
    }

    /// A POST to the webhook's URL: a RELEASE job publishing the branch's current deploy.
    pub async fn trigger_webhook(&self, scope: &Scope, webhook_id: &str) -> Result<Job> {
        let webhook = self.webhook(scope, webhook_id).await?;
        let request = StartJobRequest {
            job_type: JobType::Release,
            job_reason: Some(format!("Webhook {webhook_id}")),
            ..StartJobRequest::default()
        };
        self.start_job(scope, &webhook.app_id, &webhook.branch_name, request)
            .await
    }

    pub async fn create_backend_environment(
        &self,
        scope: &Scope,
        app_id: &str,
        environment_name: &str,
        stack_name: Option<String>,
        deployment_artifacts: Option<String>,
    ) -> Result<BackendEnvironment> {
        self.app(scope, app_id).await?;
        let now = self.now();
        let environment = BackendEnvironment {
            region: scope.region.clone(),
            app_id: app_id.to_owned(),
            environment_name: environment_name.to_owned(),
            stack_name,
            deployment_artifacts,
            create_time: now,
            update_time: now,
        };
        match self.store.create_backend_environment(&environment).await {
            Ok(()) => Ok(environment),
            Err(store::Error::NotFound(_)) => Err(app_not_found(app_id)),
            Err(store::Error::Conflict(Conflict::AlreadyExists(_))) => Err(Error::BadRequest(format!(
                "Backend environment {environment_name} already exists for app {app_id}."
            ))),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn backend_environment(&self, scope: &Scope, app_id: &str, name: &str) -> Result<BackendEnvironment> {
        if let Some(environment) = self.store.backend_environment(&scope.region, app_id, name).await? {
            return Ok(environment);
        }
        self.app(scope, app_id).await?;
        Err(backend_environment_not_found(app_id, name))
    }

    /// ListBackendEnvironments, optionally only the one named `environment_name` (the model's filter).
    pub async fn list_backend_environments(
        &self,
        scope: &Scope,
        app_id: &str,
        environment_name: Option<&str>,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<BackendEnvironment>, Option<String>)> {
        self.app(scope, app_id).await?;
        if let Some(name) = environment_name {
            let found = self.store.backend_environment(&scope.region, app_id, name).await?;
            return Ok((found.into_iter().collect(), None));
        }
        let list = format!("amplify/ListBackendEnvironments/{}/{app_id}", scope.region);
        self.paged(&list, MAX_PAGE, max_results, next_token, |slice| {
            self.store.backend_environments(&scope.region, app_id, slice)
        })
        .await
    }

    pub async fn delete_backend_environment(
        &self,
        scope: &Scope,
        app_id: &str,
        name: &str,
    ) -> Result<BackendEnvironment> {
        match self.store.delete_backend_environment(&scope.region, app_id, name).await {
            Ok(environment) => Ok(environment),
            Err(store::Error::NotFound(crate::store::ResourceKind::AmplifyApp)) => Err(app_not_found(app_id)),
            Err(store::Error::NotFound(_)) => Err(backend_environment_not_found(app_id, name)),
            Err(e) => Err(e.into()),
        }
    }
}
