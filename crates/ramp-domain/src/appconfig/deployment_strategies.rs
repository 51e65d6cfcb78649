use ramp_clock::Timestamp;

use super::AppConfig;
use super::applications::not_found_as;
use crate::arn::{Resource, Scope};
use crate::entities::{DeploymentStrategy, GrowthType, Tags};
use crate::error::{Error, Result};
use crate::ids;
use crate::store::{self, ResourceKind};

pub struct NewDeploymentStrategy {
    pub name: String,
    pub description: Option<String>,
    pub deployment_duration_in_minutes: i64,
    pub final_bake_time_in_minutes: Option<i64>,
    pub growth_factor: f64,
    pub growth_type: Option<GrowthType>,
    pub replicate_to: Option<String>,
    pub tags: Tags,
}

#[derive(Default)]
pub struct StrategyUpdate {
    pub description: Option<String>,
    pub deployment_duration_in_minutes: Option<i64>,
    pub final_bake_time_in_minutes: Option<i64>,
    pub growth_factor: Option<f64>,
    pub growth_type: Option<GrowthType>,
}

/// AWS's predefined strategies (spec/appconfig.md §3.2): parameters from the AWS CDK constants,
/// names and descriptions as emulators copied them from a real ListDeploymentStrategies.
pub fn predefined_strategies(region: &str) -> Vec<DeploymentStrategy> {
    let strategy = |id: &str, description: &str, growth_type, growth_factor, duration, bake| DeploymentStrategy {
        id: id.to_owned(),
        region: region.to_owned(),
        name: id.to_owned(),
        description: Some(description.to_owned()),
        deployment_duration_in_minutes: duration,
        growth_type,
        growth_factor,
        final_bake_time_in_minutes: bake,
        replicate_to: "NONE".to_owned(),
        created_at: Timestamp::from_millis(0),
    };
    vec![
        strategy("AppConfig.AllAtOnce", "Quick", GrowthType::Linear, 100.0, 0, 10),
        strategy(
            "AppConfig.Linear50PercentEvery30Seconds",
            "Test/Demo",
            GrowthType::Linear,
            50.0,
            1,
            1,
        ),
        strategy(
            "AppConfig.Canary10Percent20Minutes",
            "AWS Recommended",
            GrowthType::Exponential,
            10.0,
            20,
            10,
        ),
        strategy(
            "AppConfig.Linear20PercentEvery6Minutes",
            "AWS Recommended",
            GrowthType::Linear,
            20.0,
            30,
            30,
        ),
    ]
}

fn is_predefined(id: &str) -> bool {
    id.starts_with("AppConfig.")
}

impl AppConfig {
    pub async fn create_deployment_strategy(
        &self,
        scope: &Scope,
        new: NewDeploymentStrategy,
    ) -> Result<DeploymentStrategy> {
        let strategy = DeploymentStrategy {
            id: ids::new_id(),
            region: scope.region.clone(),
            name: new.name,
            description: new.description,
            deployment_duration_in_minutes: new.deployment_duration_in_minutes,
            growth_type: new.growth_type.unwrap_or(GrowthType::Linear),
            growth_factor: new.growth_factor,
            final_bake_time_in_minutes: new.final_bake_time_in_minutes.unwrap_or(0),
            replicate_to: new.replicate_to.unwrap_or_else(|| "NONE".to_owned()),
            created_at: self.now(),
        };
        let arn = scope.resource_arn(&Resource::DeploymentStrategy {
            strategy_id: strategy.id.clone(),
        });
        let max = self.quotas.deployment_strategies;
        match self
            .store
            .create_deployment_strategy(&strategy, &arn, &new.tags, max)
            .await
        {
            Ok(()) => Ok(strategy),
            Err(store::Error::QuotaExceeded) => Err(Error::QuotaExceeded(format!(
                "You have reached the maximum number of deployment strategies ({max}) for this account and region."
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// A custom or predefined strategy.
    pub async fn deployment_strategy(&self, scope: &Scope, id: &str) -> Result<DeploymentStrategy> {
        if is_predefined(id) {
            return predefined_strategies(&scope.region)
                .into_iter()
                .find(|s| s.id == id)
                .ok_or_else(|| Error::not_found(ResourceKind::DeploymentStrategy, id));
        }
        self.store
            .deployment_strategy(&scope.region, id)
            .await?
            .ok_or_else(|| Error::not_found(ResourceKind::DeploymentStrategy, id))
    }

    /// The caller's strategies in creation order, then the predefined ones (spec §3.2). The
    /// cursor of a predefined strategy is negative: `-(index + 1)`.
    pub async fn list_deployment_strategies(
        &self,
        scope: &Scope,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<DeploymentStrategy>, Option<String>)> {
        let list = format!("ListDeploymentStrategies/{}", scope.region);
        let slice = self.pages.slice(&list, max_results, next_token)?;
        let mut listed = Vec::new();
        let predefined_from = match slice.after {
            Some(cursor) if cursor < 0 => usize::try_from(-cursor).unwrap_or(0),
            _ => {
                let custom = store::Slice {
                    after: slice.after,
                    limit: slice.limit + 1,
                };
                listed = self.store.deployment_strategies(&scope.region, custom).await?;
                0
            }
        };
        if listed.len() <= slice.limit {
            listed.extend(
                predefined_strategies(&scope.region)
                    .into_iter()
                    .enumerate()
                    .skip(predefined_from)
                    .map(|(i, item)| store::Listed {
                        cursor: -(i as i64 + 1),
                        item,
                    }),
            );
        }
        Ok(self.pages.page(&list, listed, slice.limit))
    }

    pub async fn update_deployment_strategy(
        &self,
        scope: &Scope,
        id: &str,
        update: StrategyUpdate,
    ) -> Result<DeploymentStrategy> {
        if is_predefined(id) {
            self.deployment_strategy(scope, id).await?;
            return Err(Error::BadRequest(format!(
                "Cannot update predefined Deployment Strategy {id}"
            )));
        }
        let mut strategy = self.deployment_strategy(scope, id).await?;
        if update.description.is_some() {
            strategy.description = update.description;
        }
        if let Some(duration) = update.deployment_duration_in_minutes {
            strategy.deployment_duration_in_minutes = duration;
        }
        if let Some(bake) = update.final_bake_time_in_minutes {
            strategy.final_bake_time_in_minutes = bake;
        }
        if let Some(factor) = update.growth_factor {
            strategy.growth_factor = factor;
        }
        if let Some(growth_type) = update.growth_type {
            strategy.growth_type = growth_type;
        }
        self.store
            .update_deployment_strategy(&strategy)
            .await
            .map_err(|e| not_found_as(e, id))?;
        Ok(strategy)
    }

    pub async fn delete_deployment_strategy(&self, scope: &Scope, id: &str) -> Result<()> {
        if is_predefined(id) {
            self.deployment_strategy(scope, id).await?;
            return Err(Error::BadRequest(format!(
                "Cannot delete predefined Deployment Strategy {id}."
            )));
        }
        let arn = scope.resource_arn(&Resource::DeploymentStrategy {
            strategy_id: id.to_owned(),
        });
        self.store
            .delete_deployment_strategy(&scope.region, id, &arn)
            .await
            .map_err(|e| not_found_as(e, id))
    }
}
