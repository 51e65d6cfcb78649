//! `--wait`: polls GetDeployment until the deployment ends, showing each event once, the
//! percentage and the next step's countdown; Ctrl-C or `--timeout` stops the waiting, not the
//! deployment.

use std::time::Duration;

use serde::Serialize;

use super::api::Call;
use super::progress::{Progress, event_line, next_step, percent};
use super::view::DeploymentView;
use super::{Outcome, Session, WaitArgs};
use ramp_domain::rollout::Milestone;

/// How following ended.
pub enum Followed {
    /// COMPLETE, ROLLED_BACK or REVERTED.
    Finished(Box<DeploymentView>),
    /// Ctrl-C or `--timeout` ([`Outcome::Interrupted`] or [`Outcome::TimedOut`]): the
    /// deployment goes on.
    CutShort(Outcome),
}

/// Which deployment to follow.
pub struct Target<'a> {
    pub application_id: &'a str,
    pub environment_id: &'a str,
    pub deployment_number: i32,
}

/// Follows a deployment until it ends, the user presses Ctrl-C or `--timeout` passes.
pub async fn follow(
    session: &Session,
    target: &Target<'_>,
    wait: &WaitArgs,
    progress: &Progress,
) -> anyhow::Result<Followed> {
    let followed = tokio::select! {
        result = poll_until_finished(session, target, wait.poll_interval, progress) => result.map(|d| Followed::Finished(Box::new(d))),
        outcome = wait.cut_short() => Ok(Followed::CutShort(outcome)),
    };
    progress.finish();
    followed
}

async fn poll_until_finished(
    session: &Session,
    target: &Target<'_>,
    poll_interval: Duration,
    progress: &Progress,
) -> anyhow::Result<DeploymentView> {
    let client = session.appconfig();
    let mut shown = 0;
    loop {
        let deployment = get_deployment(&client, target).await?;
        shown = show_new_events(&deployment, shown, progress);
        let next = deployment.next_milestone();
        let status = match &next {
            Some(next) => format!("{}  {}", deployment.state, next_step(next, session.server_now().await)),
            None => deployment.state.clone(),
        };
        progress.status(f64::from(deployment.percentage_complete), &status);
        if deployment.is_finished() {
            return Ok(deployment);
        }
        tokio::time::sleep(poll_interval).await;
    }
}

pub async fn get_deployment(client: &aws_sdk_appconfig::Client, target: &Target<'_>) -> anyhow::Result<DeploymentView> {
    let output = client
        .get_deployment()
        .application_id(target.application_id)
        .environment_id(target.environment_id)
        .deployment_number(target.deployment_number)
        .send()
        .await
        .call("GetDeployment")?;
    Ok(DeploymentView::from_wire(&output))
}

/// Prints the events after the first `shown` (the log only grows); returns how many are shown.
fn show_new_events(deployment: &DeploymentView, shown: usize, progress: &Progress) -> usize {
    let percentages = deployment.percentages_by_event();
    let events = &deployment.event_log;
    for (event, percentage) in events.iter().zip(&percentages).skip(shown) {
        progress.line(&event_line(event, *percentage));
    }
    // On plain output, say what comes next after each batch of events, so a CI log shows it.
    if events.len() > shown
        && !progress.is_terminal()
        && let Some(next) = deployment.next_milestone()
    {
        progress.line(&format!(
            "{:>20} {}",
            "",
            match next.milestone {
                Milestone::Percentage(p) => format!("next: {} at {}", percent(p), short(next.due_at)),
                Milestone::BakeStarted => format!("bake starts at {}", short(next.due_at)),
                Milestone::Completed => format!("bake ends at {}", short(next.due_at)),
            }
        ));
    }
    events.len().max(shown)
}

fn short(at: ramp_clock::Timestamp) -> String {
    super::progress::short_time(&at.to_iso8601())
}

/// Why a deployment rolled back or was reverted: its ROLLBACK_STARTED (or REVERT_COMPLETED) event,
/// and for an alarm, the alarm's name and, from ramp, the reason it was set with.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Reason {
    pub triggered_by: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alarm_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alarm_reason: Option<String>,
}

impl Reason {
    pub async fn of(session: &Session, deployment: &DeploymentView) -> Option<Self> {
        // The event that says who and why: the rollback's start, else the revert.
        let last = |event_type: &str| deployment.event_log.iter().rev().find(|e| e.event_type == event_type);
        let event = last("ROLLBACK_STARTED")
            .or_else(|| last("REVERT_COMPLETED"))
            .or_else(|| last("ROLLBACK_COMPLETED"))?;
        let alarm_name = alarm_name(&event.description);
        let alarm_reason = match (&alarm_name, session.ramp_admin()) {
            (Some(name), Some(admin)) => admin.alarms().await.ok().and_then(|alarms| {
                alarms["Alarms"]
                    .as_array()?
                    .iter()
                    .find(|a| a["Name"].as_str() == Some(name))
                    .and_then(|a| a["Reason"].as_str())
                    .filter(|reason| !reason.is_empty())
                    .map(str::to_owned)
            }),
            _ => None,
        };
        Some(Self {
            triggered_by: event.triggered_by.clone(),
            description: event.description.clone(),
            alarm_name,
            alarm_reason,
        })
    }

    /// `alarm errors (5xx up): Rollback initiated by CloudWatch alarm arn:… (CLOUDWATCH_ALARM)`.
    pub fn sentence(&self) -> String {
        let alarm = match (&self.alarm_name, &self.alarm_reason) {
            (Some(name), Some(reason)) => format!("alarm {name} ({reason}): "),
            (Some(name), None) => format!("alarm {name}: "),
            _ => String::new(),
        };
        format!("{alarm}{} (triggered by {})", self.description, self.triggered_by)
    }
}

/// The alarm NAME of `arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME` in an event's description.
fn alarm_name(description: &str) -> Option<String> {
    let arn = description
        .split_whitespace()
        .find(|word| word.starts_with("arn:aws:cloudwatch:"))?;
    let name = arn.split_once(":alarm:")?.1;
    let name = name.trim_end_matches(['.', ',', ';', ')']);
    (!name.is_empty()).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alarm_name_comes_from_the_arn_in_the_description() {
        assert_eq!(
            alarm_name("Rollback initiated by CloudWatch alarm arn:aws:cloudwatch:us-east-1:000000000000:alarm:errors"),
            Some("errors".to_owned())
        );
        assert_eq!(alarm_name("Rollback initiated by user 000000000000"), None);
    }

    #[test]
    fn a_reason_reads_as_one_sentence() {
        let reason = Reason {
            triggered_by: "CLOUDWATCH_ALARM".into(),
            description: "Rollback initiated by CloudWatch alarm arn:aws:cloudwatch:us-east-1:1:alarm:errors".into(),
            alarm_name: Some("errors".into()),
            alarm_reason: Some("5xx up".into()),
        };
        assert_eq!(
            reason.sentence(),
            "alarm errors (5xx up): Rollback initiated by CloudWatch alarm \
             arn:aws:cloudwatch:us-east-1:1:alarm:errors (triggered by CLOUDWATCH_ALARM)"
        );
    }
}
