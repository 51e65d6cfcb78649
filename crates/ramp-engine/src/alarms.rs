//! Which alarm a deployment's monitors point at: a monitor's `AlarmArn`
//! `arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME` names the ramp alarm NAME (DESIGN.md "alarms").

use ramp_domain::deployment::{Alarm, Deployment};

/// The NAME of `arn:…:alarm:NAME`.
pub fn alarm_name(alarm_arn: &str) -> Option<&str> {
    alarm_arn.split_once(":alarm:").map(|(_, name)| name)
}

/// The ARN of the first monitor of `deployment` whose alarm is firing.
pub fn firing_monitor<'a>(deployment: &'a Deployment, firing: &[&Alarm]) -> Option<&'a str> {
    deployment
        .monitors
        .iter()
        .map(|m| m.alarm_arn.as_str())
        .find(|arn| alarm_name(arn).is_some_and(|name| firing.iter().any(|a| a.name == name)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_alarm_name() {
        assert_eq!(
            super::alarm_name("arn:aws:cloudwatch:us-east-1:000000000000:alarm:errors"),
            Some("errors")
        );
        assert_eq!(
            super::alarm_name("arn:aws:cloudwatch:us-east-1:000000000000:alarm:a:b"),
            Some("a:b")
        );
        assert_eq!(super::alarm_name("arn:aws:sns:us-east-1:000000000000:topic"), None);
    }
}
