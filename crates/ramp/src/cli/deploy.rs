//! `ramp deploy`: a file (or an existing version) to an environment, and with `--wait` the whole
//! rollout followed to its end, so that one command and its exit code are all a CI pipeline needs.

use std::path::{Path, PathBuf};

use aws_sdk_appconfig::primitives::Blob;
use clap::{ArgGroup, Args};
use serde_json::json;

use super::api::Call;
use super::follow::{Followed, Reason, Target, follow, get_deployment};
use super::progress::Progress;
use super::resolve::{self, Named};
use super::view::DeploymentView;
use super::{ConnectArgs, Outcome, Session, WaitArgs, print_json};

pub const HELP: &str = "\
Examples:
  # Deploy config.json to prod and wait: exit 0 once COMPLETE, 3 if it rolls back.
  ramp deploy --app shop --env prod --profile cfg --file config.json --wait

  # Deploy version 4, which already exists, with a gradual strategy.
  ramp deploy --app shop --env prod --profile cfg --version 4 \\
      --strategy AppConfig.Linear50PercentEvery30Seconds --wait

  # For scripts: one JSON document (the deployment as it ended) on stdout.
  ramp deploy --app shop --env prod --profile cfg --file config.json --wait --output json

Applications, environments, profiles and strategies are taken by name or by ID.
With --wait, progress shows as a bar on a terminal and as one line per event otherwise.

Exit codes:
  0    started (without --wait), or COMPLETE (with --wait)
  1    error: API or network failure, a name that matches nothing, bad input
  2    command-line usage error
  3    ROLLED_BACK: an alarm, a user's stop or an extension rolled it back (the reason is printed)
  4    REVERTED
  5    --timeout passed while waiting: ramp stopped watching, the deployment goes on
  130  Ctrl-C while waiting: ramp stopped watching, the deployment goes on";

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("source").required(true).args(["file", "version"])))]
pub struct DeployArgs {
    /// The application (name or ID).
    #[arg(long, value_name = "APP")]
    app: String,
    /// The environment (name or ID).
    #[arg(long, value_name = "ENV")]
    env: String,
    /// The configuration profile (name or ID).
    #[arg(long, value_name = "PROFILE")]
    profile: String,
    /// A file to deploy: it becomes the profile's next hosted configuration version.
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// A version that already exists: its number (or VersionLabel).
    #[arg(long, value_name = "N")]
    version: Option<String>,
    /// The file's content type [default: from its extension: .json application/json,
    /// .yaml/.yml application/x-yaml, .txt text/plain, else application/octet-stream].
    #[arg(long, value_name = "TYPE", requires = "file")]
    content_type: Option<String>,
    /// A label for the new version.
    #[arg(long, value_name = "LABEL", requires = "file")]
    version_label: Option<String>,
    /// The deployment strategy (name or ID; AWS's predefined ones are named AppConfig.*).
    #[arg(long, value_name = "STRATEGY", default_value = "AppConfig.AllAtOnce")]
    strategy: String,
    /// The deployment's description.
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    #[command(flatten)]
    wait: WaitArgs,
    #[command(flatten)]
    connect: ConnectArgs,
}

pub async fn run(args: DeployArgs) -> anyhow::Result<Outcome> {
    let session = Session::open(&args.connect).await?;
    let client = session.appconfig();

    // 1. What the user named.
    let (application, environment) = resolve::application_and_environment(&client, &args.app, &args.env).await?;
    let profile = resolve::configuration_profile(&client, &application, &args.profile).await?;
    let strategy = resolve::deployment_strategy(&client, &args.strategy).await?;
    let strategy_id = strategy.id().unwrap_or_default().to_owned();

    // 2. The version: a new hosted version from the file, or the one given.
    let version = match (&args.file, &args.version) {
        (Some(file), _) => create_version(&session, &application, &profile, file, &args).await?,
        (None, Some(version)) => version.clone(),
        (None, None) => anyhow::bail!("give --file or --version"),
    };

    // 3. The deployment.
    let started = client
        .start_deployment()
        .application_id(&application.id)
        .environment_id(&environment.id)
        .configuration_profile_id(&profile.id)
        .configuration_version(&version)
        .deployment_strategy_id(&strategy_id)
        .set_description(args.description.clone())
        .send()
        .await
        .call("StartDeployment")?;
    let target = Target {
        application_id: &application.id,
        environment_id: &environment.id,
        deployment_number: started.deployment_number(),
    };
    if !session.is_json() {
        println!(
            "Deployment {} started: {} version {version} to {} ({}) with {}",
            target.deployment_number,
            profile.name,
            environment.name,
            application.name,
            strategy.name().unwrap_or(&strategy_id)
        );
    }

    // 4. Without --wait, that is all; with it, follow to the end.
    if !args.wait.wait {
        if session.is_json() {
            let deployment = get_deployment(&client, &target).await?;
            print_json(&json!(deployment));
        } else {
            println!(
                "Follow it with: ramp status --app {} --env {}",
                application.name, environment.name
            );
        }
        return Ok(Outcome::Success);
    }
    let progress = Progress::new(session.output);
    match follow(&session, &target, &args.wait, &progress).await? {
        Followed::Finished(deployment) => report_end(&session, &application, &environment, &deployment).await,
        Followed::CutShort(outcome) => {
            let why = if outcome == Outcome::TimedOut {
                "--timeout passed"
            } else {
                "interrupted"
            };
            eprintln!(
                "ramp: stopped waiting ({why}); deployment {} goes on (`ramp status --app {} --env {}` shows it, \
                 `ramp stop --app {} --env {}` stops it)",
                target.deployment_number, application.name, environment.name, application.name, environment.name
            );
            Ok(outcome)
        }
    }
}

/// CreateHostedConfigurationVersion from the file; the new version number.
async fn create_version(
    session: &Session,
    application: &Named,
    profile: &Named,
    file: &Path,
    args: &DeployArgs,
) -> anyhow::Result<String> {
    let content = std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let content_type = args
        .content_type
        .clone()
        .unwrap_or_else(|| content_type_of(file).to_owned());
    let created = session
        .appconfig()
        .create_hosted_configuration_version()
        .application_id(&application.id)
        .configuration_profile_id(&profile.id)
        .content(Blob::new(content))
        .content_type(content_type)
        .set_version_label(args.version_label.clone())
        .send()
        .await
        .call("CreateHostedConfigurationVersion")?;
    let number = created.version_number();
    if !session.is_json() {
        println!("Created version {number} of {} from {}", profile.name, file.display());
    }
    Ok(number.to_string())
}

/// The content type a file's extension suggests.
fn content_type_of(file: &Path) -> &'static str {
    let extension = file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("json") => "application/json",
        Some("yaml" | "yml") => "application/x-yaml",
        Some("txt") => "text/plain",
        _ => "application/octet-stream",
    }
}

/// The last word on a followed deployment, and the exit code it earns.
async fn report_end(
    session: &Session,
    application: &Named,
    environment: &Named,
    deployment: &DeploymentView,
) -> anyhow::Result<Outcome> {
    let outcome = match deployment.state.as_str() {
        "COMPLETE" => Outcome::Success,
        "REVERTED" => Outcome::Reverted,
        _ => Outcome::Failed,
    };
    let reason = match outcome {
        Outcome::Success => None,
        _ => Reason::of(session, deployment).await,
    };
    if session.is_json() {
        let mut document = json!(deployment);
        if let Some(reason) = &reason {
            document["Reason"] = json!(reason);
        }
        print_json(&document);
        return Ok(outcome);
    }
    let what = format!(
        "deployment {} of {} version {} to {} ({})",
        deployment.deployment_number,
        deployment.configuration_name,
        deployment.configuration_version,
        environment.name,
        application.name
    );
    match (outcome, reason) {
        (Outcome::Success, _) => println!("{}: {}", capitalized(&what), deployment.state),
        (_, Some(reason)) => eprintln!("ramp: {what} {}: {}", deployment.state, reason.sentence()),
        (_, None) => eprintln!("ramp: {what} {}", deployment.state),
    }
    Ok(outcome)
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_type_follows_the_extension() {
        assert_eq!(content_type_of(Path::new("config.JSON")), "application/json");
        assert_eq!(content_type_of(Path::new("a/b.yml")), "application/x-yaml");
        assert_eq!(content_type_of(Path::new("notes.txt")), "text/plain");
        assert_eq!(content_type_of(Path::new("blob")), "application/octet-stream");
    }
}
