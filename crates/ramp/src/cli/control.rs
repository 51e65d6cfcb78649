//! `ramp stop` and `ramp revert`: StopDeployment on the deployment in flight (it rolls back), or
//! with `AllowRevert` on a completed one (spec/appconfig.md §7: only the environment's latest
//! deployment of its profile, within 72 hours of completion; ramp says why otherwise).

use aws_sdk_appconfig::types::DeploymentSummary;
use clap::Args;
use serde_json::json;

use super::api::Call;
use super::follow::{Target, get_deployment};
use super::resolve::{self, Named};
use super::view::is_in_flight;
use super::{ConnectArgs, Outcome, Session, print_json};

pub const STOP_HELP: &str = "\
Examples:
  ramp stop --app shop --env prod                  # the deployment in flight
  ramp stop --app shop --env prod --deployment 7";

pub const REVERT_HELP: &str = "\
Examples:
  ramp revert --app shop --env prod                # the environment's latest deployment
  ramp revert --app shop --env prod --profile cfg  # the latest deployment of profile cfg
  ramp revert --app shop --env prod --deployment 7";

#[derive(Args, Debug)]
pub struct StopArgs {
    /// The application (name or ID).
    #[arg(long, value_name = "APP")]
    app: String,
    /// The environment (name or ID).
    #[arg(long, value_name = "ENV")]
    env: String,
    /// The deployment's number [default: the one in flight].
    #[arg(long, value_name = "N")]
    deployment: Option<i32>,
    #[command(flatten)]
    connect: ConnectArgs,
}

#[derive(Args, Debug)]
pub struct RevertArgs {
    /// The application (name or ID).
    #[arg(long, value_name = "APP")]
    app: String,
    /// The environment (name or ID).
    #[arg(long, value_name = "ENV")]
    env: String,
    /// The deployment's number [default: the environment's latest, of --profile when given].
    #[arg(long, value_name = "N", conflicts_with = "profile")]
    deployment: Option<i32>,
    /// Revert the latest deployment of this configuration profile (name or ID).
    #[arg(long, value_name = "PROFILE")]
    profile: Option<String>,
    #[command(flatten)]
    connect: ConnectArgs,
}

pub async fn stop(args: StopArgs) -> anyhow::Result<Outcome> {
    let session = Session::open(&args.connect).await?;
    let client = session.appconfig();
    let (application, environment) = resolve::application_and_environment(&client, &args.app, &args.env).await?;
    let number = match args.deployment {
        Some(number) => number,
        None => {
            let deployments = resolve::deployments(&client, &application.id, &environment.id).await?;
            deployments
                .iter()
                .filter(|d| d.state().is_some_and(|s| is_in_flight(s.as_str())))
                .map(DeploymentSummary::deployment_number)
                .max()
                .ok_or_else(|| anyhow::anyhow!("no deployment is in progress in environment {:?}", environment.name))?
        }
    };
    stop_deployment(&session, &application, &environment, number, false).await
}

pub async fn revert(args: RevertArgs) -> anyhow::Result<Outcome> {
    let session = Session::open(&args.connect).await?;
    let client = session.appconfig();
    let (application, environment) = resolve::application_and_environment(&client, &args.app, &args.env).await?;
    let profile = match &args.profile {
        Some(given) => Some(resolve::configuration_profile(&client, &application, given).await?),
        None => None,
    };
    let number = match args.deployment {
        Some(number) => number,
        None => {
            let deployments = resolve::deployments(&client, &application.id, &environment.id).await?;
            deployments
                .iter()
                .filter(|d| {
                    profile
                        .as_ref()
                        .is_none_or(|p| d.configuration_profile_id() == Some(p.id.as_str()))
                })
                .map(DeploymentSummary::deployment_number)
                .max()
                .ok_or_else(|| {
                    let of = profile
                        .as_ref()
                        .map(|p| format!(" of profile {:?}", p.name))
                        .unwrap_or_default();
                    anyhow::anyhow!("environment {:?} has no deployment{of} to revert", environment.name)
                })?
        }
    };
    stop_deployment(&session, &application, &environment, number, true).await
}

/// StopDeployment, then the deployment as it now stands.
async fn stop_deployment(
    session: &Session,
    application: &Named,
    environment: &Named,
    number: i32,
    allow_revert: bool,
) -> anyhow::Result<Outcome> {
    let client = session.appconfig();
    client
        .stop_deployment()
        .application_id(&application.id)
        .environment_id(&environment.id)
        .deployment_number(number)
        .allow_revert(allow_revert)
        .send()
        .await
        .call("StopDeployment")?;
    let target = Target {
        application_id: &application.id,
        environment_id: &environment.id,
        deployment_number: number,
    };
    let deployment = get_deployment(&client, &target).await?;
    if session.is_json() {
        print_json(&json!(deployment));
    } else {
        println!(
            "Deployment {number} of {} version {} to {} ({}): {}",
            deployment.configuration_name,
            deployment.configuration_version,
            environment.name,
            application.name,
            deployment.state
        );
    }
    Ok(Outcome::Success)
}
