//! A deployment as the CLI shows it: taken from GetDeployment, with the event log oldest first,
//! times as ramp's clock wrote them, and its timeline from the engine's own schedule function.

use aws_sdk_appconfig::operation::get_deployment::GetDeploymentOutput;
use aws_sdk_appconfig::primitives::DateTime;
use serde::Serialize;

use ramp_clock::Timestamp;
use ramp_domain::deployment::{StepTiming, StrategySnapshot};
use ramp_domain::entities::GrowthType;
use ramp_domain::rollout::{Milestone, Scheduled, schedule};

/// The fields of a deployment the CLI prints, with AWS's member names (`--output json`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeploymentView {
    pub application_id: String,
    pub environment_id: String,
    pub deployment_number: i32,
    pub configuration_profile_id: String,
    pub configuration_name: String,
    pub configuration_version: String,
    pub deployment_strategy_id: String,
    pub growth_type: String,
    pub growth_factor: f32,
    pub deployment_duration_in_minutes: i32,
    pub final_bake_time_in_minutes: i32,
    pub state: String,
    pub percentage_complete: f32,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    /// Oldest first (the wire has it newest first).
    pub event_log: Vec<EventView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventView {
    pub event_type: String,
    pub triggered_by: String,
    pub description: String,
    pub occurred_at: Option<String>,
}

impl DeploymentView {
    pub fn from_wire(d: &GetDeploymentOutput) -> Self {
        let mut event_log: Vec<EventView> = d
            .event_log()
            .iter()
            .map(|e| EventView {
                event_type: e.event_type().map(|t| t.as_str()).unwrap_or_default().to_owned(),
                triggered_by: e.triggered_by().map(|t| t.as_str()).unwrap_or_default().to_owned(),
                description: e.description().unwrap_or_default().to_owned(),
                occurred_at: e.occurred_at().and_then(iso8601),
            })
            .collect();
        event_log.reverse();
        Self {
            application_id: d.application_id().unwrap_or_default().to_owned(),
            environment_id: d.environment_id().unwrap_or_default().to_owned(),
            deployment_number: d.deployment_number(),
            configuration_profile_id: d.configuration_profile_id().unwrap_or_default().to_owned(),
            configuration_name: d.configuration_name().unwrap_or_default().to_owned(),
            configuration_version: d.configuration_version().unwrap_or_default().to_owned(),
            deployment_strategy_id: d.deployment_strategy_id().unwrap_or_default().to_owned(),
            growth_type: d.growth_type().map(|t| t.as_str()).unwrap_or_default().to_owned(),
            growth_factor: d.growth_factor().unwrap_or_default(),
            deployment_duration_in_minutes: d.deployment_duration_in_minutes(),
            final_bake_time_in_minutes: d.final_bake_time_in_minutes(),
            state: d.state().map(|s| s.as_str()).unwrap_or_default().to_owned(),
            percentage_complete: d.percentage_complete().unwrap_or_default(),
            started_at: d.started_at().and_then(iso8601),
            completed_at: d.completed_at().and_then(iso8601),
            event_log,
        }
    }

    /// Whether the deployment has ended (the engine will write nothing more).
    pub fn is_finished(&self) -> bool {
        matches!(self.state.as_str(), "COMPLETE" | "ROLLED_BACK" | "REVERTED")
    }

    /// The strategy as the deployment copied it when it started.
    pub fn strategy(&self) -> StrategySnapshot {
        StrategySnapshot {
            deployment_duration_in_minutes: i64::from(self.deployment_duration_in_minutes),
            growth_type: GrowthType::parse(&self.growth_type).unwrap_or(GrowthType::Linear),
            growth_factor: f64::from(self.growth_factor),
            final_bake_time_in_minutes: i64::from(self.final_bake_time_in_minutes),
        }
    }

    /// The whole timeline, as the engine schedules it.
    pub fn timeline(&self) -> Vec<Scheduled> {
        let started_at = self
            .started_at
            .as_deref()
            .and_then(Timestamp::parse_iso8601)
            .unwrap_or_default();
        schedule(&self.strategy(), self.step_timing(started_at), started_at)
    }

    /// The first milestone the event log does not record yet: what comes next.
    pub fn next_milestone(&self) -> Option<Scheduled> {
        if !matches!(self.state.as_str(), "DEPLOYING" | "BAKING") {
            return None;
        }
        let applied = self.event_log.iter().filter(|e| is_milestone(&e.event_type)).count();
        self.timeline().get(applied).copied()
    }

    /// The percentage after each event, oldest first: the k-th PERCENTAGE_UPDATED reached the
    /// k-th step of the schedule; a rollback or revert leaves what the deployment reports.
    pub fn percentages_by_event(&self) -> Vec<f64> {
        let steps: Vec<f64> = self
            .timeline()
            .iter()
            .filter_map(|s| match s.milestone {
                Milestone::Percentage(p) => Some(p),
                _ => None,
            })
            .collect();
        let mut reached = 0;
        let mut percentage = 0.0;
        self.event_log
            .iter()
            .map(|event| {
                match event.event_type.as_str() {
                    "PERCENTAGE_UPDATED" => {
                        percentage = steps.get(reached).copied().unwrap_or(percentage);
                        reached += 1;
                    }
                    "ROLLBACK_COMPLETED" | "REVERT_COMPLETED" => percentage = f64::from(self.percentage_complete),
                    _ => {}
                }
                percentage
            })
            .collect()
    }

    /// Which step-timing model the server uses (DESIGN.md "Step timing"): the wire does not
    /// say, so it is read from the first step's time once there is one; until then, AWS's (and
    /// ramp's default) observed model.
    fn step_timing(&self, started_at: Timestamp) -> StepTiming {
        let first_step = self
            .event_log
            .iter()
            .find(|e| e.event_type == "PERCENTAGE_UPDATED")
            .and_then(|e| e.occurred_at.as_deref())
            .and_then(Timestamp::parse_iso8601);
        let Some(first_step) = first_step else {
            return StepTiming::Observed;
        };
        let first_due = |timing| {
            schedule(&self.strategy(), timing, started_at)
                .first()
                .map_or(0, |s| s.due_at.millis())
        };
        let documented = first_due(StepTiming::Documented);
        let observed = first_due(StepTiming::Observed);
        if (first_step.millis() - documented).abs() < (first_step.millis() - observed).abs() {
            StepTiming::Documented
        } else {
            StepTiming::Observed
        }
    }
}

/// Whether a deployment in this state is still moving (one at a time per environment).
pub fn is_in_flight(state: &str) -> bool {
    matches!(state, "BAKING" | "DEPLOYING" | "ROLLING_BACK" | "VALIDATING")
}

/// The event types that record a milestone of the timeline.
fn is_milestone(event_type: &str) -> bool {
    matches!(
        event_type,
        "PERCENTAGE_UPDATED" | "BAKE_TIME_STARTED" | "DEPLOYMENT_COMPLETED"
    )
}

/// An SDK time as ISO-8601 (`2026-12-07T04:30:00.000Z`).
pub fn iso8601(time: &DateTime) -> Option<String> {
    time.to_millis()
        .ok()
        .map(|millis| Timestamp::from_millis(millis).to_iso8601())
}

/// A number of seconds as people read durations: `45s`, `2m05s`, `1h30m`.
pub fn human_duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    match seconds {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m{:02}s", s / 60, s % 60),
        s => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(events: &[(&str, &str)]) -> DeploymentView {
        DeploymentView {
            application_id: "a".into(),
            environment_id: "e".into(),
            deployment_number: 1,
            configuration_profile_id: "p".into(),
            configuration_name: "cfg".into(),
            configuration_version: "1".into(),
            deployment_strategy_id: "s".into(),
            growth_type: "LINEAR".into(),
            growth_factor: 50.0,
            deployment_duration_in_minutes: 3,
            final_bake_time_in_minutes: 1,
            state: "DEPLOYING".into(),
            percentage_complete: 50.0,
            started_at: Some("2026-01-01T00:00:00.000Z".into()),
            completed_at: None,
            event_log: events
                .iter()
                .map(|(event_type, at)| EventView {
                    event_type: (*event_type).into(),
                    triggered_by: "APPCONFIG".into(),
                    description: String::new(),
                    occurred_at: Some((*at).into()),
                })
                .collect(),
        }
    }

    #[test]
    fn the_next_milestone_is_the_first_the_log_does_not_record() {
        // LINEAR 50 % over 3 minutes, observed timing: steps at 1 and 2 minutes, bake at 3.
        let d = deployment(&[
            ("DEPLOYMENT_STARTED", "2026-01-01T00:00:00.000Z"),
            ("PERCENTAGE_UPDATED", "2026-01-01T00:01:00.000Z"),
        ]);
        let next = d.next_milestone().unwrap();
        assert_eq!(next.milestone, Milestone::Percentage(100.0));
        assert_eq!(next.due_at.to_iso8601(), "2026-01-01T00:02:00.000Z");
        assert_eq!(d.percentages_by_event(), vec![0.0, 50.0]);
    }

    #[test]
    fn the_documented_timing_is_recognised_from_the_first_step() {
        // Documented timing: steps every 1.5 minutes.
        let d = deployment(&[
            ("DEPLOYMENT_STARTED", "2026-01-01T00:00:00.000Z"),
            ("PERCENTAGE_UPDATED", "2026-01-01T00:01:30.000Z"),
        ]);
        assert_eq!(
            d.next_milestone().unwrap().due_at.to_iso8601(),
            "2026-01-01T00:03:00.000Z"
        );
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(human_duration(45), "45s");
        assert_eq!(human_duration(125), "2m05s");
        assert_eq!(human_duration(5400), "1h30m");
        assert_eq!(human_duration(-3), "0s");
    }
}
