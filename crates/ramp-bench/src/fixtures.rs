//! The AppConfig resources the scenarios create before they measure, as an SDK would: signed
//! JSON requests, each checked, so a broken fixture fails loudly before the clock starts.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use bytes::Bytes;
use http::{Method, StatusCode};
use serde_json::json;

use crate::load::{self, HttpClient, Template};

/// How long a deployment may take to complete before the benchmark gives up.
const DEPLOY_TIMEOUT: Duration = Duration::from_secs(60);

/// A JSON request body.
pub fn json(value: serde_json::Value) -> Option<(&'static str, Bytes)> {
    Some(("application/json", Bytes::from(value.to_string())))
}

/// The `Id` of a 201 answer.
pub fn created_id((status, body): (StatusCode, Bytes), operation: &str) -> anyhow::Result<String> {
    ensure!(
        status == StatusCode::CREATED,
        "{operation} failed: {status} {}",
        String::from_utf8_lossy(&body)
    );
    let value: serde_json::Value = serde_json::from_slice(&body).with_context(|| format!("{operation} answer"))?;
    value["Id"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("{operation} answered without an Id"))
}

/// Creates an application named `name`; its id.
pub async fn application(client: &HttpClient, addr: SocketAddr, name: &str) -> anyhow::Result<String> {
    let create = Template::signed(
        Method::POST,
        addr,
        "/applications",
        json(serde_json::json!({ "Name": name })),
    )?;
    created_id(load::send_once(client, &create).await?, "CreateApplication")
}

/// Creates a hosted configuration profile named `name` in application `app`, with one version
/// of [`hosted_content`]; the profile's id.
pub async fn hosted_profile(client: &HttpClient, addr: SocketAddr, app: &str, name: &str) -> anyhow::Result<String> {
    let profiles = format!("/applications/{app}/configurationprofiles");
    let create_profile = Template::signed(
        Method::POST,
        addr,
        &profiles,
        json(serde_json::json!({ "Name": name, "LocationUri": "hosted" })),
    )?;
    let profile = created_id(
        load::send_once(client, &create_profile).await?,
        "CreateConfigurationProfile",
    )?;
    let (status, body) = load::send_once(client, &hosted_version(addr, app, &profile)?).await?;
    ensure!(
        status == StatusCode::CREATED,
        "CreateHostedConfigurationVersion failed: {status} {}",
        String::from_utf8_lossy(&body)
    );
    Ok(profile)
}

/// A CreateHostedConfigurationVersion of [`hosted_content`] in `profile`, signed once: every
/// send creates the next version.
pub fn hosted_version(addr: SocketAddr, app: &str, profile: &str) -> anyhow::Result<Template> {
    Template::signed(
        Method::POST,
        addr,
        &format!("/applications/{app}/configurationprofiles/{profile}/hostedconfigurationversions"),
        Some(("application/json", hosted_content())),
    )
}

/// An application, environment and hosted profile on `addr`, with version 1 deployed
/// (`AppConfig.AllAtOnce`) and COMPLETE; their ids.
pub async fn deployed(client: &HttpClient, addr: SocketAddr) -> anyhow::Result<(String, String, String)> {
    let app = application(client, addr, "bench").await?;
    let create_env = Template::signed(
        Method::POST,
        addr,
        &format!("/applications/{app}/environments"),
        json(json!({ "Name": "prod" })),
    )?;
    let env = created_id(load::send_once(client, &create_env).await?, "CreateEnvironment")?;
    let profile = hosted_profile(client, addr, &app, "p").await?;
    let deployments = format!("/applications/{app}/environments/{env}/deployments");
    let start = Template::signed(
        Method::POST,
        addr,
        &deployments,
        json(json!({
            "DeploymentStrategyId": "AppConfig.AllAtOnce",
            "ConfigurationProfileId": profile,
            "ConfigurationVersion": "1",
        })),
    )?;
    let (status, body) = load::send_once(client, &start).await?;
    ensure!(
        status == StatusCode::CREATED,
        "StartDeployment failed: {status} {}",
        String::from_utf8_lossy(&body)
    );
    let number = serde_json::from_slice::<serde_json::Value>(&body)?["DeploymentNumber"]
        .as_u64()
        .context("StartDeployment answered without a DeploymentNumber")?;
    // AllAtOnce bakes 10 ramp minutes: wait it out, so the run measures the steady state.
    let get = Template::signed(Method::GET, addr, &format!("{deployments}/{number}"), None)?;
    let began = Instant::now();
    loop {
        let (status, body) = load::send_once(client, &get).await?;
        ensure!(
            status == StatusCode::OK,
            "GetDeployment failed: {status} {}",
            String::from_utf8_lossy(&body)
        );
        let state = serde_json::from_slice::<serde_json::Value>(&body)?["State"]
            .as_str()
            .unwrap_or("?")
            .to_owned();
        if state == "COMPLETE" {
            return Ok((app, env, profile));
        }
        if began.elapsed() > DEPLOY_TIMEOUT {
            bail!("the deployment is still {state} after {DEPLOY_TIMEOUT:?}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// About 1 KiB of feature-flag-like JSON: the size of a typical small hosted configuration.
pub fn hosted_content() -> Bytes {
    let mut flags = serde_json::Map::new();
    let mut i = 0;
    while serde_json::Value::Object(flags.clone()).to_string().len() < 1000 {
        flags.insert(
            format!("flag_{i:03}"),
            serde_json::json!({ "enabled": i % 2 == 0, "variant": "treatment" }),
        );
        i += 1;
    }
    Bytes::from(serde_json::Value::Object(flags).to_string())
}
