//! Rollout charts as inline SVG, drawn on the server: the share of clients on the new version
//! over time, as the event log records it, over the strategy's planned schedule
//! (`ramp_domain::rollout::schedule`, the function the engine steps by).

use ramp_clock::Timestamp;
use ramp_domain::deployment::{Deployment, DeploymentEventType, DeploymentState};
use ramp_domain::rollout::{self, Milestone, Scheduled};

use super::html::{E, Html, put};

/// A deployment's chart; a strategy's preview is narrower (it sits in a card), so that its
/// labels keep a readable size.
const WIDTH: f64 = 640.0;
const PREVIEW_WIDTH: f64 = 400.0;
const HEIGHT: f64 = 220.0;
/// Marks closer than this to the previous labelled one go unlabelled (their labels would overlap).
const LABEL_GAP: f64 = 44.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 30.0;

/// A step line: from each instant on, this percentage.
type Steps = Vec<(Timestamp, f64)>;
/// Vertical marks with their labels.
type Marks = Vec<(Timestamp, &'static str)>;

/// Step lines of percentage over time, and labelled instants.
pub struct Chart {
    pub width: f64,
    pub start: Timestamp,
    pub end: Timestamp,
    /// Where the strategy says the rollout should be: (from, percentage).
    pub planned: Steps,
    /// Where it was, from the event log; empty for a preview.
    pub actual: Steps,
    /// Vertical marks: the bake's start and end, "now".
    pub marks: Marks,
}

/// The planned steps of a schedule, and the instants where the bake starts and ends.
fn planned(schedule: &[Scheduled], start: Timestamp) -> (Steps, Marks) {
    let mut steps = vec![(start, 0.0)];
    let mut marks = Vec::new();
    for s in schedule {
        match s.milestone {
            Milestone::Percentage(p) => steps.push((s.due_at, p)),
            Milestone::BakeStarted => marks.push((s.due_at, "bake")),
            Milestone::Completed => marks.push((s.due_at, "complete")),
        }
    }
    (steps, marks)
}

/// The share of clients on the deployment's version after each event: each PERCENTAGE_UPDATED
/// is the next step of its schedule; a rollback or revert takes everyone back to the old one.
pub fn actual_steps(deployment: &Deployment) -> Steps {
    let schedule = rollout::schedule(&deployment.strategy, deployment.step_timing, deployment.started_at);
    let mut percentages = schedule.iter().filter_map(|s| match s.milestone {
        Milestone::Percentage(p) => Some(p),
        _ => None,
    });
    let mut steps = vec![(deployment.started_at, 0.0)];
    for event in &deployment.event_log {
        match event.event_type {
            DeploymentEventType::PercentageUpdated => {
                if let Some(p) = percentages.next() {
                    steps.push((event.occurred_at, p));
                }
            }
            DeploymentEventType::RollbackStarted
            | DeploymentEventType::RollbackCompleted
            | DeploymentEventType::RevertCompleted => steps.push((event.occurred_at, 0.0)),
            _ => {}
        }
    }
    steps
}

/// The chart of a deployment at `now`.
pub fn deployment_chart(deployment: &Deployment, now: Timestamp) -> Chart {
    let schedule = rollout::schedule(&deployment.strategy, deployment.step_timing, deployment.started_at);
    let (planned, mut marks) = planned(&schedule, deployment.started_at);
    let mut actual = actual_steps(deployment);
    let finished = deployment.completed_at.filter(|_| !deployment.state.is_in_progress());
    let last = actual.last().map_or(deployment.started_at, |s| s.0);
    // The line runs on to now while the deployment is live, to its end once it is over.
    let until = finished.unwrap_or(now).max(last);
    if let Some(&(_, p)) = actual.last() {
        actual.push((until, p));
    }
    let planned_end = schedule.last().map_or(deployment.started_at, |s| s.due_at);
    let end = planned_end.max(until);
    if matches!(deployment.state, DeploymentState::Deploying | DeploymentState::Baking) {
        marks.push((now, "now"));
    }
    Chart {
        width: WIDTH,
        start: deployment.started_at,
        end,
        planned,
        actual,
        marks,
    }
}

/// A strategy's timeline as if it started at time zero.
pub fn preview_chart(schedule: &[Scheduled]) -> Chart {
    let start = Timestamp::from_millis(0);
    let (planned, marks) = planned(schedule, start);
    let end = schedule.last().map_or(start, |s| s.due_at);
    Chart {
        width: PREVIEW_WIDTH,
        start,
        end,
        planned,
        actual: Vec::new(),
        marks,
    }
}

impl Chart {
    fn x(&self, t: Timestamp) -> f64 {
        let span = (self.end.millis() - self.start.millis()).max(1) as f64;
        LEFT + (t.millis() - self.start.millis()).max(0) as f64 / span * (self.width - LEFT - RIGHT)
    }

    fn y(p: f64) -> f64 {
        TOP + (100.0 - p.clamp(0.0, 100.0)) / 100.0 * (HEIGHT - TOP - BOTTOM)
    }

    /// A step line: flat until the next point, then straight up or down.
    fn path(&self, steps: &[(Timestamp, f64)], end: Timestamp) -> String {
        let mut d = String::new();
        for (i, &(t, p)) in steps.iter().enumerate() {
            let (x, y) = (self.x(t), Self::y(p));
            if i == 0 {
                d.push_str(&format!("M{x:.1} {y:.1}"));
            } else {
                d.push_str(&format!(" H{x:.1} V{y:.1}"));
            }
        }
        if !steps.is_empty() {
            d.push_str(&format!(" H{:.1}", self.x(end)));
        }
        d
    }

    /// The chart as an `<svg>` element; `label` is read by screen readers (the page's tables
    /// carry the same facts as text).
    pub fn svg(&self, label: &str) -> String {
        let width = self.width;
        let right = width - RIGHT;
        let mut h = Html::default();
        put!(
            h,
            "<svg class=\"chart\" viewBox=\"0 0 {width} {HEIGHT}\" role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"xMidYMid meet\">",
            E(label)
        );
        for p in [0.0, 25.0, 50.0, 75.0, 100.0] {
            let y = Self::y(p);
            put!(
                h,
                "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{right:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
                 <text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{p:.0}%</text>",
                LEFT - 6.0,
                y + 4.0
            );
        }
        let mut last_label = f64::NEG_INFINITY;
        for (t, name) in &self.marks {
            let x = self.x(*t);
            put!(
                h,
                "<line class=\"mark {name}\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{TOP}\" y2=\"{:.1}\"/>",
                HEIGHT - BOTTOM
            );
            if x - last_label >= LABEL_GAP {
                // Near the right edge the label ends at its mark instead of centring on it.
                let anchor = if x > right - LABEL_GAP / 2.0 { "end" } else { "middle" };
                put!(
                    h,
                    "<text class=\"axis\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{name}</text>",
                    HEIGHT - BOTTOM + 24.0
                );
                last_label = x;
            }
        }
        let minutes = (self.end.millis() - self.start.millis()) as f64 / 60_000.0;
        put!(
            h,
            "<text class=\"axis\" x=\"{LEFT}\" y=\"{:.1}\">+0 min</text>\
             <text class=\"axis\" x=\"{right:.1}\" y=\"{:.1}\" text-anchor=\"end\">+{} min</text>",
            HEIGHT - BOTTOM + 12.0,
            HEIGHT - BOTTOM + 12.0,
            format_minutes(minutes)
        );
        put!(
            h,
            "<path class=\"planned\" d=\"{}\"/>",
            self.path(&self.planned, self.end)
        );
        if !self.actual.is_empty() {
            let end = self.actual.last().map_or(self.end, |s| s.0);
            put!(h, "<path class=\"actual\" d=\"{}\"/>", self.path(&self.actual, end));
        }
        h.raw("</svg>");
        h.0
    }
}

fn format_minutes(minutes: f64) -> String {
    if (minutes - minutes.round()).abs() < 0.01 {
        format!("{minutes:.0}")
    } else {
        format!("{minutes:.1}")
    }
}

/// The legend under a chart.
pub fn legend(with_actual: bool) -> &'static str {
    if with_actual {
        "<p class=\"legend\"><span class=\"key actual\"></span> clients on this version (event log) \
         <span class=\"key planned\"></span> planned by the strategy</p>"
    } else {
        "<p class=\"legend\"><span class=\"key planned\"></span> planned percentage of clients</p>"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ramp_domain::deployment::StrategySnapshot;
    use ramp_domain::entities::GrowthType;

    #[test]
    fn a_preview_steps_up_to_100_and_marks_the_bake() {
        let strategy = StrategySnapshot {
            deployment_duration_in_minutes: 10,
            growth_type: GrowthType::Linear,
            growth_factor: 50.0,
            final_bake_time_in_minutes: 5,
        };
        let schedule = rollout::schedule(&strategy, Default::default(), Timestamp::from_millis(0));
        let chart = preview_chart(&schedule);
        assert_eq!(chart.planned.last().map(|s| s.1), Some(100.0));
        assert_eq!(
            chart.marks.iter().map(|m| m.1).collect::<Vec<_>>(),
            ["bake", "complete"]
        );
        assert_eq!(chart.end.millis(), 15 * 60_000);
        let svg = chart.svg("preview");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
