//! The deployment-engine scenario: many deployments in flight at once, one per environment, on
//! an accelerated clock, and how late the engine applies their milestones.
//!
//! It starts its own `ramp serve` with raised quotas and `--time-scale`, creates one
//! application, one hosted profile with one version, one custom LINEAR strategy and the
//! environments, then starts one deployment per environment as fast as the server takes them.
//! It waits until ramp's own lag histogram (`GET /_ramp/engine`) has counted every milestone of
//! every deployment, spot-checks a few deployments over the AWS API, and reads ramp's CPU time
//! and peak RSS from `/proc`.
//!
//! The lag is ramp's own measurement: for each milestone (percentage step, bake start,
//! completion), the time between its due time and the moment its write was durable, in real
//! milliseconds (ramp divides by the time scale). The benchmark only drives the load and reads it.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use bytes::Bytes;
use hdrhistogram::Histogram;
use http::{Method, StatusCode};
use serde_json::json;

use crate::load::{self, HttpClient, Template};
use crate::server::RampProcess;

/// The targets, on a 2-core machine.
pub const LAG_P99_TARGET: Duration = Duration::from_secs(1);
pub const PEAK_RSS_TARGET_BYTES: u64 = 300 * 1_000_000;
pub const TARGET_CORES: f64 = 2.0;

/// How often the benchmark asks ramp for its lag count while the deployments roll out.
const POLL_EVERY: Duration = Duration::from_millis(500);
/// How long past the last deployment's due completion the benchmark waits before giving up.
const COMPLETION_GRACE: Duration = Duration::from_secs(120);
/// Deployments read back over GetDeployment once the engine reports them all done.
const SPOT_CHECKS: usize = 8;

/// What the scenario runs, from the command line.
#[derive(Clone, Debug)]
pub struct Settings {
    pub deployments: usize,
    /// Requests in flight while creating environments and starting deployments.
    pub concurrency: usize,
    pub time_scale: f64,
    pub duration_minutes: i64,
    pub growth_factor: f64,
    pub bake_minutes: i64,
}

impl Settings {
    /// Milestones the engine applies per deployment: every LINEAR percentage step, then the
    /// bake start and the completion (ramp-domain's `rollout::schedule`; a duration of 0 is one
    /// step to 100 %).
    pub fn milestones_per_deployment(&self) -> u64 {
        let steps = if self.duration_minutes == 0 {
            1
        } else {
            let factor = self.growth_factor.clamp(1.0, 100.0);
            // The same float tolerance as ramp's, so that 20 × 5 counts as reaching 100.
            (1..=100u64).find(|k| factor * *k as f64 >= 100.0 - 1e-9).unwrap_or(100)
        };
        steps + 2
    }

    /// Real time from a deployment's start to its completion.
    pub fn real_timeline(&self) -> Duration {
        let minutes = (self.duration_minutes + self.bake_minutes).max(0) as f64;
        Duration::from_secs_f64(minutes * 60.0 / self.time_scale)
    }

    /// The `ramp serve` flags the scenario adds to the benchmark's usual ones.
    pub fn serve_args(&self) -> Vec<String> {
        vec![
            "--time-scale".to_owned(),
            self.time_scale.to_string(),
            "--quota-applications".to_owned(),
            "1".to_owned(),
            "--quota-environments-per-application".to_owned(),
            self.deployments.to_string(),
        ]
    }
}

/// The engine's own lag figures, from `GET /_ramp/engine`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Lag {
    pub count: u64,
    pub p50_millis: u64,
    pub p99_millis: u64,
    pub max_millis: u64,
}

/// What one phase of client requests took.
pub struct Phase {
    pub wall: Duration,
    /// Per-request latency, microseconds.
    pub latency: Histogram<u64>,
    /// ramp's CPU time during the phase.
    pub cpu: Duration,
}

impl Phase {
    pub fn per_second(&self, count: usize) -> f64 {
        count as f64 / self.wall.as_secs_f64().max(f64::MIN_POSITIVE)
    }

    pub fn percentile_ms(&self, quantile: f64) -> f64 {
        self.latency.value_at_quantile(quantile) as f64 / 1000.0
    }
}

pub struct Outcome {
    pub settings: Settings,
    pub serve_args: Vec<String>,
    pub environments: Phase,
    pub starts: Phase,
    /// From the last 201 of StartDeployment to the engine's count reaching every milestone.
    pub rollout_wall: Duration,
    pub rollout_cpu: Duration,
    pub lag: Lag,
    pub expected_milestones: u64,
    /// Spawn of `ramp serve` to every milestone applied.
    pub total_wall: Duration,
    pub total_cpu: Duration,
    pub peak_rss_bytes: u64,
    /// The spot-checked deployments' states, all COMPLETE on a valid run.
    pub spot_checks: Vec<String>,
    /// The machine's 1-minute load average before ramp started: other work skews the figures.
    pub load_before: Option<String>,
}

/// What another scenario adds to this one's run (the `extensions` part): `ramp serve` flags,
/// resources made before the environments, a wait once every milestone is applied, and reads
/// while ramp is still up. `()` adds nothing.
pub(crate) trait Hooks {
    type Output;

    /// Flags added to [`Settings::serve_args`].
    fn serve_args(&self) -> Vec<String> {
        Vec::new()
    }

    /// Once the application exists, before the environments and deployments.
    async fn prepare(&mut self, _ramp: &Fixtures) -> anyhow::Result<()> {
        Ok(())
    }

    /// Every answer of `GET /_ramp/engine` while the deployments roll out.
    fn observe(&mut self, _engine: &serde_json::Value) {}

    /// Once the engine counted every milestone, before the run's last CPU mark: waits for what
    /// else the run must finish.
    async fn settle(&mut self, _ramp: &Fixtures) -> anyhow::Result<()> {
        Ok(())
    }

    /// After the run's figures are taken, ramp still up.
    async fn inspect(&mut self, _ramp: &Fixtures, _started: &Started) -> anyhow::Result<Self::Output>;
}

impl Hooks for () {
    type Output = ();

    async fn inspect(&mut self, _ramp: &Fixtures, _started: &Started) -> anyhow::Result<()> {
        Ok(())
    }
}

/// The running ramp and the fixtures every deployment shares.
pub(crate) struct Fixtures {
    pub client: HttpClient,
    pub addr: SocketAddr,
    pub application_id: String,
}

/// The deployments the run started: `numbers[i]` in `environment_ids[i]`.
pub(crate) struct Started {
    pub environment_ids: Arc<Vec<String>>,
    pub numbers: Vec<u64>,
}

/// Runs the scenario on `generator` against a fresh `ramp serve`.
pub fn run(binary: &Path, settings: &Settings, generator: &tokio::runtime::Runtime) -> anyhow::Result<Outcome> {
    run_with(binary, settings, &mut (), generator).map(|(outcome, ())| outcome)
}

/// [`run`] with `hooks`; its outcome and what `hooks.inspect` found.
pub(crate) fn run_with<H: Hooks>(
    binary: &Path,
    settings: &Settings,
    hooks: &mut H,
    generator: &tokio::runtime::Runtime,
) -> anyhow::Result<(Outcome, H::Output)> {
    ensure!(settings.deployments > 0, "--engine-deployments must be at least 1");
    ensure!(
        settings.time_scale > 0.0 && settings.time_scale.is_finite(),
        "--engine-time-scale must be positive"
    );
    let load_before = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned));
    let clock_ticks = clock_ticks_per_second();
    let mut serve_args = settings.serve_args();
    serve_args.extend(hooks.serve_args());
    let spawned = Instant::now();
    let ramp = RampProcess::start_with(binary, &serve_args)?;
    let pid = ramp.pid();
    eprintln!(
        "engine: ramp serving on {} (pid {pid}, {})",
        ramp.base_url(),
        serve_args.join(" ")
    );
    let outcome = generator.block_on(drive(&ramp, settings, hooks, clock_ticks, spawned))?;
    let (environments, starts, rollout_wall, lag, spot_checks, cpu_marks, inspected) = outcome;
    let peak_rss_bytes = peak_rss_bytes(pid)?;
    let [at_ready, after_envs, after_starts, at_done] = cpu_marks;
    let total_wall = at_done.at - spawned;
    drop(ramp);
    let outcome = Outcome {
        settings: settings.clone(),
        serve_args,
        environments: Phase {
            cpu: after_envs.cpu.saturating_sub(at_ready.cpu),
            ..environments
        },
        starts: Phase {
            cpu: after_starts.cpu.saturating_sub(after_envs.cpu),
            ..starts
        },
        rollout_wall,
        rollout_cpu: at_done.cpu.saturating_sub(after_starts.cpu),
        lag,
        expected_milestones: settings.deployments as u64 * settings.milestones_per_deployment(),
        total_wall,
        total_cpu: at_done.cpu,
        peak_rss_bytes,
        spot_checks,
        load_before,
    };
    Ok((outcome, inspected))
}

/// ramp's CPU time so far, at one instant.
#[derive(Clone, Copy, Debug)]
struct Mark {
    cpu: Duration,
    at: Instant,
}

type Driven<T> = (Phase, Phase, Duration, Lag, Vec<String>, [Mark; 4], T);

async fn drive<H: Hooks>(
    ramp: &RampProcess,
    settings: &Settings,
    hooks: &mut H,
    clock_ticks: f64,
    spawned: Instant,
) -> anyhow::Result<Driven<H::Output>> {
    let pid = ramp.pid();
    let mark = || -> anyhow::Result<Mark> {
        Ok(Mark {
            cpu: cpu_time(pid, clock_ticks)?,
            at: Instant::now(),
        })
    };
    let at_ready = mark()?;
    let client = load::client();
    let addr = ramp.addr;
    let json = |value: serde_json::Value| Some(("application/json", Bytes::from(value.to_string())));

    // The fixtures every deployment shares.
    let create_app = Template::signed(Method::POST, addr, "/applications", json(json!({ "Name": "engine" })))?;
    let application_id =
        crate::fixtures::created_id(load::send_once(&client, &create_app).await?, "CreateApplication")?;
    let profile_id = crate::fixtures::hosted_profile(&client, addr, &application_id, "flags").await?;
    let fixtures = Fixtures {
        client: client.clone(),
        addr,
        application_id: application_id.clone(),
    };
    hooks.prepare(&fixtures).await?;
    let create_strategy = Template::signed(
        Method::POST,
        addr,
        "/deploymentstrategies",
        json(json!({
            "Name": "engine-bench",
            "DeploymentDurationInMinutes": settings.duration_minutes,
            "GrowthFactor": settings.growth_factor,
            "GrowthType": "LINEAR",
            "FinalBakeTimeInMinutes": settings.bake_minutes,
        })),
    )?;
    let strategy_id = crate::fixtures::created_id(
        load::send_once(&client, &create_strategy).await?,
        "CreateDeploymentStrategy",
    )?;

    eprintln!("engine: creating {} environments…", settings.deployments);
    let environments_path = Arc::new(format!("/applications/{application_id}/environments"));
    let (environment_ids, environments) = concurrently(settings.deployments, settings.concurrency, {
        let client = client.clone();
        move |i| {
            let client = client.clone();
            let path = environments_path.clone();
            async move {
                let template = Template::signed(
                    Method::POST,
                    addr,
                    &path,
                    Some((
                        "application/json",
                        Bytes::from(json!({ "Name": format!("env-{i:05}") }).to_string()),
                    )),
                )?;
                crate::fixtures::created_id(load::send_once(&client, &template).await?, "CreateEnvironment")
            }
        }
    })
    .await?;
    let after_envs = mark()?;

    eprintln!("engine: starting {} deployments…", settings.deployments);
    let environment_ids = Arc::new(environment_ids);
    let start_body = Bytes::from(
        json!({
            "DeploymentStrategyId": strategy_id,
            "ConfigurationProfileId": profile_id,
            "ConfigurationVersion": "1",
        })
        .to_string(),
    );
    let (numbers, starts) = concurrently(settings.deployments, settings.concurrency, {
        let client = client.clone();
        let environment_ids = environment_ids.clone();
        let application_id = application_id.clone();
        move |i| {
            let client = client.clone();
            let path = format!(
                "/applications/{application_id}/environments/{}/deployments",
                environment_ids[i]
            );
            let body = start_body.clone();
            async move {
                let template = Template::signed(Method::POST, addr, &path, Some(("application/json", body)))?;
                let (status, body) = load::send_once(&client, &template).await?;
                ensure!(
                    status == StatusCode::CREATED,
                    "StartDeployment failed: {status} {}",
                    String::from_utf8_lossy(&body)
                );
                let value: serde_json::Value = serde_json::from_slice(&body).context("StartDeployment answer")?;
                value["DeploymentNumber"]
                    .as_u64()
                    .context("StartDeployment answered without a DeploymentNumber")
            }
        }
    })
    .await?;
    let after_starts = mark()?;
    eprintln!(
        "engine: {} deployments started in {:.1} s; waiting for their {} milestones (~{:.0} s)…",
        settings.deployments,
        starts.wall.as_secs_f64(),
        settings.deployments as u64 * settings.milestones_per_deployment(),
        settings.real_timeline().as_secs_f64()
    );

    // Every deployment started by `after_starts`, so each is due to complete by then plus its
    // timeline; the grace covers a slow engine, which is what the benchmark is here to show.
    let expected = settings.deployments as u64 * settings.milestones_per_deployment();
    let deadline = after_starts.at + settings.real_timeline() + COMPLETION_GRACE;
    let lag_template = Template::signed(Method::GET, addr, "/_ramp/engine", None)?;
    let mut last_report = Instant::now();
    let lag = loop {
        let (lag, engine) = engine_lag(&client, &lag_template).await?;
        hooks.observe(&engine);
        if lag.count >= expected {
            break lag;
        }
        if Instant::now() > deadline {
            bail!(
                "the engine applied {} of {expected} milestones within {:.0} s of the last start \
                 (lag so far p50 {} ms, p99 {} ms, max {} ms)",
                lag.count,
                (Instant::now() - after_starts.at).as_secs_f64(),
                lag.p50_millis,
                lag.p99_millis,
                lag.max_millis
            );
        }
        if last_report.elapsed() >= Duration::from_secs(15) {
            eprintln!(
                "engine: {}/{expected} milestones applied, {:.0} s since spawn (lag p99 so far {} ms)",
                lag.count,
                spawned.elapsed().as_secs_f64(),
                lag.p99_millis
            );
            last_report = Instant::now();
        }
        tokio::time::sleep(POLL_EVERY).await;
    };
    hooks.settle(&fixtures).await?;
    let at_done = mark()?;

    // The engine's count says every milestone is durable; the AWS API must agree.
    let mut spot_checks = Vec::new();
    let n = settings.deployments;
    let mut picks: Vec<usize> = (0..SPOT_CHECKS)
        .map(|k| k * (n - 1) / (SPOT_CHECKS - 1).max(1))
        .collect();
    picks.dedup();
    for i in picks {
        let path = format!(
            "/applications/{application_id}/environments/{}/deployments/{}",
            environment_ids[i], numbers[i]
        );
        let template = Template::signed(Method::GET, addr, &path, None)?;
        let (status, body) = load::send_once(&client, &template).await?;
        ensure!(
            status == StatusCode::OK,
            "GetDeployment failed: {status} {}",
            String::from_utf8_lossy(&body)
        );
        let value: serde_json::Value = serde_json::from_slice(&body).context("GetDeployment answer")?;
        let state = value["State"].as_str().unwrap_or("?").to_owned();
        let percentage = value["PercentageComplete"].as_f64().unwrap_or(-1.0);
        ensure!(
            state == "COMPLETE" && (percentage - 100.0).abs() < 1e-9,
            "deployment {} of environment {} is {state} at {percentage} % after the engine counted every milestone",
            numbers[i],
            environment_ids[i]
        );
        spot_checks.push(state);
    }

    let started = Started {
        environment_ids,
        numbers,
    };
    let inspected = hooks.inspect(&fixtures, &started).await?;
    let rollout_wall = at_done.at - after_starts.at;
    Ok((
        environments,
        starts,
        rollout_wall,
        lag,
        spot_checks,
        [at_ready, after_envs, after_starts, at_done],
        inspected,
    ))
}

/// Runs `make(i)` for every `i < count`, `concurrency` at a time; the results in index order,
/// with the phase's wall time and per-request latencies. The first failure stops the rest.
pub(crate) async fn concurrently<T, F, Fut>(
    count: usize,
    concurrency: usize,
    make: F,
) -> anyhow::Result<(Vec<T>, Phase)>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = anyhow::Result<T>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let began = Instant::now();
    let workers: Vec<_> = (0..concurrency.clamp(1, count))
        .map(|_| {
            let next = next.clone();
            let make = make.clone();
            tokio::spawn(async move {
                let mut done = Vec::new();
                let mut latency = load::new_histogram()?;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        return anyhow::Ok((done, latency));
                    }
                    let sent = Instant::now();
                    match make(i).await {
                        Ok(value) => done.push((i, value)),
                        Err(e) => {
                            // No one takes another index: fail fast, not 10,000 times.
                            next.store(usize::MAX / 2, Ordering::Relaxed);
                            return Err(e.context(format!("request {i}")));
                        }
                    }
                    let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
                    latency.saturating_record(micros.max(1));
                }
            })
        })
        .collect();
    let mut results = Vec::with_capacity(count);
    let mut latency = load::new_histogram()?;
    let mut first_error = None;
    for worker in workers {
        match worker.await.context("a request task panicked")? {
            Ok((done, part)) => {
                results.extend(done);
                latency.add(&part)?;
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    let wall = began.elapsed();
    results.sort_unstable_by_key(|(i, _)| *i);
    ensure!(results.len() == count, "{} of {count} requests answered", results.len());
    Ok((
        results.into_iter().map(|(_, value)| value).collect(),
        Phase {
            wall,
            latency,
            cpu: Duration::ZERO,
        },
    ))
}

/// ramp's lag figures and the whole answer of `GET /_ramp/engine`.
pub(crate) async fn engine_lag(client: &HttpClient, template: &Template) -> anyhow::Result<(Lag, serde_json::Value)> {
    let (status, body) = load::send_once(client, template).await?;
    ensure!(
        status == StatusCode::OK,
        "GET /_ramp/engine failed: {status} {} (is this ramp build older than the engine's lag?)",
        String::from_utf8_lossy(&body)
    );
    let value: serde_json::Value = serde_json::from_slice(&body).context("GET /_ramp/engine answer")?;
    let lag = &value["Lag"];
    let field = |name: &str| {
        lag[name]
            .as_u64()
            .with_context(|| format!("GET /_ramp/engine answered without Lag.{name}: {value}"))
    };
    let lag = Lag {
        count: field("Count")?,
        p50_millis: field("P50Millis")?,
        p99_millis: field("P99Millis")?,
        max_millis: field("MaxMillis")?,
    };
    Ok((lag, value))
}

/// `sysconf(_SC_CLK_TCK)` through `getconf`, read once: the unit of `/proc/PID/stat` times.
pub(crate) fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse::<f64>().ok())
        .filter(|ticks| *ticks > 0.0)
        .unwrap_or(100.0)
}

/// utime + stime of process `pid` (all its threads), from `/proc/PID/stat`.
pub(crate) fn cpu_time(pid: u32, clock_ticks: f64) -> anyhow::Result<Duration> {
    let path = format!("/proc/{pid}/stat");
    let stat = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    // Fields after the parenthesised command name start at field 3 (state); utime and stime
    // are fields 14 and 15 (proc(5)).
    let rest = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .with_context(|| format!("unexpected {path}: {stat}"))?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let tick = |index: usize| -> anyhow::Result<f64> {
        fields
            .get(index)
            .and_then(|f| f.parse::<f64>().ok())
            .with_context(|| format!("unexpected {path}: {stat}"))
    };
    let ticks = tick(14 - 3)? + tick(15 - 3)?;
    Ok(Duration::from_secs_f64(ticks / clock_ticks))
}

/// VmHWM (the peak resident set size) of process `pid`, from `/proc/PID/status`.
pub(crate) fn peak_rss_bytes(pid: u32) -> anyhow::Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .with_context(|| format!("no VmHWM in {path}"))?;
    Ok(kib * 1024)
}

/// The scenario's Markdown section.
pub fn print_report(outcome: &Outcome, ramp_bin: &Path) {
    let o = outcome;
    let s = &o.settings;
    let mb = |bytes: u64| bytes as f64 / 1_000_000.0;
    let share = |cpu: Duration, wall: Duration| 100.0 * cpu.as_secs_f64() / (wall.as_secs_f64() * TARGET_CORES);
    let lag_met = Duration::from_millis(o.lag.p99_millis) < LAG_P99_TARGET;
    let rss_met = o.peak_rss_bytes < PEAK_RSS_TARGET_BYTES;
    let n = s.deployments;

    println!();
    println!(
        "Deployment engine: {n} deployments in flight at once across {n} environments \
         (LINEAR {} % over {} min, {} min bake, `--time-scale {}`):",
        s.growth_factor, s.duration_minutes, s.bake_minutes, s.time_scale
    );
    println!();
    println!("| Measure | Value | Target |");
    println!("|---|---:|---|");
    println!(
        "| Milestones applied (engine count) | {} of {} ({} per deployment) | |",
        o.lag.count,
        o.expected_milestones,
        s.milestones_per_deployment()
    );
    println!("| Lag p50 (applied − due, real time) | {} ms | |", o.lag.p50_millis);
    println!(
        "| Lag p99 | {} ms | < {} ms: {} |",
        o.lag.p99_millis,
        LAG_P99_TARGET.as_millis(),
        crate::verdict(lag_met)
    );
    println!("| Lag max | {} ms | |", o.lag.max_millis);
    println!(
        "| Peak RSS of ramp (VmHWM) | {:.1} MB | < {:.0} MB: {} |",
        mb(o.peak_rss_bytes),
        mb(PEAK_RSS_TARGET_BYTES),
        crate::verdict(rss_met)
    );
    println!(
        "| ramp CPU, whole run ({:.1} s wall) | {:.1} s = {:.0} % of {} cores | |",
        o.total_wall.as_secs_f64(),
        o.total_cpu.as_secs_f64(),
        share(o.total_cpu, o.total_wall),
        TARGET_CORES
    );
    println!(
        "| ramp CPU, rollout only (last start → all complete, {:.1} s) | {:.1} s = {:.0} % of {} cores | |",
        o.rollout_wall.as_secs_f64(),
        o.rollout_cpu.as_secs_f64(),
        share(o.rollout_cpu, o.rollout_wall),
        TARGET_CORES
    );
    for (name, phase) in [
        ("Create environments", &o.environments),
        ("Start deployments", &o.starts),
    ] {
        println!(
            "| {name} | {:.2} s ({:.0}/s; p50 {:.1} ms, p99 {:.1} ms; ramp CPU {:.0} % of {} cores) | |",
            phase.wall.as_secs_f64(),
            phase.per_second(n),
            phase.percentile_ms(0.50),
            phase.percentile_ms(0.99),
            share(phase.cpu, phase.wall),
            TARGET_CORES
        );
    }
    println!(
        "| Spot-checked GetDeployment | {} of {} COMPLETE at 100 % | |",
        o.spot_checks.iter().filter(|state| *state == "COMPLETE").count(),
        o.spot_checks.len()
    );
    println!();
    let step = if s.duration_minutes == 0 {
        0.0
    } else {
        // ramp's default `observed` step timing spaces the steps D / (steps + 1) apart.
        let steps = s.milestones_per_deployment() - 2;
        s.duration_minutes as f64 * 60.0 / s.time_scale / (steps + 1) as f64
    };
    println!(
        "Each deployment's {} milestones fall over {:.0} s of real time (steps every {:.0} s real), so the \
         {:.2} s it took to start them all spreads each milestone's {n} due times over that long rather \
         than one instant; all {n} were in flight together from the last start until the first completion. \
         Lag is ramp's own histogram (`GET /_ramp/engine`): per milestone, durable-write time minus due \
         time, divided by the time scale. CPU is utime+stime from /proc/PID/stat (with `getconf CLK_TCK`); \
         the whole run spans spawn → last milestone; peak RSS is VmHWM from /proc/PID/status after the \
         run. Clients: {} requests in flight on one hyper client, on the generator's runtime; {} cores; \
         1-minute load average before the run: {}. ramp's data dir: a fresh directory under {}.",
        s.milestones_per_deployment(),
        s.real_timeline().as_secs_f64(),
        step,
        o.starts.wall.as_secs_f64(),
        s.concurrency,
        std::thread::available_parallelism().map_or(0, usize::from),
        o.load_before.as_deref().unwrap_or("?"),
        std::env::temp_dir().display()
    );
    println!();
    println!(
        "ramp ran as: `{} serve --listen 127.0.0.1:0 --data-dir <tmp> {}`",
        ramp_bin.display(),
        o.serve_args.join(" ")
    );
}
