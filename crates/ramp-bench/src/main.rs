//! `ramp-bench`: a reproducible load benchmark of ramp over HTTP.
//!
//! It starts the release `ramp` binary on an empty data directory, times its start-up, then runs
//! a closed-loop HTTP/1.1 load against GetApplication and CreateHostedConfigurationVersion, and
//! against a minimal axum endpoint in this process as the machine's ceiling. It prints a
//! Markdown table to paste into the README. Then the data-plane scenario (see [`dataplane`]):
//! GetLatestConfiguration with real chained tokens, at its maximum rate and at half of it. Last,
//! the deployment-engine scenario (see [`engine`]) puts thousands of deployments in flight on an
//! accelerated clock and reports how late their steps are applied, with ramp's CPU time and peak
//! memory. The `extensions` part runs that scenario twice, without extensions and with a webhook
//! extension at every ON_* point and at every tick (see [`extensions`]).
//!
//! With `--database-url`, two more parts run on PostgreSQL: `stores` (see [`stores`]) measures
//! the control-plane read and write on SQLite and on PostgreSQL side by side, and `nodes` (see
//! [`dataplane::nodes`]) the data plane on one SQLite node, one PostgreSQL node and two nodes
//! sharing one PostgreSQL schema.
//!
//! The generator shares the machine with the server, so it runs on a tokio runtime with a fixed,
//! small number of worker threads (1 by default), identical for the ceiling and for ramp.

mod ceiling;
mod controlplane;
mod dataplane;
mod engine;
mod extensions;
mod fixtures;
mod hosting;
mod load;
mod postgres;
mod server;
mod stores;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use clap::{Parser, ValueEnum};
use http::Method;

use crate::controlplane::Operations;
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
    /// PostgreSQL database for the `stores` and `nodes` parts, which need it: each measured server
    /// gets a fresh schema in it (postgres://user@host:5432/db?sslmode=disable).
    #[arg(long, env = "RAMP_BENCH_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
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
    /// Extensions scenario: deployments in flight at once (the rest of its settings are the
    /// engine scenario's `--engine-*`).
    #[arg(long, default_value_t = 1_000)]
    extensions_deployments: usize,
    /// Extensions scenario: the extension's actions (`notify`: ON_DEPLOYMENT_START/STEP/BAKING/
    /// COMPLETE; `tick`: AT_DEPLOYMENT_TICK); one alone shows which costs the engine what.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [ExtensionAction::Notify, ExtensionAction::Tick])]
    extensions_actions: Vec<ExtensionAction>,
    /// Hosting scenarios: the seed of the generated sites.
    #[arg(long, default_value_t = 10)]
    hosting_seed: u64,
    /// `deploy` and `memory`: files of the generated site.
    #[arg(long, default_value_t = 10_000)]
    hosting_files: usize,
    /// `deploy` and `memory`: the generated site's size in bytes (about).
    #[arg(long, default_value_t = 100_000_000)]
    hosting_bytes: usize,
    /// `memory`: the small `--site-cache-bytes` measured next to the default.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    hosting_small_cache_bytes: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Part {
    Ceiling,
    Get,
    Create,
    Startup,
    Dataplane,
    Engine,
    /// The engine scenario without extensions and with a webhook extension at every point.
    Extensions,
    /// GetApplication and CreateHostedConfigurationVersion on SQLite and on PostgreSQL.
    Stores,
    /// The data plane on one SQLite node, one PostgreSQL node and two PostgreSQL nodes.
    Nodes,
    /// Amplify Hosting: a small page and a script served by ramp and by nginx.
    Sites,
    /// Amplify Hosting: StartDeployment → SUCCEED of a 10,000-file zip, then again.
    Deploy,
    /// Amplify Hosting: RSS while serving 10,000 files, default and small site cache.
    Memory,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ExtensionAction {
    Notify,
    Tick,
}

impl Part {
    /// The parts that run on PostgreSQL.
    fn needs_database(self) -> bool {
        matches!(self, Self::Stores | Self::Nodes)
    }
}

impl Args {
    /// Whether `part` runs: asked for, or everything asked for and `part` has what it needs.
    fn runs(&self, part: Part) -> bool {
        if part.needs_database() && self.database_url.is_none() {
            return false;
        }
        self.only.is_empty() || self.only.contains(&part)
    }

    /// Refuses a PostgreSQL part asked for by name without a database; a full run skips them
    /// instead, and says so.
    fn check_database(&self) -> anyhow::Result<()> {
        if self.database_url.is_some() {
            return Ok(());
        }
        let named: Vec<String> = self
            .only
            .iter()
            .filter(|part| part.needs_database())
            .map(|part| format!("{part:?}").to_lowercase())
            .collect();
        if !named.is_empty() {
            bail!(
                "--only {} needs a PostgreSQL database: pass --database-url postgres://… (or set \
                 RAMP_BENCH_DATABASE_URL)",
                named.join(",")
            );
        }
        if self.only.is_empty() {
            eprintln!(
                "note: the stores and nodes parts are skipped: they need --database-url (or RAMP_BENCH_DATABASE_URL)"
            );
        }
        Ok(())
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

    fn hosting_settings(&self) -> hosting::Settings {
        hosting::Settings {
            load: self.settings(),
            seed: self.hosting_seed,
            files: self.hosting_files,
            total_bytes: self.hosting_bytes,
            small_cache_bytes: self.hosting_small_cache_bytes,
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

    fn extensions_settings(&self) -> engine::Settings {
        engine::Settings {
            deployments: self.extensions_deployments,
            ..self.engine_settings()
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
    args.check_database()?;
    let binary = args.ramp_bin();
    let needs_ramp = args.runs(Part::Get)
        || args.runs(Part::Create)
        || args.runs(Part::Startup)
        || args.runs(Part::Dataplane)
        || args.runs(Part::Engine)
        || args.runs(Part::Extensions)
        || args.runs(Part::Stores)
        || args.runs(Part::Nodes)
        || args.runs(Part::Sites)
        || args.runs(Part::Deploy)
        || args.runs(Part::Memory);
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
        let operations = Operations {
            get: args.runs(Part::Get),
            create: args.runs(Part::Create),
        };
        let measured = controlplane::measure(&ramp, operations, args.settings(), &generator, "SQLite")?;
        if let Some(outcome) = measured.get {
            rows.push(Row {
                operation: "GetApplication",
                outcome,
            });
        }
        if let Some(outcome) = measured.create {
            rows.push(Row {
                operation: "CreateHostedConfigurationVersion (1 KiB, durable)",
                outcome,
            });
        }
    }
    let stores = match args.database_url.as_deref() {
        Some(url) if args.runs(Part::Stores) => Some(stores::run(&binary, url, args.settings(), &generator)?),
        _ => None,
    };
    let dataplane = if args.runs(Part::Dataplane) {
        Some(dataplane::run(&binary, &args.dataplane_settings(), &generator)?)
    } else {
        None
    };
    let nodes = match args.database_url.as_deref() {
        Some(url) if args.runs(Part::Nodes) => Some(dataplane::nodes::run(
            &binary,
            url,
            &args.dataplane_settings(),
            &generator,
        )?),
        _ => None,
    };
    let hosting = args.hosting_settings();
    let sites = if args.runs(Part::Sites) {
        Some(hosting::serving(&binary, &hosting, &generator)?)
    } else {
        None
    };
    let deploy = if args.runs(Part::Deploy) {
        Some(hosting::deploy(&binary, &hosting, &generator)?)
    } else {
        None
    };
    let memory = if args.runs(Part::Memory) {
        Some(hosting::memory(&binary, &hosting, &generator)?)
    } else {
        None
    };
    // Last: it takes minutes and leaves the machine's page cache and allocator warmest.
    let engine = if args.runs(Part::Engine) {
        Some(engine::run(&binary, &args.engine_settings(), &generator)?)
    } else {
        None
    };
    let extensions = if args.runs(Part::Extensions) {
        let actions = extensions::Actions {
            notify: args.extensions_actions.contains(&ExtensionAction::Notify),
            tick: args.extensions_actions.contains(&ExtensionAction::Tick),
        };
        Some(extensions::run(
            &binary,
            &args.extensions_settings(),
            actions,
            &generator,
        )?)
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
    if let Some(comparison) = &stores {
        stores::print_report(comparison, args.settings(), &binary);
    }
    if let Some(outcome) = &nodes {
        dataplane::nodes::print_report(outcome, &binary);
    }
    if let Some(outcome) = &engine {
        engine::print_report(outcome, &binary);
    }
    if let Some(outcome) = &extensions {
        extensions::print_report(outcome, &binary);
    }
    if let Some(outcome) = &sites {
        hosting::report::print_serving(outcome, &hosting, &binary);
    }
    if let Some(outcome) = &deploy {
        hosting::report::print_deploy(outcome, &hosting);
    }
    if let Some(outcome) = &memory {
        hosting::report::print_memory(outcome, &hosting);
    }
    if args.only.is_empty() && args.database_url.is_none() {
        println!();
        println!("(The stores and nodes parts were skipped: they need --database-url.)");
    }
    println!();
    println!("Command: `{}`", command_line());
    let mut errors: u64 = rows.iter().map(|row| row.outcome.errors).sum();
    let stores_rows = stores.as_ref().map(stores::Comparison::rows).unwrap_or_default();
    for (name, outcome) in &stores_rows {
        if outcome.errors > 0 {
            eprintln!(
                "{name}: {} errors, first: {}",
                outcome.errors,
                outcome.first_error.as_deref().unwrap_or("?")
            );
        }
        errors += outcome.errors;
    }
    for point in nodes.iter().flat_map(|outcome| &outcome.points) {
        let m = &point.measured;
        if m.errors > 0 {
            eprintln!(
                "nodes, {}: {} errors, first: {}",
                point.label,
                m.errors,
                m.first_error.as_deref().unwrap_or("?")
            );
        }
        errors += m.errors;
    }
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
    let hosting_outcomes = sites
        .iter()
        .flat_map(|s| {
            s.rows
                .iter()
                .flat_map(|row| [("sites, nginx", &row.nginx), ("sites, ramp", &row.ramp)])
        })
        .chain(
            memory
                .iter()
                .flat_map(|m| m.rows.iter().map(|row| ("memory", &row.outcome))),
        );
    for (name, outcome) in hosting_outcomes {
        if outcome.errors > 0 {
            eprintln!(
                "{name}: {} errors, first: {}",
                outcome.errors,
                outcome.first_error.as_deref().unwrap_or("?")
            );
        }
        errors += outcome.errors;
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
