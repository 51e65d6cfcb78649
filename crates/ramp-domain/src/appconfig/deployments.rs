//! StartDeployment, GetDeployment, ListDeployments and StopDeployment (spec/appconfig.md §4, §7).
//! The engine (crate ramp-engine) moves deployments along; this file starts and stops them.

use ramp_clock::Timestamp;

use super::AppConfig;
use super::environments::child_error;
use super::extension_points::{Level, PreRequest};
use crate::arn::{Resource, Scope};
use crate::deployment::{
    DeployedContent, Deployment, DeploymentEvent, DeploymentEventType, DeploymentState, StrategySnapshot, TriggeredBy,
};
use crate::entities::Tags;
use crate::error::{Error, Result};
use crate::extensions::payload::Content;
use crate::extensions::{ActionPoint, ParameterValues};
use crate::rollout;
use crate::store::{self, Precondition, Refusal, ResourceKind};
use crate::transition::Origin;

pub struct StartDeploymentRequest {
    pub deployment_strategy_id: String,
    pub configuration_profile_id: String,
    pub configuration_version: String,
    pub description: Option<String>,
    pub kms_key_identifier: Option<String>,
    pub tags: Tags,
    /// `{extension ID or ARN}#{parameter}` → value, for the extensions' dynamic parameters.
    pub dynamic_extension_parameters: ParameterValues,
}

/// A completed deployment can be reverted this long after it completed (spec/appconfig.md §7).
const REVERT_WINDOW_MILLIS: i64 = 72 * 60 * 60 * 1000;

/// Attempts at a compare-and-set update racing the engine.
const STOP_ATTEMPTS: usize = 5;

impl AppConfig {
    pub async fn start_deployment(
        &self,
        scope: &Scope,
        application_id: &str,
        environment_id: &str,
        request: StartDeploymentRequest,
    ) -> Result<Deployment> {
        // 1. Everything named must exist.
        let environment = self.environment(scope, application_id, environment_id).await?;
        let profile = self
            .configuration_profile(scope, application_id, &request.configuration_profile_id)
            .await?;
        let strategy = self.deployment_strategy(scope, &request.deployment_strategy_id).await?;
        if !profile.is_hosted() {
            return Err(Error::BadRequest(format!(
                "ramp deploys configurations from its hosted store only; {} is not reachable from ramp",
                profile.location_uri
            )));
        }
        // 2. The version to deploy, by number or label, validated before anything is written
        //    (spec/appconfig.md §15 "VALIDATING": a failure creates no deployment).
        let version = self
            .resolve_hosted_version(application_id, &profile.id, &request.configuration_version)
            .await?;
        // 3. The extensions it applies, and its PRE_START_DEPLOYMENT actions, which may refuse
        //    it or replace the content (spec/appconfig.md §8.1); the validators see the result.
        let level = Level {
            application_id,
            environment_id: Some(environment_id),
            profile: &profile,
        };
        let applied = self
            .applied_extensions(scope, &level, &request.dynamic_extension_parameters)
            .await?;
        let content = Content {
            bytes: version.content,
            content_type: version.info.content_type.clone(),
        };
        let pre = PreRequest {
            level: &level,
            description: request.description.clone(),
            configuration_version: Some(request.configuration_version.clone()),
        };
        let (content, invocations) = self
            .run_pre_actions(scope, ActionPoint::PreStartDeployment, &applied, &pre, content)
            .await?;
        self.run_validators(scope, &profile, &request.configuration_version, &content.bytes)
            .await?;
        // 4. The deployment, with its strategy and monitors copied as they are now.
        let now = self.now();
        let mut deployment = Deployment {
            application_id: application_id.to_owned(),
            environment_id: environment_id.to_owned(),
            deployment_number: 0,
            configuration_profile_id: profile.id.clone(),
            deployment_strategy_id: strategy.id.clone(),
            configuration_name: profile.name.clone(),
            configuration_location_uri: profile.location_uri.clone(),
            configuration_version: request.configuration_version,
            hosted_version_number: version.info.version_number,
            version_label: version.info.version_label.clone(),
            description: request.description,
            strategy: StrategySnapshot {
                deployment_duration_in_minutes: strategy.deployment_duration_in_minutes,
                growth_type: strategy.growth_type,
                growth_factor: strategy.growth_factor,
                final_bake_time_in_minutes: strategy.final_bake_time_in_minutes,
            },
            step_timing: self.step_timing,
            state: DeploymentState::Deploying,
            percentage_complete: 0.0,
            started_at: now,
            completed_at: None,
            event_log: vec![DeploymentEvent {
                event_type: DeploymentEventType::DeploymentStarted,
                triggered_by: TriggeredBy::User,
                description: "Deployment started".to_owned(),
                occurred_at: now,
                action_invocations: invocations,
            }],
            kms_key_identifier: request.kms_key_identifier,
            monitors: environment.monitors,
            applied_extensions: applied,
            next_due_at: None,
            revision: 0,
        };
        deployment.next_due_at = rollout::next_due_at(&deployment);
        // 5. One atomic write: number, "one at a time per environment", environment state.
        let content = DeployedContent {
            content: content.bytes,
            content_type: content.content_type,
        };
        let environment_arn = scope.resource_arn(&Resource::Environment {
            application_id: application_id.to_owned(),
            environment_id: environment_id.to_owned(),
        });
        let transition = self
            .transitions
            .start(&deployment, &content, &environment_arn, &request.tags, now)
            .await
            .map_err(|e| child_error(e, application_id, environment_id))?;
        Ok(transition.after)
    }

    pub async fn deployment(
        &self,
        scope: &Scope,
        application_id: &str,
        environment_id: &str,
        number: i64,
    ) -> Result<Deployment> {
        let deployment = self
            .stored_deployment(scope, application_id, environment_id, number)
            .await?;
        self.with_recorded_invocations(deployment).await
    }

    /// The deployment as stored (its own event log only: what a write starts from).
    async fn stored_deployment(
        &self,
        scope: &Scope,
        application_id: &str,
        environment_id: &str,
        number: i64,
    ) -> Result<Deployment> {
        self.environment(scope, application_id, environment_id).await?;
        self.store
            .deployment(application_id, environment_id, number)
            .await?
            .ok_or_else(|| Error::not_found(ResourceKind::Deployment, number))
    }

    /// The deployment with the invocations recorded after its transitions (ON_* actions, ticks)
    /// shown on the events they belong to (spec/appconfig.md §8.7).
    async fn with_recorded_invocations(&self, mut deployment: Deployment) -> Result<Deployment> {
        if deployment.applied_extensions.is_empty() {
            return Ok(deployment);
        }
        let recorded = self
            .store
            .invocations(
                &deployment.application_id,
                &deployment.environment_id,
                deployment.deployment_number,
            )
            .await?;
        for record in recorded {
            let index = usize::try_from(record.event_index).unwrap_or(usize::MAX);
            if let Some(event) = deployment.event_log.get_mut(index) {
                event.action_invocations.push(record.invocation);
            }
        }
        Ok(deployment)
    }

    /// Newest first (spec/appconfig.md §4.7).
    pub async fn list_deployments(
        &self,
        scope: &Scope,
        application_id: &str,
        environment_id: &str,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<Deployment>, Option<String>)> {
        self.environment(scope, application_id, environment_id).await?;
        let list = format!("ListDeployments/{application_id}/{environment_id}");
        self.paged(&list, max_results, next_token, |slice| {
            self.store.deployments(application_id, environment_id, slice)
        })
        .await
    }

    /// Stops a deployment in progress (ROLLED_BACK), or reverts a completed one when
    /// `allow_revert` (REVERTED); anything else is a 400 saying why (spec/appconfig.md §7).
    pub async fn stop_deployment(
        &self,
        scope: &Scope,
        application_id: &str,
        environment_id: &str,
        number: i64,
        allow_revert: bool,
    ) -> Result<Deployment> {
        for _ in 0..STOP_ATTEMPTS {
            let deployment = self
                .stored_deployment(scope, application_id, environment_id, number)
                .await?;
            let now = self.now();
            let stopped = self.stopped(scope, &deployment, allow_revert, now)?;
            // A revert is decided in the write's transaction: a StartDeployment racing it either
            // commits first (and the revert is refused) or after (and starts from REVERTED).
            let precondition = if stopped.state == DeploymentState::Reverted {
                Precondition::NoLaterDeploymentOfProfile
            } else {
                Precondition::None
            };
            match self
                .transitions
                .update(&deployment, &stopped, precondition, Origin::Request, now)
                .await
            {
                Ok(transition) => return self.with_recorded_invocations(transition.after).await,
                // The engine moved the deployment meanwhile: decide again on what it is now.
                Err(e) if e.is_revision_race() => continue,
                Err(store::Error::Refused(Refusal::LaterDeploymentOfProfile { later })) => {
                    return Err(Error::BadRequest(format!(
                        "Deployment {number} cannot be reverted: deployment {later} of the same configuration \
                         profile came after it."
                    )));
                }
                Err(e) => return Err(child_error(e, application_id, environment_id)),
            }
        }
        Err(Error::Conflict(format!(
            "Deployment {number} kept changing while ramp tried to stop it; retry."
        )))
    }

    fn stopped(
        &self,
        scope: &Scope,
        deployment: &Deployment,
        allow_revert: bool,
        now: Timestamp,
    ) -> Result<Deployment> {
        let number = deployment.deployment_number;
        match deployment.state {
            state if state.is_in_progress() => Ok(rollout::roll_back(
                deployment,
                now,
                TriggeredBy::User,
                format!("Rollback initiated by user {}", scope.account_id),
            )),
            DeploymentState::Complete if !allow_revert => Err(Error::BadRequest(format!(
                "Deployment {number} is already complete. To revert it, call StopDeployment with Allow-Revert: true \
                 within 72 hours of its completion."
            ))),
            DeploymentState::Complete => {
                let completed_at = deployment.completed_at.unwrap_or(deployment.started_at);
                if now.millis() - completed_at.millis() > REVERT_WINDOW_MILLIS {
                    return Err(Error::BadRequest(format!(
                        "Deployment {number} completed more than 72 hours ago and can no longer be reverted."
                    )));
                }
                // Only the environment's latest deployment of a profile can be reverted: reverting
                // an older one would not restore what clients receive (spec/appconfig.md §15
                // "Revert"). The store checks it in the write (`Precondition`).
                Ok(rollout::revert(deployment, now))
            }
            DeploymentState::RolledBack => Err(Error::BadRequest(format!(
                "Deployment {number} has already been rolled back."
            ))),
            _ => Err(Error::BadRequest(format!(
                "Deployment {number} has already been reverted."
            ))),
        }
    }
}
