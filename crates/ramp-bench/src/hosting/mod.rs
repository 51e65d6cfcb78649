//! Amplify Hosting benchmarks (issue 10, scope 8), each on a fresh `ramp serve` with its default
//! directory blob store, every deploy made through the real Amplify API:
//!
//! - `sites`: a small page and a script served with keep-alive by ramp and, in the same run, by
//!   nginx from disk;
//! - `deploy`: StartDeployment → SUCCEED for a generated 10,000-file zip, then the same zip again;
//! - `memory`: ramp's RSS while serving every file of that deploy, with the default
//!   `--site-cache-bytes` and a small one.

pub mod api;
mod nginx;
pub mod report;
mod sitegen;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use bytes::Bytes;
use http::Method;
use tokio::runtime::Runtime;

use self::api::Amplify;
use self::sitegen::SiteFile;
use crate::load::{self, Outcome, Template};
use crate::server::RampProcess;

const BRANCH: &str = "main";

#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub load: load::Settings,
    /// Seed of the generated sites.
    pub seed: u64,
    /// The `deploy` and `memory` site: this many files, about this many bytes.
    pub files: usize,
    pub total_bytes: usize,
    /// The small `--site-cache-bytes` of the `memory` part.
    pub small_cache_bytes: u64,
}

/// One file served by both servers.
pub struct ServingRow {
    pub file: &'static str,
    pub bytes: usize,
    pub nginx: Outcome,
    /// ramp as it ships: every request recorded in the access log.
    pub ramp: Outcome,
    /// ramp with `--site-access-log false`, like the nginx here (`access_log off`).
    pub ramp_unlogged: Outcome,
}

pub struct ServingOutcome {
    pub rows: Vec<ServingRow>,
    pub nginx_version: String,
}

/// `sites`: the page and the script, each from nginx then from ramp.
pub fn serving(binary: &Path, settings: &Settings, generator: &Runtime) -> anyhow::Result<ServingOutcome> {
    let files = sitegen::page_and_script(settings.seed, 2_600, 30_000);
    let nginx = nginx::Nginx::start(&files)?;
    eprintln!("sites: {} on {}", nginx.version, nginx.addr);
    let ramp = RampProcess::start(binary)?;
    let unlogged = RampProcess::start_with(binary, &["--site-access-log".to_owned(), "false".to_owned()])?;
    let client = load::client();
    let host = generator.block_on(deploy_site(&client, &ramp, &files))?.host;
    let unlogged_host = generator.block_on(deploy_site(&client, &unlogged, &files))?.host;
    eprintln!("sites: ramp serving http://{host}/ on {}", ramp.addr);

    let mut rows = Vec::new();
    for (name, path, file) in [("HTML page", "/", &files[0]), ("script", "/assets/app.js", &files[1])] {
        let nginx_get = Template::unsigned(Method::GET, nginx.addr, "localhost", path, None)?;
        let ramp_get = Template::unsigned(Method::GET, ramp.addr, &host, path, None)?;
        let unlogged_get = Template::unsigned(Method::GET, unlogged.addr, &unlogged_host, path, None)?;
        generator.block_on(expect_body(&client, &nginx_get, &file.content))?;
        generator.block_on(expect_body(&client, &ramp_get, &file.content))?;
        generator.block_on(expect_body(&client, &unlogged_get, &file.content))?;
        eprintln!("sites: {name} ({} bytes) from nginx…", file.content.len());
        let nginx_outcome = generator.block_on(load::run(&client, nginx_get, settings.load))?;
        eprintln!("sites: {name} from ramp…");
        let ramp_outcome = generator.block_on(load::run(&client, ramp_get, settings.load))?;
        eprintln!("sites: {name} from ramp without its access log…");
        let unlogged_outcome = generator.block_on(load::run(&client, unlogged_get, settings.load))?;
        rows.push(ServingRow {
            file: name,
            bytes: file.content.len(),
            nginx: nginx_outcome,
            ramp: ramp_outcome,
            ramp_unlogged: unlogged_outcome,
        });
    }
    Ok(ServingOutcome {
        rows,
        nginx_version: nginx.version.clone(),
    })
}

pub struct DeployOutcome {
    pub files: usize,
    pub bytes: usize,
    pub zip_bytes: usize,
    pub first: Duration,
    pub again: Duration,
}

/// `deploy`: the generated site deployed to a fresh server, then the same zip again.
pub fn deploy(binary: &Path, settings: &Settings, generator: &Runtime) -> anyhow::Result<DeployOutcome> {
    let (files, zip) = big_site(settings)?;
    let ramp = RampProcess::start(binary)?;
    let amplify = Amplify::new(load::client(), ramp.addr);
    let (first, again) = generator.block_on(async {
        let app_id = amplify.create_app_with_branch("bench-deploy", BRANCH).await?;
        eprintln!("deploy: first deploy…");
        let first = amplify.deploy_zip(&app_id, BRANCH, zip.clone()).await?;
        eprintln!("deploy: {:?}; the same zip again…", first);
        let again = amplify.deploy_zip(&app_id, BRANCH, zip.clone()).await?;
        eprintln!("deploy: {:?}", again);
        anyhow::Ok((first, again))
    })?;
    Ok(DeployOutcome {
        files: files.len(),
        bytes: files.iter().map(|f| f.content.len()).sum(),
        zip_bytes: zip.len(),
        first,
        again,
    })
}

pub struct MemoryRow {
    /// `--site-cache-bytes`, `None` for the default.
    pub cache_bytes: Option<u64>,
    pub rss_after_deploy: u64,
    pub rss_peak_under_load: u64,
    pub rss_after_load: u64,
    pub outcome: Outcome,
}

pub struct MemoryOutcome {
    pub files: usize,
    pub bytes: usize,
    pub rows: Vec<MemoryRow>,
}

/// `memory`: for each cache size, a fresh server, the generated site deployed, then every file
/// requested in turn under load while ramp's RSS is sampled.
pub fn memory(binary: &Path, settings: &Settings, generator: &Runtime) -> anyhow::Result<MemoryOutcome> {
    let (files, zip) = big_site(settings)?;
    let mut rows = Vec::new();
    for cache_bytes in [None, Some(settings.small_cache_bytes)] {
        let extra: Vec<String> = cache_bytes
            .map(|bytes| vec!["--site-cache-bytes".to_owned(), bytes.to_string()])
            .unwrap_or_default();
        let ramp = RampProcess::start_with(binary, &extra)?;
        let client = load::client();
        let host = generator.block_on(async {
            let amplify = Amplify::new(client.clone(), ramp.addr);
            let app_id = amplify.create_app_with_branch("bench-memory", BRANCH).await?;
            amplify.deploy_zip(&app_id, BRANCH, zip.clone()).await?;
            anyhow::Ok(format!("{BRANCH}.{app_id}.localhost"))
        })?;
        let requests = files
            .iter()
            .map(|file| {
                let path = if file.path == "index.html" {
                    "/".to_owned()
                } else {
                    format!("/{}", file.path)
                };
                Template::unsigned(Method::GET, ramp.addr, &host, &path, None)
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let rss_after_deploy = rss_bytes(ramp.pid())?;
        eprintln!(
            "memory: cache {:?}, RSS after deploy {} MB; every file under load…",
            cache_bytes,
            rss_after_deploy / 1_000_000
        );
        let sampler = Sampler::start(ramp.pid());
        let outcome = generator.block_on(load::run_cycling(&client, requests, settings.load))?;
        let rss_peak_under_load = sampler.stop();
        rows.push(MemoryRow {
            cache_bytes,
            rss_after_deploy,
            rss_peak_under_load,
            rss_after_load: rss_bytes(ramp.pid())?,
            outcome,
        });
    }
    Ok(MemoryOutcome {
        files: files.len(),
        bytes: files.iter().map(|f| f.content.len()).sum(),
        rows,
    })
}

fn big_site(settings: &Settings) -> anyhow::Result<(Vec<SiteFile>, Bytes)> {
    eprintln!(
        "generating a {}-file, ~{} MB site (seed {})…",
        settings.files,
        settings.total_bytes / 1_000_000,
        settings.seed
    );
    let files = sitegen::generate(settings.seed, settings.files, settings.total_bytes);
    let zip = sitegen::zip(&files)?;
    Ok((files, zip))
}

struct DeployedSite {
    host: String,
}

async fn deploy_site(
    client: &load::HttpClient,
    ramp: &RampProcess,
    files: &[SiteFile],
) -> anyhow::Result<DeployedSite> {
    let amplify = Amplify::new(client.clone(), ramp.addr);
    let app_id = amplify.create_app_with_branch("bench-sites", BRANCH).await?;
    amplify.deploy_zip(&app_id, BRANCH, sitegen::zip(files)?).await?;
    Ok(DeployedSite {
        host: format!("{BRANCH}.{app_id}.localhost"),
    })
}

/// Both servers must answer with the file itself before they are compared.
async fn expect_body(client: &load::HttpClient, request: &Template, content: &[u8]) -> anyhow::Result<()> {
    let (status, body) = load::send_once(client, request).await?;
    if !status.is_success() || body.as_ref() != content {
        bail!(
            "{request:?} answered {status} with {} bytes, not the {}-byte file",
            body.len(),
            content.len()
        );
    }
    Ok(())
}

/// VmRSS of process `pid`, from `/proc/PID/status`.
fn rss_bytes(pid: u32) -> anyhow::Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .with_context(|| format!("no VmRSS in {path}"))?;
    Ok(kib * 1024)
}

/// Samples a process's RSS every 100 ms on a thread of its own and keeps the highest.
struct Sampler {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: std::thread::JoinHandle<()>,
}

impl Sampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(0));
        let thread = {
            let (stop, peak) = (stop.clone(), peak.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if let Ok(rss) = rss_bytes(pid) {
                        peak.fetch_max(rss, Ordering::Relaxed);
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
        };
        Self { stop, peak, thread }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        self.peak.load(Ordering::Relaxed)
    }
}
