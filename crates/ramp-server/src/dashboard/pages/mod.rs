//! One module per page (or group of pages). Each handler reads through the domain services, as
//! the AWS API's handlers do, and writes HTML with `super::html`.

pub mod alarms;
pub mod amplify;
pub mod application;
pub mod deployment;
pub mod engine;
pub mod overview;
pub mod profile;
pub mod strategies;

use std::collections::HashMap;

use ramp_domain::deployment::Alarm;
pub use ramp_domain::page::every_page;

use super::Problem;
use crate::AppState;

/// The page size the dashboard lists with (the API's largest).
pub const PAGE: Option<i64> = Some(50);

/// The alarms by name.
pub async fn alarms_by_name(state: &AppState) -> Result<HashMap<String, Alarm>, Problem> {
    let alarms = state
        .engine
        .alarms()
        .await
        .map_err(|e| Problem::from_domain(e.into()))?;
    Ok(alarms.into_iter().map(|a| (a.name.clone(), a)).collect())
}

/// A monitor's alarm, its state badge and reason, as a list item.
pub fn monitor_item(alarm_arn: &str, alarms: &HashMap<String, Alarm>) -> String {
    use super::html::{E, badge};
    let name = ramp_engine::alarm_name(alarm_arn).unwrap_or(alarm_arn);
    match alarms.get(name) {
        Some(alarm) => format!(
            "<li><span class=\"mono\">{}</span> {} <span class=\"muted\">{}</span></li>",
            E(name),
            badge(alarm.state.as_str()),
            E(&alarm.reason)
        ),
        None => format!(
            "<li><span class=\"mono\">{}</span> <span class=\"muted\">never set (counts as OK)</span></li>",
            E(name)
        ),
    }
}
