use std::sync::LazyLock;

use regex::Regex;

use super::AppConfig;
use super::deletion_protection::DeletionProtectionCheck;
use crate::arn::{Resource, Scope};
use crate::entities::{Environment, EnvironmentState, Monitor, Tags};
use crate::error::{Error, Result};
use crate::ids;
use crate::store::{self, ResourceKind};

pub struct NewEnvironment {
    pub name: String,
    pub description: Option<String>,
    pub monitors: Vec<Monitor>,
    pub tags: Tags,
}

#[derive(Default)]
pub struct EnvironmentUpdate {
    pub name: Option<String>,
    pub description: Option<String>,
    /// `Some(vec![])` removes every monitor; `None` leaves them.
    pub monitors: Option<Vec<Monitor>>,
}

/// A monitor names a CloudWatch alarm (DESIGN.md "alarms": the alarm NAME is a ramp alarm).
static ALARM_ARN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^arn:aws[a-zA-Z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$").expect("alarm ARN pattern compiles")
});

fn check_monitors(monitors: &[Monitor]) -> Result<()> {
    for (i, monitor) in monitors.iter().enumerate() {
        if !ALARM_ARN.is_match(&monitor.alarm_arn) {
            return Err(Error::BadRequest(format!(
                "Monitors[{i}].AlarmArn must be a CloudWatch alarm ARN \
                 (arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME), not '{}'",
                monitor.alarm_arn
            )));
        }
    }
    Ok(())
}

/// Maps a store error about a child (environment, profile, version) of application `app_id`.
pub(super) fn child_error(e: store::Error, app_id: &str, child_id: &str) -> Error {
    match e {
        store::Error::NotFound(ResourceKind::Application) => Error::not_found(ResourceKind::Application, app_id),
        store::Error::NotFound(kind) => Error::not_found(kind, child_id),
        other => other.into(),
    }
}

impl AppConfig {
    pub async fn create_environment(
        &self,
        scope: &Scope,
        application_id: &str,
        new: NewEnvironment,
    ) -> Result<Environment> {
        check_monitors(&new.monitors)?;
        self.application(scope, application_id).await?;
        let env = Environment {
            application_id: application_id.to_owned(),
            id: ids::new_id(),
            name: new.name,
            description: new.description,
            state: EnvironmentState::ReadyForDeployment,
            monitors: new.monitors,
            created_at: self.now(),
            last_accessed_at: None,
        };
        let arn = environment_arn(scope, application_id, &env.id);
        let max = self.quotas.environments_per_application;
        match self.store.create_environment(&env, &arn, &new.tags, max).await {
            Ok(()) => Ok(env),
            Err(store::Error::QuotaExceeded) => Err(Error::QuotaExceeded(format!(
                "You have reached the maximum number of environments ({max}) for application {application_id}."
            ))),
            Err(e) => Err(child_error(e, application_id, &env.id)),
        }
    }

    pub async fn environment(&self, scope: &Scope, application_id: &str, id: &str) -> Result<Environment> {
        self.application(scope, application_id).await?;
        self.store
            .environment(application_id, id)
            .await?
            .ok_or_else(|| Error::not_found(ResourceKind::Environment, id))
    }

    pub async fn list_environments(
        &self,
        scope: &Scope,
        application_id: &str,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<Environment>, Option<String>)> {
        self.application(scope, application_id).await?;
        let list = format!("ListEnvironments/{application_id}");
        self.paged(&list, max_results, next_token, |slice| {
            self.store.environments(application_id, slice)
        })
        .await
    }

    pub async fn update_environment(
        &self,
        scope: &Scope,
        application_id: &str,
        id: &str,
        update: EnvironmentUpdate,
    ) -> Result<Environment> {
        if let Some(monitors) = &update.monitors {
            check_monitors(monitors)?;
        }
        let mut env = self.environment(scope, application_id, id).await?;
        if let Some(name) = update.name {
            env.name = name;
        }
        if update.description.is_some() {
            env.description = update.description;
        }
        if let Some(monitors) = update.monitors {
            env.monitors = monitors;
        }
        self.store
            .update_environment(&env)
            .await
            .map_err(|e| child_error(e, application_id, id))?;
        Ok(env)
    }

    pub async fn delete_environment(
        &self,
        scope: &Scope,
        application_id: &str,
        id: &str,
        check: DeletionProtectionCheck,
    ) -> Result<()> {
        let env = self.environment(scope, application_id, id).await?;
        let protection = self.deletion_protection(scope, check, env.created_at).await?;
        let arn = environment_arn(scope, application_id, id);
        match self
            .store
            .delete_environment(application_id, id, &arn, protection.cutoff)
            .await
        {
            Ok(()) => self.forget_associations(scope, &arn).await,
            Err(store::Error::DeletionProtected) => Err(protection.refused("environment", id)),
            other => other.map_err(|e| child_error(e, application_id, id)),
        }
    }
}

fn environment_arn(scope: &Scope, application_id: &str, environment_id: &str) -> String {
    scope.resource_arn(&Resource::Environment {
        application_id: application_id.to_owned(),
        environment_id: environment_id.to_owned(),
    })
}
