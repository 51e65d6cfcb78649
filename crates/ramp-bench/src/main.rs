//! `ramp-bench`: a reproducible load benchmark of ramp over HTTP.
//!
//! It starts the release `ramp` binary on an empty data directory, times its start-up, then runs
//! a closed-loop HTTP/1.1 load against GetApplication and CreateHostedConfigurationVersion, and
//! against a minimal axum endpoint in this process as the machine's ceiling. It prints a
//! Markdown table to paste into the README. Then the data-plane scenario (see [`dataplane`]):
//! GetLatestConfiguration with real chained tokens, at its maximum rate and at half of it. Last,
//! the deployment-engine scenario (see [`engine`]) puts thousands of deployments in flight on an
//! accelerated clock and reports how late their steps are applied, with ramp's CPU time and peak
//! memory.
//!
//! The generator shares the machine with the server, so it runs on a tokio runtime with a fixed,
//! small number of worker threads (1 by default), identical for the ceiling and for ramp.

mod ceiling;
mod dataplane;
mod engine;
mod load;
mod server;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use bytes::Bytes;
use clap::{Parser, ValueEnum};
use http::{Method, StatusCode};

use crate::load::{Outcome, Settings, Template};
use crate::server::RampProcess;

/// The targets (a 2-core machine).
const GET_TARGET_OF_CEILING: f64 = 0.40;
const CREATE_TARGET_PER_SECOND: f64 = 2_000.0;
const STARTUP_TARGET: Duration = Duration::from_millis(200);

#[derive(Parser, Debug)]
#[command(name = "ramp-bench", about = "Load benchmark of ramp's AppConfig API over HTTP")]
struct Args {
    /// The `ramp` binary to benchmark [default: <workspace>/target/release/ramp].
    #[arg(long)]
    ramp_bin: Option<PathBuf>,
    /// Concurrent keep-alive connections, each with one request in flight.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Measured seconds per scenario.
    #[arg(long, default_value_t = 10)]
    duration_secs: u64,
    /// Unmeasured seconds before each scenario (connections, caches, page faults).
    #[arg(long, default_value_t = 2)]
    warmup_secs: u64,
    /// Worker threads of the generator's tokio runtime.
    #[arg(long, default_value_t = 1)]
    generator_threads: usize,
    /// How many fresh servers the start-up figure is taken over.
    #[arg(long, default_value_t = 5)]
    startup_runs: usize,
    /// Run only these parts (comma-separated); all of them when absent.
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Part>,
    /// Data-plane scenario: configuration sessions (token chains) polled round-robin.
    #[arg(long, default_value_t = 4096)]
    dataplane_sessions: usize,
    /// Data-plane scenario: ramp's `--time-scale` (15 s poll interval = 15 / scale real seconds;
    /// 24 h token lifetime = 86,400 / scale real seconds).
    #[arg(long, default_value_t = 1000.0)]
    dataplane_time_scale: f64,
    /// Data-plane scenario: SigV4-sign every call (the token is in the canonical query) instead of
    /// reusing one signature, which ramp, running open, does not verify.
    #[arg(long)]
    dataplane_sign_each_request: bool,
    /// Engine scenario: deployments in flight at once, one per environment.
    #[arg(long, default_value_t = 10_000)]
    engine_deployments: usize,
    /// Engine scenario: ramp's `--time-scale`.
    #[arg(long, default_value_t = 10.0)]
    engine_time_scale: f64,
    /// Engine scenario: the strategy's DeploymentDurationInMinutes (ramp-clock minutes).
    #[arg(long, default_value_t = 20)]
    engine_duration_minutes: i64,
    /// Engine scenario: the strategy's LINEAR GrowthFactor.
    #[arg(long, default_value_t = 20.0)]
    engine_growth_factor: f64,
    /// Engine scenario: the strategy's FinalBakeTimeInMinutes (ramp-clock minutes).
    #[arg(long, default_value_t = 2)]
    engine_bake_minutes: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Part {
    Ceiling,
    Get,
    Create,
    Startup,
    Dataplane,
    Engine,
}

impl Args {
    fn runs(&self, part: Part) -> bool {
        self.only.is_empty() || self.only.contains(&part)
    }

    fn ramp_bin(&self) -> PathBuf {
        self.ramp_bin.clone().unwrap_or_else(|| {
            // crates/ramp-bench → the workspace root, wherever the bench is run from.
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/release/ramp")
        })
    }

    fn settings(&self) -> Settings {
        Settings {
            connections: self.connections,
            warmup: Duration::from_secs(self.warmup_secs),
            duration: Duration::from_secs(self.duration_secs),
        }
    }

    fn dataplane_settings(&self) -> dataplane::Settings {
        dataplane::Settings {
            connections: self.connections,
            warmup: Duration::from_secs(self.warmup_secs),
            duration: Duration::from_secs(self.duration_secs),
            sessions: self.dataplane_sessions,
            time_scale: self.dataplane_time_scale,
            sign_each_request: self.dataplane_sign_each_request,
            ceiling_at_half_rate: self.runs(Part::Ceiling),
        }
    }

    fn engine_settings(&self) -> engine::Settings {
        engine::Settings {
            deployments: self.engine_deployments,
            concurrency: self.connections,
            time_scale: self.engine_time_scale,
            duration_minutes: self.engine_duration_minutes,
            growth_factor: self.engine_growth_factor,
            bake_minutes: self.engine_bake_minutes,
        }
    }
}

/// One line of the table.
struct Row {
    operation: &'static str,
    outcome: Outcome,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    ensure!(args.connections > 0, "--connections must be at least 1");
    ensure!(args.duration_secs > 0, "--duration-secs must be at least 1");
    ensure!(args.generator_threads > 0, "--generator-threads must be at least 1");
    let binary = args.ramp_bin();
    let needs_ramp = args.runs(Part::Get)
        || args.runs(Part::Create)
        || args.runs(Part::Startup)
        || args.runs(Part::Dataplane)
        || args.runs(Part::Engine);
    if needs_ramp && !binary.is_file() {
        bail!(
            "no ramp binary at {}; build it with `cargo build --release -p ramp` or pass --ramp-bin",
            binary.display()
        );
    }

    let startup = if args.runs(Part::Startup) {
        eprintln!("measuring start-up over {} fresh servers…", args.startup_runs);
        Some(server::measure_startup(&binary, args.startup_runs)?)
    } else {
        None
    };

    // One generator runtime for every scenario: the same threads measure the ceiling and ramp.
    let generator = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.generator_threads)
        .enable_all()
        .build()
        .context("building the generator runtime")?;
    let mut rows = Vec::new();

    if args.runs(Part::Ceiling) {
        eprintln!("ceiling: minimal axum endpoint…");
        let ceiling = ceiling::Ceiling::start()?;
        let template = Template::signed(Method::GET, ceiling.addr, "/", None)?;
        let outcome = generator.block_on(load::run(&load::client(), template, args.settings()))?;
        ceiling.stop()?;
        rows.push(Row {
            operation: "ceiling: minimal axum GET (same machine)",
            outcome,
        });
    }

    if args.runs(Part::Get) || args.runs(Part::Create) {
        let ramp = RampProcess::start(&binary)?;
        eprintln!("ramp serving on {} (ready in {:?})", ramp.base_url(), ramp.startup);
        let (get, create) = generator.block_on(setup(&ramp))?;
        if args.runs(Part::Get) {
            eprintln!("GetApplication…");
            let outcome = generator.block_on(load::run(&load::client(), get, args.settings()))?;
            rows.push(Row {
                operation: "GetApplication",
                outcome,
            });
        }
        if args.runs(Part::Create) {
            eprintln!("CreateHostedConfigurationVersion…");
            let outcome = generator.block_on(load::run(&load::client(), create, args.settings()))?;
            rows.push(Row {
                operation: "CreateHostedConfigurationVersion (1 KiB, durable)",
                outcome,
            });
        }
    }
    let dataplane = if args.runs(Part::Dataplane) {
        Some(dataplane::run(&binary, &args.dataplane_settings(), &generator)?)
    } else {
        None
    };
    // Last: it takes minutes and leaves the machine's page cache and allocator warmest.
    let engine = if args.runs(Part::Engine) {
        Some(engine::run(&binary, &args.engine_settings(), &generator)?)
    } else {
        None
    };
    generator.shutdown_timeout(Duration::from_secs(1));

    if cfg!(debug_assertions) {
        println!("WARNING: ramp-bench is a debug build; build it with --release for figures worth quoting.");
    }
    print_report(&args, &rows, startup.as_deref());
    if let Some(outcome) = &dataplane {
        let ceiling = rows
            .iter()
            .find(|row| row.operation.starts_with("ceiling"))
            .map(|row| row.outcome.per_second());
        dataplane::print_report(outcome, ceiling, &binary);
    }
    if let Some(outcome) = &engine {
        engine::print_report(outcome, &binary);
    }
    println!();
    println!("Command: `{}`", command_line());
    let mut errors: u64 = rows.iter().map(|row| row.outcome.errors).sum();
    if let Some(outcome) = &dataplane {
        let points = [Some(&outcome.max), Some(&outcome.half), outcome.ceiling_half.as_ref()];
        for (name, m) in ["max", "half rate", "ceiling at half rate"]
            .iter()
            .zip(points)
            .filter_map(|(name, m)| Some((name, m?)))
        {
            if m.errors > 0 {
                eprintln!(
                    "dataplane {name}: {} errors, first: {}",
                    m.errors,
                    m.first_error.as_deref().unwrap_or("?")
                );
            }
            errors += m.errors;
        }
    }
    if errors > 0 {
        for row in rows.iter().filter(|row| row.outcome.errors > 0) {
            eprintln!(
                "{}: {} errors, first: {}",
                row.operation,
                row.outcome.errors,
                row.outcome.first_error.as_deref().unwrap_or("?")
            );
        }
        bail!("invalid run: {errors} requests failed (every answer must be 2xx)");
    }
    Ok(())
}

/// Creates the application and hosted profile the scenarios use, as an SDK would: signed JSON.
async fn setup(ramp: &RampProcess) -> anyhow::Result<(Template, Template)> {
    let client = load::client();
    let json = |value: serde_json::Value| Some(("application/json", Bytes::from(value.to_string())));

    let create_app = Template::signed(
        Method::POST,
        ramp.addr,
        "/applications",
        json(serde_json::json!({ "Name": "bench" })),
    )?;
    let application_id = created_id(load::send_once(&client, &create_app).await?, "CreateApplication")?;

    let profiles = format!("/applications/{application_id}/configurationprofiles");
    let create_profile = Template::signed(
        Method::POST,
        ramp.addr,
        &profiles,
        json(serde_json::json!({ "Name": "p", "LocationUri": "hosted" })),
    )?;
    let profile_id = created_id(
        load::send_once(&client, &create_profile).await?,
        "CreateConfigurationProfile",
    )?;

    let get = Template::signed(Method::GET, ramp.addr, &format!("/applications/{application_id}"), None)?;
    let versions = format!("{profiles}/{profile_id}/hostedconfigurationversions");
    let create = Template::signed(
        Method::POST,
        ramp.addr,
        &versions,
        Some(("application/json", hosted_content())),
    )?;
    // One of each before the clock starts: a broken template fails loudly here, not as a
    // table full of errors.
    for (template, name) in [(&get, "GetApplication"), (&create, "CreateHostedConfigurationVersion")] {
        let (status, body) = load::send_once(&client, template).await?;
        ensure!(
            status.is_success(),
            "{name} failed: {status} {}",
            String::from_utf8_lossy(&body)
        );
    }
    Ok((get, create))
}

/// The `Id` of a 201 answer.
fn created_id((status, body): (StatusCode, Bytes), operation: &str) -> anyhow::Result<String> {
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

/// About 1 KiB of feature-flag-like JSON: the size of a typical small hosted configuration.
/// Creates a hosted configuration profile named `name` in application `app`, with one version
/// of [`hosted_content`]; the profile's id.
async fn hosted_profile(
    client: &load::HttpClient,
    addr: std::net::SocketAddr,
    app: &str,
    name: &str,
) -> anyhow::Result<String> {
    let profiles = format!("/applications/{app}/configurationprofiles");
    let body = Bytes::from(serde_json::json!({ "Name": name, "LocationUri": "hosted" }).to_string());
    let create_profile = Template::signed(Method::POST, addr, &profiles, Some(("application/json", body)))?;
    let profile = created_id(
        load::send_once(client, &create_profile).await?,
        "CreateConfigurationProfile",
    )?;
    let create_version = Template::signed(
        Method::POST,
        addr,
        &format!("{profiles}/{profile}/hostedconfigurationversions"),
        Some(("application/json", hosted_content())),
    )?;
    let (status, body) = load::send_once(client, &create_version).await?;
    ensure!(
        status == StatusCode::CREATED,
        "CreateHostedConfigurationVersion failed: {status} {}",
        String::from_utf8_lossy(&body)
    );
    Ok(profile)
}

fn hosted_content() -> Bytes {
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

fn print_report(args: &Args, rows: &[Row], startup: Option<&[Duration]>) {
    let ceiling = rows
        .iter()
        .find(|row| row.operation.starts_with("ceiling"))
        .map(|row| row.outcome.per_second());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);

    if !rows.is_empty() {
        println!();
        println!("| Operation | req/s | p50 ms | p99 ms | p99.9 ms | errors | % of ceiling |");
        println!("|---|---:|---:|---:|---:|---:|---:|");
    }
    for row in rows {
        let o = &row.outcome;
        let share = ceiling.map_or("n/a".to_owned(), |c| format!("{:.0} %", 100.0 * o.per_second() / c));
        println!(
            "| {} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {} |",
            row.operation,
            o.per_second(),
            o.percentile_ms(0.50),
            o.percentile_ms(0.99),
            o.percentile_ms(0.999),
            o.errors,
            share
        );
    }
    if !rows.is_empty() || startup.is_some() {
        println!();
    }
    if let Some(times) = startup {
        let mut sorted = times.to_vec();
        sorted.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        if let (Some(median), Some(max)) = (sorted.get(sorted.len() / 2), sorted.last()) {
            println!(
                "Start-up (spawn of `ramp serve` on an empty data dir → first 200 from `GET /_ramp/health`), \
                 {} runs: median {:.1} ms, max {:.1} ms (target ≤ {} ms: {}).",
                sorted.len(),
                ms(*median),
                ms(*max),
                STARTUP_TARGET.as_millis(),
                verdict(*max <= STARTUP_TARGET)
            );
        }
    }
    for row in rows {
        let per_second = row.outcome.per_second();
        if row.operation == "GetApplication"
            && let Some(c) = ceiling
        {
            let share = per_second / c;
            println!(
                "GetApplication: {:.0} % of the ceiling (target ≥ {:.0} %: {}).",
                100.0 * share,
                100.0 * GET_TARGET_OF_CEILING,
                verdict(share >= GET_TARGET_OF_CEILING)
            );
        }
        if row.operation.starts_with("CreateHostedConfigurationVersion") {
            println!(
                "CreateHostedConfigurationVersion: {per_second:.0}/s durable (target ≥ {CREATE_TARGET_PER_SECOND:.0}/s: {}).",
                verdict(per_second >= CREATE_TARGET_PER_SECOND)
            );
        }
    }
    if rows.is_empty() {
        return;
    }
    println!();
    println!(
        "Closed-loop load: hyper 1 client (hyper-util legacy, HTTP/1.1 keep-alive), {} connections × 1 request \
         in flight, {} s warm-up + {} s measured per row, on a tokio runtime with {} worker thread(s) in the \
         same process as the ceiling; ramp and the ceiling each on a default multi-thread tokio runtime; {} \
         cores; requests SigV4-signed once per template with ramp-sigv4; latencies in an HdrHistogram; any \
         non-2xx is an error. ramp's data dir: a fresh directory under {}.",
        args.connections,
        args.warmup_secs,
        args.duration_secs,
        args.generator_threads,
        cores,
        std::env::temp_dir().display()
    );
}

fn command_line() -> String {
    std::env::args()
        .map(|arg| {
            if arg.is_empty() || arg.contains(char::is_whitespace) {
                format!("'{arg}'")
            } else {
                arg
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}
