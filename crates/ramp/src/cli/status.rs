//! `ramp status`: for each application and environment, what is deployed (the last COMPLETE
//! deployment of each profile), the latest deployment, and what is in flight with its next step.

use aws_sdk_appconfig::types::DeploymentSummary;
use clap::Args;
use serde::Serialize;
use serde_json::json;

use super::api::Call;
use super::follow::{Target, get_deployment};
use super::progress::{next_step, percent, short_time};
use super::resolve::{self, Named};
use super::view::{is_in_flight, iso8601};
use super::{ConnectArgs, Outcome, Session, print_json};

pub const HELP: &str = "\
Examples:
  ramp status                          # every application and environment
  ramp status --app shop --env prod    # one environment
  ramp status --output json | jq '.Applications[].Environments[] | {Name, State}'";

#[derive(Args, Debug)]
pub struct StatusArgs {
    /// Only this application (name or ID).
    #[arg(long, value_name = "APP")]
    app: Option<String>,
    /// Only environments with this name or ID.
    #[arg(long, value_name = "ENV")]
    env: Option<String>,
    #[command(flatten)]
    connect: ConnectArgs,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ApplicationStatus {
    id: String,
    name: String,
    environments: Vec<EnvironmentStatus>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct EnvironmentStatus {
    id: String,
    name: String,
    state: String,
    /// The last COMPLETE deployment of each configuration profile: what clients receive.
    deployed: Vec<DeploymentLine>,
    latest_deployment: Option<DeploymentLine>,
    in_flight: Vec<DeploymentLine>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
struct DeploymentLine {
    deployment_number: i32,
    configuration_profile_id: String,
    configuration_name: String,
    configuration_version: String,
    state: String,
    percentage_complete: f32,
    started_at: Option<String>,
    completed_at: Option<String>,
    /// For a deployment in flight: what comes next and when.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_step: Option<String>,
}

pub async fn run(args: StatusArgs) -> anyhow::Result<Outcome> {
    let session = Session::open(&args.connect).await?;
    let client = session.appconfig();

    let applications = match &args.app {
        Some(given) => vec![resolve::application(&client, given).await?],
        None => resolve::applications(&client).await?,
    };
    let mut report = Vec::new();
    for application in applications {
        let environments = environments_of(&session, &application, args.env.as_deref()).await?;
        if args.env.is_some() && environments.is_empty() {
            continue;
        }
        report.push(ApplicationStatus {
            id: application.id,
            name: application.name,
            environments,
        });
    }
    if let Some(env) = &args.env
        && report.is_empty()
    {
        let place = args
            .app
            .as_ref()
            .map(|a| format!(" in application {a:?}"))
            .unwrap_or_default();
        anyhow::bail!("no environment named {env:?}{place} (nor with that ID)");
    }

    if session.is_json() {
        print_json(&json!({ "Applications": report }));
    } else {
        print_text(&report);
    }
    Ok(Outcome::Success)
}

/// The application's environments (those with the given name or ID, when one is given).
async fn environments_of(
    session: &Session,
    application: &Named,
    only: Option<&str>,
) -> anyhow::Result<Vec<EnvironmentStatus>> {
    let client = session.appconfig();
    let items = client
        .list_environments()
        .application_id(&application.id)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .call("ListEnvironments")?;
    let mut environments = Vec::new();
    for environment in items {
        let id = environment.id().unwrap_or_default().to_owned();
        let name = environment.name().unwrap_or_default().to_owned();
        if only.is_some_and(|given| given != id && given != name) {
            continue;
        }
        let deployments = deployments_of(session, &application.id, &id).await?;
        environments.push(EnvironmentStatus {
            state: environment.state().map(|s| s.as_str()).unwrap_or_default().to_owned(),
            deployed: deployed(&deployments),
            latest_deployment: deployments.first().cloned(),
            in_flight: deployments.iter().filter(|d| is_in_flight(&d.state)).cloned().collect(),
            id,
            name,
        });
    }
    Ok(environments)
}

/// The environment's deployments, newest first; those in flight with their next step.
async fn deployments_of(
    session: &Session,
    application_id: &str,
    environment_id: &str,
) -> anyhow::Result<Vec<DeploymentLine>> {
    let client = session.appconfig();
    let items = resolve::deployments(&client, application_id, environment_id).await?;
    let mut lines: Vec<DeploymentLine> = items.iter().map(line).collect();
    lines.sort_by_key(|d| std::cmp::Reverse(d.deployment_number));
    for deployment in lines.iter_mut().filter(|d| is_in_flight(&d.state)) {
        let target = Target {
            application_id,
            environment_id,
            deployment_number: deployment.deployment_number,
        };
        let view = get_deployment(&client, &target).await?;
        if let Some(next) = view.next_milestone() {
            deployment.next_step = Some(next_step(&next, session.server_now().await));
        }
    }
    Ok(lines)
}

fn line(summary: &DeploymentSummary) -> DeploymentLine {
    DeploymentLine {
        deployment_number: summary.deployment_number(),
        configuration_profile_id: summary.configuration_profile_id().unwrap_or_default().to_owned(),
        configuration_name: summary.configuration_name().unwrap_or_default().to_owned(),
        configuration_version: summary.configuration_version().unwrap_or_default().to_owned(),
        state: summary.state().map(|s| s.as_str()).unwrap_or_default().to_owned(),
        percentage_complete: summary.percentage_complete().unwrap_or_default(),
        started_at: summary.started_at().and_then(iso8601),
        completed_at: summary.completed_at().and_then(iso8601),
        next_step: None,
    }
}

/// The newest COMPLETE deployment of each profile (a reverted or rolled-back one left the
/// version before it in place), given deployments newest first.
fn deployed(newest_first: &[DeploymentLine]) -> Vec<DeploymentLine> {
    let mut deployed: Vec<DeploymentLine> = Vec::new();
    for deployment in newest_first.iter().filter(|d| d.state == "COMPLETE") {
        if !deployed
            .iter()
            .any(|d| d.configuration_profile_id == deployment.configuration_profile_id)
        {
            deployed.push(deployment.clone());
        }
    }
    deployed
}

fn print_text(report: &[ApplicationStatus]) {
    if report.is_empty() {
        println!("No applications.");
    }
    for application in report {
        println!("{} ({})", application.name, application.id);
        if application.environments.is_empty() {
            println!("  no environments");
        }
        for environment in &application.environments {
            println!("  {} ({})  {}", environment.name, environment.id, environment.state);
            for deployment in &environment.deployed {
                println!(
                    "    deployed   {} version {} (deployment {}, completed {})",
                    deployment.configuration_name,
                    deployment.configuration_version,
                    deployment.deployment_number,
                    deployment
                        .completed_at
                        .as_deref()
                        .map_or_else(|| "-".to_owned(), short_time)
                );
            }
            match &environment.latest_deployment {
                Some(latest) if !is_in_flight(&latest.state) => println!("    latest     {}", describe(latest)),
                Some(_) => {}
                None => println!("    no deployments"),
            }
            for deployment in &environment.in_flight {
                println!("    in flight  {}", describe(deployment));
            }
        }
    }
}

/// `deployment 3 of cfg version 4: DEPLOYING 50%, next: 100% in 40s`.
fn describe(d: &DeploymentLine) -> String {
    let next = d.next_step.as_ref().map(|n| format!(", {n}")).unwrap_or_default();
    format!(
        "deployment {} of {} version {}: {} {}{next}",
        d.deployment_number,
        d.configuration_name,
        d.configuration_version,
        d.state,
        percent(f64::from(d.percentage_complete))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(number: i32, profile: &str, state: &str) -> DeploymentLine {
        DeploymentLine {
            deployment_number: number,
            configuration_profile_id: profile.into(),
            configuration_name: profile.into(),
            configuration_version: number.to_string(),
            state: state.into(),
            percentage_complete: 100.0,
            started_at: None,
            completed_at: None,
            next_step: None,
        }
    }

    #[test]
    fn what_is_deployed_is_the_newest_complete_deployment_of_each_profile() {
        let newest_first = [
            deployment(5, "flags", "ROLLED_BACK"),
            deployment(4, "cfg", "REVERTED"),
            deployment(3, "cfg", "COMPLETE"),
            deployment(2, "flags", "COMPLETE"),
            deployment(1, "cfg", "COMPLETE"),
        ];
        let numbers: Vec<i32> = deployed(&newest_first).iter().map(|d| d.deployment_number).collect();
        assert_eq!(numbers, vec![3, 2]);
    }
}
