//! The rollout as pure functions of (deployment, now): the engine's every decision is made
//! here, so it can be tested without a store, a clock or a runtime (DESIGN.md "Time").
//!
//! A deployment's timeline is fixed when it starts: [`schedule`] turns its strategy snapshot,
//! step-timing model and start time into milestones with due times (spec/appconfig.md §5).
//! [`advance`] applies every milestone due by `now`, each stamped with the time it was due, so a
//! server that slept, restarted or had its manual clock jumped writes exactly the events that
//! AWS would have written, at the times it would have written them.

use ramp_clock::Timestamp;

use crate::deployment::{
    Deployment, DeploymentEvent, DeploymentEventType, DeploymentState, StepTiming, StrategySnapshot, TriggeredBy,
};
use crate::entities::{EnvironmentState, GrowthType};

const MINUTE_MILLIS: i64 = 60_000;

/// What happens at a point of the timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Milestone {
    Percentage(f64),
    BakeStarted,
    Completed,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scheduled {
    pub due_at: Timestamp,
    pub milestone: Milestone,
}

/// The percentages a strategy steps through (spec/appconfig.md §5.1): LINEAR `G, 2G, …`,
/// EXPONENTIAL `G·2^k`, both capped at 100.
pub fn percentages(growth_type: GrowthType, growth_factor: f64) -> Vec<f64> {
    let factor = growth_factor.clamp(1.0, 100.0);
    let mut steps = Vec::new();
    for k in 0.. {
        let p = match growth_type {
            GrowthType::Linear => factor * f64::from(k + 1),
            GrowthType::Exponential => factor * 2f64.powi(k),
        };
        // Tolerate float error so that e.g. 20 × 5 counts as reaching 100.
        if p >= 100.0 - 1e-9 {
            steps.push(100.0);
            return steps;
        }
        steps.push(p);
    }
    steps
}

/// The whole timeline of a deployment started at `started_at`.
///
/// Both timing models put the bake at `D` and completion at `D + bake` (spec §5.2). A duration
/// of 0 deploys to everyone at once: one step to 100 % at the start.
pub fn schedule(strategy: &StrategySnapshot, timing: StepTiming, started_at: Timestamp) -> Vec<Scheduled> {
    let duration = strategy.deployment_duration_in_minutes.max(0) * MINUTE_MILLIS;
    let bake = strategy.final_bake_time_in_minutes.max(0) * MINUTE_MILLIS;
    let steps = if duration == 0 {
        vec![100.0]
    } else {
        percentages(strategy.growth_type, strategy.growth_factor)
    };
    let count = steps.len() as i64;
    let intervals = match timing {
        StepTiming::Observed => count + 1,
        StepTiming::Documented => count,
    };
    let mut timeline: Vec<Scheduled> = steps
        .into_iter()
        .enumerate()
        .map(|(i, percentage)| Scheduled {
            due_at: started_at.plus_millis(duration * (i as i64 + 1) / intervals),
            milestone: Milestone::Percentage(percentage),
        })
        .collect();
    timeline.push(Scheduled {
        due_at: started_at.plus_millis(duration),
        milestone: Milestone::BakeStarted,
    });
    timeline.push(Scheduled {
        due_at: started_at.plus_millis(duration + bake),
        milestone: Milestone::Completed,
    });
    timeline
}

fn timeline(deployment: &Deployment) -> Vec<Scheduled> {
    schedule(&deployment.strategy, deployment.step_timing, deployment.started_at)
}

/// How many milestones of the timeline the event log already records.
pub fn milestones_applied(deployment: &Deployment) -> usize {
    deployment
        .event_log
        .iter()
        .filter(|e| {
            matches!(
                e.event_type,
                DeploymentEventType::PercentageUpdated
                    | DeploymentEventType::BakeTimeStarted
                    | DeploymentEventType::DeploymentCompleted
            )
        })
        .count()
}

/// When the engine must next look at a deployment that is rolling out: the due time of its
/// first unapplied milestone. `None` once it is finished.
pub fn next_due_at(deployment: &Deployment) -> Option<Timestamp> {
    if !matches!(deployment.state, DeploymentState::Deploying | DeploymentState::Baking) {
        return None;
    }
    timeline(deployment)
        .get(milestones_applied(deployment))
        .map(|s| s.due_at)
}

/// The percentage as AppConfig words it in the event log: `25.00%`.
pub fn describe_percentage(percentage: f64) -> String {
    format!("Configuration available to {percentage:.2}% of clients")
}

/// The deployment with every milestone due by `now` applied, or `None` when nothing is due.
pub fn advance(deployment: &Deployment, now: Timestamp) -> Option<Deployment> {
    if !matches!(deployment.state, DeploymentState::Deploying | DeploymentState::Baking) {
        return None;
    }
    let due: Vec<Scheduled> = timeline(deployment)
        .into_iter()
        .skip(milestones_applied(deployment))
        .take_while(|s| s.due_at <= now)
        .collect();
    if due.is_empty() {
        return None;
    }
    let mut next = deployment.clone();
    for scheduled in due {
        let (event_type, description) = match scheduled.milestone {
            Milestone::Percentage(p) => {
                next.percentage_complete = p;
                (DeploymentEventType::PercentageUpdated, describe_percentage(p))
            }
            Milestone::BakeStarted => {
                next.state = DeploymentState::Baking;
                (
                    DeploymentEventType::BakeTimeStarted,
                    "Deployment bake time started".to_owned(),
                )
            }
            Milestone::Completed => {
                next.state = DeploymentState::Complete;
                next.completed_at = Some(scheduled.due_at);
                (
                    DeploymentEventType::DeploymentCompleted,
                    "Deployment completed".to_owned(),
                )
            }
        };
        next.event_log.push(DeploymentEvent {
            event_type,
            triggered_by: TriggeredBy::Appconfig,
            description,
            occurred_at: scheduled.due_at,
            action_invocations: Vec::new(),
        });
    }
    next.next_due_at = next_due_at(&next);
    Some(next)
}

/// The deployment rolled back at `now` (by an alarm, a user or an error). The percentage
/// reached stays as it was (spec/appconfig.md §15).
pub fn roll_back(deployment: &Deployment, now: Timestamp, triggered_by: TriggeredBy, reason: String) -> Deployment {
    let mut next = deployment.clone();
    next.state = DeploymentState::RolledBack;
    next.completed_at = Some(now);
    next.next_due_at = None;
    next.event_log.push(DeploymentEvent {
        event_type: DeploymentEventType::RollbackStarted,
        triggered_by,
        description: reason,
        occurred_at: now,
        action_invocations: Vec::new(),
    });
    next.event_log.push(DeploymentEvent {
        event_type: DeploymentEventType::RollbackCompleted,
        triggered_by,
        description: "Rollback completed".to_owned(),
        occurred_at: now,
        action_invocations: Vec::new(),
    });
    next
}

/// A completed deployment reverted at `now` by its user (StopDeployment with `Allow-Revert`).
pub fn revert(deployment: &Deployment, now: Timestamp) -> Deployment {
    let mut next = deployment.clone();
    next.state = DeploymentState::Reverted;
    next.next_due_at = None;
    next.event_log.push(DeploymentEvent {
        event_type: DeploymentEventType::RevertCompleted,
        triggered_by: TriggeredBy::User,
        description: "Revert completed".to_owned(),
        occurred_at: now,
        action_invocations: Vec::new(),
    });
    next
}

/// What an environment serves for one configuration profile, given that profile's deployments
/// in the environment, newest first: the newest deployment still standing, i.e. neither rolled
/// back nor reverted (spec/appconfig.md §7: a rollback or revert makes the previous version the
/// deployed one again). A deployment in progress reaches only part of the clients; the data plane
/// splits them between it and the one before (`None` when there is none).
pub fn standing(deployments_newest_first: &[Deployment]) -> (Option<&Deployment>, Option<&Deployment>) {
    let mut standing = deployments_newest_first
        .iter()
        .filter(|d| !matches!(d.state, DeploymentState::RolledBack | DeploymentState::Reverted));
    match standing.next() {
        Some(rolling) if rolling.state.is_in_progress() => (Some(rolling), standing.next()),
        Some(complete) => (None, Some(complete)),
        None => (None, None),
    }
}

/// The environment's state once a deployment has reached its state (spec/appconfig.md §4.5).
pub fn environment_state(state: DeploymentState) -> EnvironmentState {
    match state {
        DeploymentState::Deploying | DeploymentState::Baking | DeploymentState::Validating => {
            EnvironmentState::Deploying
        }
        DeploymentState::Complete => EnvironmentState::ReadyForDeployment,
        DeploymentState::RollingBack => EnvironmentState::RollingBack,
        DeploymentState::RolledBack => EnvironmentState::RolledBack,
        DeploymentState::Reverted => EnvironmentState::Reverted,
    }
}

#[cfg(test)]
mod tests;
