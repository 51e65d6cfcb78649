//! The Amplify calls the hosting benchmarks make, as raw restJson1 over HTTP (the routes of the
//! botocore model). ramp runs open, so the calls need no signature; the deploys go through the
//! real API: CreateDeployment, a PUT of the zip to its upload URL, StartDeployment, GetJob.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use http::{Method, Uri};
use serde_json::{Value, json};

use crate::load::{HttpClient, Template, send_once};

/// How often a deploy's job is polled: the granularity of the deploy times.
const POLL_INTERVAL: Duration = Duration::from_millis(10);
/// How long a deploy may take before the benchmark gives up on it.
const DEPLOY_TIMEOUT: Duration = Duration::from_secs(600);

/// One ramp server's Amplify API.
pub struct Amplify {
    client: HttpClient,
    addr: SocketAddr,
}

impl Amplify {
    pub fn new(client: HttpClient, addr: SocketAddr) -> Self {
        Self { client, addr }
    }

    /// CreateApp and CreateBranch; returns the app ID.
    pub async fn create_app_with_branch(&self, name: &str, branch: &str) -> anyhow::Result<String> {
        let app = self.call(Method::POST, "/apps", Some(json!({ "name": name }))).await?;
        let app_id = string(&app, "/app/appId")?;
        self.call(
            Method::POST,
            &format!("/apps/{app_id}/branches"),
            Some(json!({ "branchName": branch })),
        )
        .await?;
        Ok(app_id)
    }

    /// CreateDeployment and the upload of `zip` (not timed); returns the job ID.
    pub async fn upload_zip(&self, app_id: &str, branch: &str, zip: Bytes) -> anyhow::Result<String> {
        let created = self
            .call(
                Method::POST,
                &format!("/apps/{app_id}/branches/{branch}/deployments"),
                Some(json!({})),
            )
            .await?;
        let job_id = string(&created, "/jobId")?;
        let url: Uri = string(&created, "/zipUploadUrl")?
            .parse()
            .context("CreateDeployment's zipUploadUrl")?;
        let path = url.path_and_query().map_or("/", |p| p.as_str());
        let mut put = Template::unsigned(Method::PUT, self.addr, &self.addr.to_string(), path, None)?;
        put.set_body("application/zip", zip);
        let (status, body) = send_once(&self.client, &put).await?;
        if !status.is_success() {
            bail!("uploading the zip: {status}: {}", String::from_utf8_lossy(&body));
        }
        Ok(job_id)
    }

    /// StartDeployment of an uploaded job, then GetJob until it finishes; the time is
    /// StartDeployment sent → the first GetJob answer that reports SUCCEED.
    pub async fn deploy(&self, app_id: &str, branch: &str, job_id: &str) -> anyhow::Result<Duration> {
        let started = Instant::now();
        self.call(
            Method::POST,
            &format!("/apps/{app_id}/branches/{branch}/deployments/start"),
            Some(json!({ "jobId": job_id })),
        )
        .await?;
        loop {
            let job = self
                .call(
                    Method::GET,
                    &format!("/apps/{app_id}/branches/{branch}/jobs/{job_id}"),
                    None,
                )
                .await?;
            match string(&job, "/job/summary/status")?.as_str() {
                "SUCCEED" => return Ok(started.elapsed()),
                "FAILED" | "CANCELLED" => bail!("job {job_id} did not succeed: {job}"),
                _ if started.elapsed() > DEPLOY_TIMEOUT => {
                    bail!("job {job_id} did not finish within {DEPLOY_TIMEOUT:?}")
                }
                _ => tokio::time::sleep(POLL_INTERVAL).await,
            }
        }
    }

    /// A whole deploy of `zip` to a branch: upload, then [`Amplify::deploy`].
    pub async fn deploy_zip(&self, app_id: &str, branch: &str, zip: Bytes) -> anyhow::Result<Duration> {
        let job_id = self.upload_zip(app_id, branch, zip).await?;
        self.deploy(app_id, branch, &job_id).await
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        let body = body.map(|b| ("application/json", Bytes::from(b.to_string())));
        let template = Template::unsigned(method.clone(), self.addr, &self.addr.to_string(), path, body)?;
        let (status, answer) = send_once(&self.client, &template).await?;
        if !status.is_success() {
            bail!("{method} {path}: {status}: {}", String::from_utf8_lossy(&answer));
        }
        serde_json::from_slice(&answer).with_context(|| format!("{method} {path}: the answer is not JSON"))
    }
}

fn string(value: &Value, pointer: &str) -> anyhow::Result<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("no {pointer} in {value}"))
}
