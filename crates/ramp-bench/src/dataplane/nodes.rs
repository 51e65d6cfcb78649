//! The `nodes` part: GetLatestConfiguration with real chained tokens, at maximum throughput
//! (closed loop), on one SQLite node (the baseline), on one PostgreSQL node, and on two nodes
//! sharing one PostgreSQL schema, in that order and in the same run, each on fresh servers.
//!
//! With two nodes, half the connections are bound to each, session `i` is started on node
//! `i mod 2`, and every chain alternates between the nodes (see [`super::chains`]): a token
//! minted by one node is spent on the other, which is what a load balancer in front of the
//! nodes makes happen. A node refusing another's token would show as errors; the share of calls
//! that sent the other node's token is reported, not assumed.
//!
//! Every process shares the machine: the generator, the ramp nodes and PostgreSQL. On a 2-core
//! machine a second node adds no core, so its figure shows what spreading the load costs or
//! gains there, not how the nodes would scale on machines of their own.

use std::path::Path;

use tokio::runtime::Runtime;

use super::chains::{self, ChainStats};
use super::drive::{Target, closed_loop};
use super::{Measured, Settings, measured_with_cpu};
use crate::postgres;
use crate::server::RampProcess;

/// One set-up's figures.
pub struct Point {
    pub label: &'static str,
    pub nodes: usize,
    pub measured: Measured,
    pub chains: ChainStats,
    /// What each node answered when sent a token it had just used up (it must refuse it).
    pub replays: Vec<String>,
}

pub struct Outcome {
    pub settings: Settings,
    pub points: Vec<Point>,
    /// The database server, its version and durability settings, for the report.
    pub database: String,
}

/// Measures the three set-ups, PostgreSQL ones each on a new schema of `database_url`.
pub fn run(binary: &Path, database_url: &str, settings: &Settings, generator: &Runtime) -> anyhow::Result<Outcome> {
    settings.check()?;
    let time_scale = settings.serve_args();
    let mut points = Vec::new();

    let sqlite = RampProcess::start_with(binary, &time_scale)?;
    points.push(measure("1 node, SQLite", vec![sqlite], settings, generator)?);

    for (label, names) in [
        ("1 node, PostgreSQL", &["bench-pg"][..]),
        ("2 nodes, one PostgreSQL schema", &["bench-a", "bench-b"][..]),
    ] {
        let url = postgres::fresh_schema(database_url, generator)?;
        let servers = names
            .iter()
            .map(|name| {
                let mut args = postgres::serve_args(&url, name);
                args.extend(time_scale.iter().cloned());
                RampProcess::start_with(binary, &args)
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        points.push(measure(label, servers, settings, generator)?);
    }
    Ok(Outcome {
        settings: settings.clone(),
        points,
        database: postgres::describe(database_url, generator)?,
    })
}

/// The closed loop over `servers`, which are stopped when it is done.
fn measure(
    label: &'static str,
    servers: Vec<RampProcess>,
    settings: &Settings,
    generator: &Runtime,
) -> anyhow::Result<Point> {
    let addrs: Vec<_> = servers.iter().map(|s| s.addr).collect();
    let pids: Vec<_> = servers.iter().map(RampProcess::pid).collect();
    eprintln!(
        "nodes: {label}: {} ({})",
        servers.iter().map(RampProcess::base_url).collect::<Vec<_>>().join(", "),
        settings.serve_args().join(" ")
    );
    let data = generator.block_on(chains::prepare(&addrs, settings))?;
    let target = Target::DataPlane(data.clone());
    eprintln!(
        "nodes: {label}: GetLatestConfiguration, closed loop, {} connections…",
        settings.connections
    );
    let ticks = crate::engine::clock_ticks_per_second();
    let measured = measured_with_cpu(&pids, ticks, || generator.block_on(closed_loop(&target, settings)))?;
    // Each node must still refuse a token it has just seen used.
    let replays = (0..addrs.len())
        .map(|node| generator.block_on(data.replay_used_token(node)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let chains = data.stats()?;
    drop(servers);
    Ok(Point {
        label,
        nodes: addrs.len(),
        measured,
        chains,
        replays,
    })
}

/// The part's Markdown section.
pub fn print_report(outcome: &Outcome, ramp_bin: &Path) {
    let s = &outcome.settings;
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let baseline = outcome.points.first().map(|p| p.measured.per_second());
    let pct = |m: &Measured, cpu: std::time::Duration| {
        100.0 * cpu.as_secs_f64() / m.cpu_wall.as_secs_f64().max(f64::MIN_POSITIVE)
    };
    println!();
    println!(
        "Data plane on one and two nodes: GetLatestConfiguration with chained tokens, closed loop \
         ({} sessions polling every 15 s of `--time-scale {}`; {} connections split evenly between the nodes):",
        s.sessions, s.time_scale, s.connections
    );
    println!();
    println!(
        "| Set-up | req/s | p50 ms | p99 ms | p99.9 ms | errors | too early | calls on the other node's token | ramp CPU (all nodes) | generator CPU | vs 1 SQLite node |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for p in &outcome.points {
        let m = &p.measured;
        let crossed = if p.nodes > 1 {
            format!(
                "{:.0} %",
                100.0 * p.chains.cross_node_calls as f64 / p.chains.chained_calls.max(1) as f64
            )
        } else {
            "—".to_owned()
        };
        println!(
            "| {} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {} | {crossed} | {:.0} % | {:.0} % | {} |",
            p.label,
            m.per_second(),
            m.percentile_ms(0.50),
            m.percentile_ms(0.99),
            m.percentile_ms(0.999),
            m.errors,
            m.too_early,
            m.server_cpu.map_or(0.0, |cpu| pct(m, cpu)),
            pct(m, m.generator_cpu),
            baseline.map_or("n/a".to_owned(), |b| format!("{:.0} %", 100.0 * m.per_second() / b)),
        );
    }
    println!();
    for p in &outcome.points {
        let (min, mean, max) = p.chains.chain_lengths;
        println!(
            "{}: {} successful chained calls in all, warm-up included ({} on the other node's token); calls \
             per chain min {min}, mean {mean:.0}, max {max}; pool waits {}; sessions lost {}; a just-used \
             token replayed to each node: {}.",
            p.label,
            p.chains.chained_calls,
            p.chains.cross_node_calls,
            p.measured.pool_waits,
            p.chains.lost_sessions,
            p.replays.join(" / ")
        );
    }
    println!();
    println!(
        "Each row on fresh servers: `{} serve --time-scale {}` on a fresh data directory (SQLite), or with \
         `--database-url … --node-name …` on a fresh schema of {} (one node, then two nodes started on \
         the same schema). Sessions start round-robin on the nodes, and a chain's next call goes to the \
         other node (a node with no session due takes a due one from the other's queue, so the faster \
         node is not held to the slower one's pace; on two nodes a session is due 3 ms after the poll \
         interval, since the nodes' accelerated clocks may differ by a millisecond). {} s warm-up + \
         {} s measured, latency send → answer. CPU: utime+stime from /proc over warm-up + window, in % \
         of one core; PostgreSQL's own CPU is not counted. All of it — generator, ramp nodes and \
         PostgreSQL — shares this machine's {cores} cores, so a second node adds processes, not cores.",
        ramp_bin.display(),
        s.time_scale,
        outcome.database,
        s.warmup.as_secs(),
        s.duration.as_secs(),
    );
}
