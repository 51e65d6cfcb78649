//! The data-plane scenario: GetLatestConfiguration with real chained tokens.
//!
//! It starts its own `ramp serve` on an accelerated clock (`--time-scale`), deploys a 1 KiB
//! hosted configuration with `AppConfig.AllAtOnce` and waits until the deployment is COMPLETE,
//! then starts a pool of configuration sessions (`RequiredMinimumPollIntervalInSeconds: 15`, the
//! least AWS allows). Every GetLatestConfiguration takes a session from the pool, sends the token
//! of that session's previous answer (`Next-Poll-Configuration-Token`) and puts the session back
//! with the new token. So each call is a real, successful poll of a real chain: ramp checks the
//! token's HMAC, expiry, single use and poll interval, exactly as for an SDK.
//!
//! The poll interval is why the clock is accelerated: 15 s of ramp time pass in 15 / scale real
//! seconds, so a session is due again after a few milliseconds, while a token's 24 h lifetime
//! still lasts 86,400 / scale real seconds (86 s at the default scale of 1,000). The pool is a
//! FIFO: a session goes back at the end when its answer arrives, so the front is always the one
//! due first; with thousands of sessions each is polled again long after its interval. A call
//! that ramp answers "Request too early" is counted apart (it does not use up the token) and
//! the session goes back to be retried with the same token later; a generator that finds the
//! front session not yet due waits for it and counts that too. Both should stay zero.
//!
//! Two operating points, on the same generator runtime and connections as the ceiling:
//! 1. maximum throughput: a closed loop, one call in flight per connection;
//! 2. latency at half of that maximum: an open loop on the same connections, each call due at a
//!    fixed instant whatever the answers do (see [`open_loop`]). A call whose connection is still
//!    busy when it is due counts its wait; a second figure measures from the exact due instant,
//!    which also counts the generator's timer lag (up to a millisecond).
//!
//! If the ceiling is part of the run, the minimal axum endpoint is driven by the same open loop at
//! the same rate, for the latency floor of this generator on this machine.
//!
//! The same machinery drives several nodes sharing one PostgreSQL database ([`nodes`]): the
//! sessions ([`chains`]) then alternate between the nodes, and each connection is bound to one.

mod chains;
mod drive;
mod measured;
pub mod nodes;
mod report;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::ensure;
use http::Method;

pub use chains::ChainStats;
use drive::{Target, closed_loop, open_loop};
pub use measured::Measured;
pub use report::print_report;

use crate::ceiling::Ceiling;
use crate::load::{self, Template};
use crate::server::RampProcess;

/// The targets (issue 9: at least 0.7 of the ceiling).
pub const SHARE_OF_CEILING_TARGET: f64 = 0.70;
pub const HALF_RATE_P99_TARGET: Duration = Duration::from_millis(5);
pub const MIN_MEASURED_CALLS: u64 = 100_000;

/// The least poll interval AWS accepts, in ramp-clock seconds.
const POLL_INTERVAL_SECONDS: u64 = 15;
/// ramp's token lifetime, in ramp-clock seconds (spec/appconfig.md §10.2).
const TOKEN_LIFETIME_SECONDS: f64 = 24.0 * 3600.0;
/// The least real time a token may live at the chosen time scale.
const MIN_REAL_TOKEN_LIFETIME: Duration = Duration::from_secs(10);

#[derive(Clone, Debug)]
pub struct Settings {
    pub connections: usize,
    pub warmup: Duration,
    pub duration: Duration,
    /// Configuration sessions (token chains) in the pool.
    pub sessions: usize,
    /// ramp's `--time-scale`.
    pub time_scale: f64,
    /// Sign every call with its own token in the canonical query (as an SDK does), instead of
    /// one signature made once and reused, which ramp, running open, parses but does not check.
    pub sign_each_request: bool,
    /// Also drive the minimal axum endpoint at the half rate.
    pub ceiling_at_half_rate: bool,
}

impl Settings {
    /// One poll interval in real time.
    pub fn real_interval(&self) -> Duration {
        Duration::from_secs_f64(POLL_INTERVAL_SECONDS as f64 / self.time_scale)
    }

    /// A token's 24 h lifetime in real time.
    pub fn real_token_lifetime(&self) -> Duration {
        Duration::from_secs_f64(TOKEN_LIFETIME_SECONDS / self.time_scale)
    }

    pub fn serve_args(&self) -> Vec<String> {
        vec!["--time-scale".to_owned(), self.time_scale.to_string()]
    }

    /// Settings the chains cannot run with.
    fn check(&self) -> anyhow::Result<()> {
        ensure!(
            self.time_scale > 0.0 && self.time_scale.is_finite(),
            "--dataplane-time-scale must be positive"
        );
        ensure!(
            self.sessions >= 2 * self.connections,
            "--dataplane-sessions must be at least twice --connections, so a free session is always due"
        );
        // Every poll renews a token's lifetime, and each session is polled again a fraction of a
        // second later; a lifetime of seconds still leaves room for the pauses between phases.
        ensure!(
            self.real_token_lifetime() >= MIN_REAL_TOKEN_LIFETIME,
            "at --dataplane-time-scale {} a token lives {:.1} s of real time; keep it at least {} s",
            self.time_scale,
            self.real_token_lifetime().as_secs_f64(),
            MIN_REAL_TOKEN_LIFETIME.as_secs()
        );
        Ok(())
    }
}

pub struct Outcome {
    pub settings: Settings,
    pub serve_args: Vec<String>,
    pub max: Measured,
    pub half: Measured,
    /// The minimal axum endpoint under the same open loop at the same rate.
    pub ceiling_half: Option<Measured>,
    /// The chains' record over the whole scenario, warm-ups included.
    pub chains: ChainStats,
    /// What ramp answered to a token that had already been used (must be refused).
    pub reused_token_answer: String,
}

/// Runs the scenario on `generator` against a fresh `ramp serve`.
pub fn run(binary: &Path, settings: &Settings, generator: &tokio::runtime::Runtime) -> anyhow::Result<Outcome> {
    settings.check()?;
    let serve_args = settings.serve_args();
    let ramp = RampProcess::start_with(binary, &serve_args)?;
    eprintln!(
        "dataplane: ramp serving on {} ({})",
        ramp.base_url(),
        serve_args.join(" ")
    );
    let ticks = crate::engine::clock_ticks_per_second();
    let pids = [ramp.pid()];
    let data = generator.block_on(chains::prepare(&[ramp.addr], settings))?;
    let target = Target::DataPlane(data.clone());

    eprintln!(
        "dataplane: GetLatestConfiguration, closed loop, {} connections…",
        settings.connections
    );
    let max = measured_with_cpu(&pids, ticks, || generator.block_on(closed_loop(&target, settings)))?;
    let half_rate = max.per_second() / 2.0;
    ensure!(
        half_rate > 0.0,
        "no GetLatestConfiguration succeeded: {:?}",
        max.first_error
    );
    eprintln!("dataplane: GetLatestConfiguration, open loop at {half_rate:.0}/s…");
    let half = measured_with_cpu(&pids, ticks, || {
        generator.block_on(open_loop(&target, settings, half_rate))
    })?;

    // The chains are real: the token a session started with was used long ago and is refused.
    let reused_token_answer = generator.block_on(data.replay_used_token(0))?;
    let chains = data.stats()?;
    drop(ramp);

    let ceiling_half = if settings.ceiling_at_half_rate {
        eprintln!("dataplane: ceiling, open loop at {half_rate:.0}/s…");
        let ceiling = Ceiling::start()?;
        let template = Template::signed(Method::GET, ceiling.addr, "/", None)?;
        let target = Target::Ceiling(Box::new(load::client()), Arc::new(template));
        let measured = generator.block_on(open_loop(&target, settings, half_rate));
        ceiling.stop()?;
        Some(measured?)
    } else {
        None
    };

    Ok(Outcome {
        settings: settings.clone(),
        serve_args,
        max,
        half,
        ceiling_half,
        chains,
        reused_token_answer,
    })
}

/// Runs `phase`, with the ramp processes' (summed) and this process's CPU time over it.
fn measured_with_cpu(
    pids: &[u32],
    ticks: f64,
    phase: impl FnOnce() -> anyhow::Result<Measured>,
) -> anyhow::Result<Measured> {
    let servers = || -> anyhow::Result<Duration> { pids.iter().map(|&pid| crate::engine::cpu_time(pid, ticks)).sum() };
    let me = std::process::id();
    let (server_before, mine_before, began) = (servers()?, crate::engine::cpu_time(me, ticks)?, Instant::now());
    let mut measured = phase()?;
    measured.cpu_wall = began.elapsed();
    measured.server_cpu = Some(servers()?.saturating_sub(server_before));
    measured.generator_cpu = crate::engine::cpu_time(me, ticks)?.saturating_sub(mine_before);
    Ok(measured)
}
