//! How following something looks: a progress bar on a terminal (percentage, state, the next
//! step's countdown, events printed above it as they come), one plain line per event elsewhere
//! (CI logs), nothing with `--output json` (one document at the end instead).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use ramp_clock::Timestamp;
use ramp_domain::rollout::{Milestone, Scheduled};

use super::Output;
use super::view::{EventView, human_duration};

pub enum Progress {
    Bar(ProgressBar),
    Lines,
    Silent,
}

impl Progress {
    /// The bar on a terminal, lines when stdout is a file or a pipe, silence for JSON.
    pub fn new(output: Output) -> Self {
        if output == Output::Json {
            return Self::Silent;
        }
        if !std::io::stdout().is_terminal() {
            return Self::Lines;
        }
        // On stdout, like the lines printed above it (indicatif draws on stderr by default).
        let bar = ProgressBar::with_draw_target(Some(100), ProgressDrawTarget::stdout());
        let style = ProgressStyle::with_template("{spinner} [{bar:40}] {pos:>3}%  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(120));
        Self::Bar(bar)
    }

    /// A spinner with a message on a terminal (for what has no percentage), else as [`new`](Self::new).
    pub fn spinner(output: Output) -> Self {
        match Self::new(output) {
            Self::Bar(bar) => {
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                Self::Bar(bar)
            }
            other => other,
        }
    }

    /// A line that stays: above the bar on a terminal, as is elsewhere.
    pub fn line(&self, line: &str) {
        match self {
            Self::Bar(bar) => bar.println(line),
            Self::Lines => println!("{line}"),
            Self::Silent => {}
        }
    }

    /// The bar's position and message; plain output shows what changes through [`line`](Self::line).
    pub fn status(&self, percentage: f64, message: &str) {
        if let Self::Bar(bar) = self {
            bar.set_position(percentage.clamp(0.0, 100.0).round() as u64);
            bar.set_message(message.to_owned());
        }
    }

    /// Removes the bar; what was printed above it stays.
    pub fn finish(&self) {
        if let Self::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }

    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Bar(_))
    }
}

/// One event as a log line: time, percentage, event type, triggered-by, description.
pub fn event_line(event: &EventView, percentage: f64) -> String {
    format!(
        "{}  {:>7}  {:<22} {:<17} {}",
        event.occurred_at.as_deref().map_or_else(|| "-".to_owned(), short_time),
        format!("{percentage:.2}%"),
        event.event_type,
        event.triggered_by,
        event.description
    )
}

/// What comes next and when, on the server's clock: `100% in 40s`, `bake ends in 1m00s`.
pub fn next_step(next: &Scheduled, now: Timestamp) -> String {
    let wait = (next.due_at.millis() - now.millis() + 999) / 1000;
    let when = if wait > 0 {
        format!("in {}", human_duration(wait))
    } else {
        "now".to_owned()
    };
    match next.milestone {
        Milestone::Percentage(p) => format!("next: {} {when}", percent(p)),
        Milestone::BakeStarted => format!("bake starts {when}"),
        Milestone::Completed => format!("bake ends {when}"),
    }
}

/// A percentage without needless decimals: `50%`, `12.5%`.
pub fn percent(p: f64) -> String {
    let text = format!("{p:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

/// `2026-12-07T04:30:00.000Z` as `2026-12-07 04:30:00`.
pub fn short_time(iso: &str) -> String {
    let trimmed = iso.split('.').next().unwrap_or(iso).trim_end_matches('Z');
    trimmed.replacen('T', " ", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_line_has_time_percentage_type_trigger_and_description() {
        let event = EventView {
            event_type: "PERCENTAGE_UPDATED".into(),
            triggered_by: "APPCONFIG".into(),
            description: "Configuration available to 50.00% of clients".into(),
            occurred_at: Some("2026-12-07T04:30:00.000Z".into()),
        };
        assert_eq!(
            event_line(&event, 50.0),
            "2026-12-07 04:30:00   50.00%  PERCENTAGE_UPDATED     APPCONFIG         \
             Configuration available to 50.00% of clients"
        );
    }

    #[test]
    fn the_next_step_counts_down_on_the_servers_clock() {
        let now = Timestamp::from_millis(1_000_000);
        let step = Scheduled {
            due_at: now.plus_millis(40_000),
            milestone: Milestone::Percentage(100.0),
        };
        assert_eq!(next_step(&step, now), "next: 100% in 40s");
        let bake = Scheduled {
            due_at: now.plus_millis(59_500),
            milestone: Milestone::Completed,
        };
        assert_eq!(next_step(&bake, now), "bake ends in 1m00s");
        assert_eq!(next_step(&bake, now.plus_millis(70_000)), "bake ends now");
    }

    #[test]
    fn percentages_drop_needless_decimals() {
        assert_eq!(percent(50.0), "50%");
        assert_eq!(percent(12.5), "12.5%");
        assert_eq!(percent(33.333), "33.33%");
    }
}
