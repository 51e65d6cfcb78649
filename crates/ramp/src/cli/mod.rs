//! The deploy CLI: `ramp deploy`, `status`, `stop`, `revert`, `alarm set`, `strategy preview`
//! and `site deploy` (README "Deploy CLI").
//!
//! Every command is a client: it talks to a ramp server (or to AWS itself with `--aws`) through
//! the official AWS SDK for Rust, exactly as any other AWS tooling would, and to ramp's admin API
//! (`/_ramp/…`) for what AWS has no operation for (alarms, ramp's clock). It never opens a store.

mod admin;
mod alarm;
mod api;
mod connect;
mod control;
mod deploy;
mod follow;
mod progress;
mod resolve;
mod site;
mod status;
mod strategy;
mod view;

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};

use connect::Session;

/// The exit codes of every command, shown in `--help` and README "Deploy CLI".
pub const EXIT_CODES: &str = "\
Exit codes:
  0    success (a deployment COMPLETE, a site job SUCCEED)
  1    error: API or network failure, a name that matches nothing, bad input
  2    command-line usage error
  3    the deployment ROLLED_BACK (alarm, user stop, extension), or the site job FAILED
  4    the deployment was REVERTED, or the site job CANCELLED
  5    --timeout passed while waiting: ramp stopped watching, the deployment goes on
  130  Ctrl-C while waiting: ramp stopped watching, the deployment goes on";

/// The CLI's subcommands; `main.rs` lists them beside `serve`.
#[derive(Subcommand)]
pub enum Command {
    /// Deploy a configuration version; with --wait, follow it until it completes or rolls back.
    #[command(after_long_help = deploy::HELP)]
    Deploy(deploy::DeployArgs),
    /// What is deployed where, and what is in flight.
    #[command(after_long_help = status::HELP)]
    Status(status::StatusArgs),
    /// Stop a deployment in progress: it rolls back to the previous version.
    #[command(after_long_help = control::STOP_HELP)]
    Stop(control::StopArgs),
    /// Revert a completed deployment (within 72 hours) to the previous version.
    #[command(after_long_help = control::REVERT_HELP)]
    Revert(control::RevertArgs),
    /// ramp's alarms, which environment monitors watch.
    #[command(subcommand)]
    Alarm(alarm::AlarmCommand),
    /// Deployment strategies.
    #[command(subcommand)]
    Strategy(strategy::StrategyCommand),
    /// Amplify Hosting sites.
    #[command(subcommand)]
    Site(site::SiteCommand),
}

/// Where to connect and how to print: every command takes these.
#[derive(Args, Clone, Debug)]
pub struct ConnectArgs {
    /// The server's URL [default: $RAMP_ENDPOINT_URL, else $AWS_ENDPOINT_URL, else http://127.0.0.1:4566].
    #[arg(long, value_name = "URL", conflicts_with = "aws")]
    pub endpoint_url: Option<String>,
    /// Talk to AWS itself: the SDK's own endpoint resolution and credential chain instead of a
    /// local ramp.
    #[arg(long)]
    pub aws: bool,
    /// The AWS region [default: $AWS_REGION or the profile's region, else us-east-1].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// The AWS shared-config profile for credentials and region [default: $AWS_PROFILE].
    /// (`--profile` names the configuration profile.)
    #[arg(long, value_name = "NAME")]
    pub aws_profile: Option<String>,
    /// How to print the result: text for people, json (one document on stdout) for scripts.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub output: Output,
}

/// Whether to follow what a command started, and how often to look.
#[derive(Args, Clone, Debug)]
pub struct WaitArgs {
    /// Follow it until it ends (a deployment COMPLETE, ROLLED_BACK or REVERTED; a site job
    /// SUCCEED or FAILED); the exit code says which.
    #[arg(long)]
    pub wait: bool,
    /// Seconds between two looks while waiting (real time).
    #[arg(long, value_name = "SECONDS", default_value = "1", value_parser = parse_seconds)]
    pub poll_interval: std::time::Duration,
    /// Stop waiting after this many seconds (real time) with exit code 5; what was started
    /// goes on [default: wait as long as it takes].
    #[arg(long, value_name = "SECONDS", requires = "wait", value_parser = parse_timeout)]
    pub timeout: Option<std::time::Duration>,
}

impl WaitArgs {
    /// Resolves when waiting must stop before the end: Ctrl-C ([`Outcome::Interrupted`]) or
    /// `--timeout` ([`Outcome::TimedOut`]).
    pub async fn cut_short(&self) -> Outcome {
        let timeout = async {
            match self.timeout {
                Some(timeout) => tokio::time::sleep(timeout).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => Outcome::Interrupted,
            () = timeout => Outcome::TimedOut,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    Text,
    Json,
}

/// How a command ended, beyond plain success: the exit code says it (see [`EXIT_CODES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// The deployment rolled back, or the site job failed.
    Failed,
    /// The deployment was reverted, or the site job cancelled.
    Reverted,
    /// `--timeout` passed while waiting: what was followed goes on.
    TimedOut,
    /// Ctrl-C while waiting: what was followed goes on.
    Interrupted,
}

impl Outcome {
    fn exit_code(self) -> ExitCode {
        ExitCode::from(match self {
            Self::Success => 0,
            Self::Failed => 3,
            Self::Reverted => 4,
            Self::TimedOut => 5,
            Self::Interrupted => 130,
        })
    }
}

/// Runs a CLI command to its end: a one-line message on stderr for any error, never a panic.
pub fn run(command: Command) -> ExitCode {
    // Logs only on request: the SDK's warnings would otherwise mix with the command's output.
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_default_env() {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("ramp: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(command)) {
        Ok(outcome) => outcome.exit_code(),
        Err(e) => {
            eprintln!("ramp: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Deploy(args) => deploy::run(args).await,
        Command::Status(args) => status::run(args).await,
        Command::Stop(args) => control::stop(args).await,
        Command::Revert(args) => control::revert(args).await,
        Command::Alarm(alarm::AlarmCommand::Set(args)) => alarm::set(args).await,
        Command::Strategy(strategy::StrategyCommand::Preview(args)) => strategy::preview(args).await,
        Command::Site(site::SiteCommand::Deploy(args)) => site::deploy(args).await,
    }
}

/// A positive number of seconds, fractions allowed (`--poll-interval 0.5`).
fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds > 0.0 && seconds <= 3600.0 => {
            Ok(std::time::Duration::from_secs_f64(seconds))
        }
        _ => Err(format!("{text:?} is not a number of seconds between 0 and 3600")),
    }
}

fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds > 0.0 && seconds <= 7.0 * 86_400.0 => {
            Ok(std::time::Duration::from_secs_f64(seconds))
        }
        _ => Err(format!(
            "{text:?} is not a number of seconds between 0 and 604800 (a week)"
        )),
    }
}

/// Prints one JSON document on stdout (`--output json`).
pub fn print_json(value: &serde_json::Value) {
    // A Value always serializes.
    println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
}
