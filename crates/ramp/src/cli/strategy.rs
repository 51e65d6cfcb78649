//! `ramp strategy preview S`: a strategy's timeline as a table, from the engine's own schedule
//! function, so the preview is what a deployment will do, to the second.

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use serde_json::json;

use ramp_clock::Timestamp;
use ramp_domain::deployment::{StepTiming, StrategySnapshot};
use ramp_domain::entities::GrowthType;
use ramp_domain::rollout::{Milestone, schedule};

use super::progress::percent;
use super::resolve;
use super::view::human_duration;
use super::{ConnectArgs, Outcome, Session, print_json};

#[derive(Subcommand, Debug)]
pub enum StrategyCommand {
    /// Show when each step of a strategy happens.
    #[command(after_long_help = PREVIEW_HELP)]
    Preview(PreviewArgs),
}

const PREVIEW_HELP: &str = "\
Examples:
  ramp strategy preview AppConfig.Linear20PercentEvery6Minutes
  ramp strategy preview my-strategy --step-timing documented --output json

Step timing: `observed` (ramp's default, from AWS's published trace: a duration D with S steps
is cut into S + 1 intervals) or `documented` (the user guide's table: a step every D / S).
Use the one the server runs with (`ramp serve --step-timing`).";

#[derive(Args, Debug)]
pub struct PreviewArgs {
    /// The strategy (name or ID; AWS's predefined ones are named AppConfig.*).
    strategy: String,
    /// How steps are spaced: as ramp's server does by default (observed), or as AWS's user guide
    /// documents (documented).
    #[arg(long, value_enum, default_value_t = Timing::Observed)]
    step_timing: Timing,
    #[command(flatten)]
    connect: ConnectArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum Timing {
    Observed,
    Documented,
}

impl Timing {
    fn model(self) -> StepTiming {
        match self {
            Self::Observed => StepTiming::Observed,
            Self::Documented => StepTiming::Documented,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Observed => "observed",
            Self::Documented => "documented",
        }
    }
}

/// One row of the timeline (`--output json`).
#[derive(Debug, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
struct Row {
    /// Seconds from the deployment's start.
    offset_seconds: f64,
    /// `PERCENTAGE`, `BAKE_STARTED` or `COMPLETED`.
    milestone: &'static str,
    /// The share of clients that receive the new version from then on.
    percentage: f64,
}

pub async fn preview(args: PreviewArgs) -> anyhow::Result<Outcome> {
    let session = Session::open(&args.connect).await?;
    let strategy = resolve::deployment_strategy(&session.appconfig(), &args.strategy).await?;
    let snapshot = StrategySnapshot {
        deployment_duration_in_minutes: i64::from(strategy.deployment_duration_in_minutes()),
        growth_type: strategy
            .growth_type()
            .and_then(|t| GrowthType::parse(t.as_str()))
            .unwrap_or(GrowthType::Linear),
        growth_factor: f64::from(strategy.growth_factor().unwrap_or_default()),
        final_bake_time_in_minutes: i64::from(strategy.final_bake_time_in_minutes()),
    };
    let rows = timeline(&snapshot, args.step_timing.model());
    let id = strategy.id().unwrap_or_default();
    let name = strategy.name().unwrap_or(id);

    if session.is_json() {
        print_json(&json!({
            "Id": id,
            "Name": name,
            "GrowthType": snapshot.growth_type.as_str(),
            "GrowthFactor": snapshot.growth_factor,
            "DeploymentDurationInMinutes": snapshot.deployment_duration_in_minutes,
            "FinalBakeTimeInMinutes": snapshot.final_bake_time_in_minutes,
            "StepTiming": args.step_timing.as_str(),
            "Timeline": rows,
        }));
        return Ok(Outcome::Success);
    }
    println!(
        "{name} ({id}): {} {} over {} min, bake {} min; step timing {}",
        snapshot.growth_type.as_str(),
        percent(snapshot.growth_factor),
        snapshot.deployment_duration_in_minutes,
        snapshot.final_bake_time_in_minutes,
        args.step_timing.as_str()
    );
    println!();
    for line in table(&rows) {
        println!("{line}");
    }
    Ok(Outcome::Success)
}

/// The schedule of a deployment started at 0, as rows.
fn timeline(strategy: &StrategySnapshot, timing: StepTiming) -> Vec<Row> {
    let mut percentage = 0.0;
    schedule(strategy, timing, Timestamp::from_millis(0))
        .into_iter()
        .map(|scheduled| {
            let milestone = match scheduled.milestone {
                Milestone::Percentage(p) => {
                    percentage = p;
                    "PERCENTAGE"
                }
                Milestone::BakeStarted => "BAKE_STARTED",
                Milestone::Completed => "COMPLETED",
            };
            Row {
                offset_seconds: scheduled.due_at.millis() as f64 / 1000.0,
                milestone,
                percentage,
            }
        })
        .collect()
}

/// The rows as an aligned table: offset, clients, what happens.
fn table(rows: &[Row]) -> Vec<String> {
    let mut lines = vec![format!("{:<10} {:>8}  {}", "AT", "CLIENTS", "EVENT")];
    lines.push(format!("{:<10} {:>8}  {}", "+0s", "0%", "deployment starts"));
    for row in rows {
        let event = match row.milestone {
            "PERCENTAGE" => format!("configuration available to {}", percent(row.percentage)),
            "BAKE_STARTED" => "bake time starts".to_owned(),
            _ => "deployment complete".to_owned(),
        };
        lines.push(format!(
            "{:<10} {:>8}  {event}",
            format!("+{}", offset(row.offset_seconds)),
            percent(row.percentage)
        ));
    }
    lines
}

/// An offset in seconds: whole ones as `2m05s`, fractions (a 1-minute, 7-step strategy) kept.
fn offset(seconds: f64) -> String {
    if seconds.fract() == 0.0 {
        human_duration(seconds as i64)
    } else if seconds < 60.0 {
        format!("{seconds:.1}s")
    } else {
        format!("{}m{:04.1}s", (seconds / 60.0).floor(), seconds % 60.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linear_50_over_2_bake_1() -> StrategySnapshot {
        StrategySnapshot {
            deployment_duration_in_minutes: 2,
            growth_type: GrowthType::Linear,
            growth_factor: 50.0,
            final_bake_time_in_minutes: 1,
        }
    }

    #[test]
    fn the_timeline_is_the_engines_schedule() {
        let rows = timeline(&linear_50_over_2_bake_1(), StepTiming::Observed);
        let offsets: Vec<f64> = rows.iter().map(|r| r.offset_seconds).collect();
        assert_eq!(offsets, vec![40.0, 80.0, 120.0, 180.0]);
        assert_eq!(rows[0].percentage, 50.0);
        assert_eq!(rows[3].milestone, "COMPLETED");

        let documented = timeline(&linear_50_over_2_bake_1(), StepTiming::Documented);
        let offsets: Vec<f64> = documented.iter().map(|r| r.offset_seconds).collect();
        assert_eq!(offsets, vec![60.0, 120.0, 120.0, 180.0]);
    }

    #[test]
    fn the_table_reads_left_to_right() {
        let lines = table(&timeline(&linear_50_over_2_bake_1(), StepTiming::Observed));
        assert_eq!(lines[0], "AT          CLIENTS  EVENT");
        assert_eq!(lines[2], "+40s            50%  configuration available to 50%");
        assert_eq!(lines[5], "+3m00s         100%  deployment complete");
    }

    #[test]
    fn fractional_offsets_keep_their_tenths() {
        assert_eq!(offset(8.5), "8.5s");
        assert_eq!(offset(68.5), "1m08.5s");
        assert_eq!(offset(120.0), "2m00s");
    }
}
