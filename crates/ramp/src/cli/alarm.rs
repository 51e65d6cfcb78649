//! `ramp alarm set NAME STATE`: ramp's admin API `PUT /_ramp/alarms/{NAME}` (DESIGN.md "alarms").
//! A deployment whose environment monitors `arn:aws:cloudwatch:…:alarm:NAME` rolls back, before
//! the call answers, when NAME goes to ALARM or INSUFFICIENT_DATA.

use clap::{Args, Subcommand, ValueEnum};

use super::{ConnectArgs, Outcome, Session, print_json};

#[derive(Subcommand, Debug)]
pub enum AlarmCommand {
    /// Set an alarm's state; deployments watching it roll back on ALARM or INSUFFICIENT_DATA.
    #[command(after_long_help = SET_HELP)]
    Set(SetArgs),
}

const SET_HELP: &str = "\
Examples:
  ramp alarm set errors ALARM --reason '5xx above 1%'   # rolls back deployments watching it
  ramp alarm set errors OK

An environment watches the alarm NAME through a monitor whose AlarmArn is
arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME. On AWS, alarms live in CloudWatch:
`aws cloudwatch set-alarm-state` sets them there.";

#[derive(Args, Debug)]
pub struct SetArgs {
    /// The alarm's name (the last part of the monitor's AlarmArn).
    name: String,
    /// The new state.
    #[arg(value_enum, ignore_case = true)]
    state: AlarmState,
    /// Why, as people will read it in the rollback's report.
    #[arg(long, value_name = "TEXT", default_value = "")]
    reason: String,
    #[command(flatten)]
    connect: ConnectArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
enum AlarmState {
    Ok,
    Alarm,
    InsufficientData,
}

impl AlarmState {
    fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Alarm => "ALARM",
            Self::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

pub async fn set(args: SetArgs) -> anyhow::Result<Outcome> {
    let session = Session::open(&args.connect).await?;
    let admin = session.ramp_admin().ok_or_else(|| {
        anyhow::anyhow!(
            "on AWS, alarms live in CloudWatch: aws cloudwatch set-alarm-state --alarm-name {} --state-value {} \
             --state-reason '…'",
            args.name,
            args.state.as_str()
        )
    })?;
    let answer = admin.set_alarm(&args.name, args.state.as_str(), &args.reason).await?;
    if session.is_json() {
        print_json(&answer);
    } else {
        let rolled_back = answer["RolledBack"].as_u64().unwrap_or_default();
        let deployments = match rolled_back {
            0 => "no deployment rolled back".to_owned(),
            1 => "1 deployment rolled back".to_owned(),
            n => format!("{n} deployments rolled back"),
        };
        println!("Alarm {} is {}; {deployments}", args.name, args.state.as_str());
    }
    Ok(Outcome::Success)
}
