//! The extensions scenario: the engine scenario ([`crate::engine`]) run twice with the same
//! settings, once as it is (the baseline) and once with an extension associated with the
//! application whose webhook actions fire at every ON_* point and at every tick, pointed at a
//! receiver in this process.
//!
//! * **Delivery lag** is the receipt time of each ON_* request minus the time of the transition
//!   it announces. The transition's time is its event's `OccurredAt` in GetDeployment, read after
//!   the run: the event is found by the request's `X-Ramp-Invocation-Id`, which ramp records in
//!   the event's `ActionInvocations`. `OccurredAt` is on ramp's accelerated clock; it is mapped to
//!   real time with a sample of `GET /_ramp/clock` taken together with real time (the sample of
//!   20 with the shortest round trip, its real time the round trip's midpoint): ramp time `T`
//!   happened at `real₀ + (T − ramp₀) / scale`. ramp's clock is its start instant's monotonic
//!   time times the scale, so the map is exact but for the sample's error: half its round trip,
//!   plus the millisecond ramp prints (`1 / scale` real ms); a second sample at the end checks
//!   the map (its drift is reported).
//! * A milestone's `OccurredAt` is its *due* time (DEPLOYMENT_STARTED's is the request's), so the
//!   delivery lag includes the engine's own lag in applying it, shown beside it.
//! * **Engine lag** is ramp's own histogram (`GET /_ramp/engine`), as in the engine part; the
//!   target is the p99 with extensions at most twice the baseline's.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, ensure};
use axum::Json;
use axum::extract::State;
use bytes::Bytes;
use hdrhistogram::Histogram;
use http::{HeaderMap, Method, StatusCode};
use ramp_clock::Timestamp;
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::engine::{self, Fixtures, Hooks, Started};
use crate::load::{self, HttpClient, Template};

/// The target: the engine's p99 lag with extensions at most this many times the
/// baseline's.
pub const P99_RATIO_TARGET: f64 = 2.0;
/// How long after the last milestone the run waits for the last notification.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(120);
/// `GET /_ramp/clock` samples taken for the clock map; the one with the shortest round trip wins.
const CLOCK_SAMPLES: usize = 20;
/// The extension's ON_* actions: (action point, action name).
const NOTIFY_POINTS: [(&str, &str); 4] = [
    ("ON_DEPLOYMENT_START", "on-start"),
    ("ON_DEPLOYMENT_STEP", "on-step"),
    ("ON_DEPLOYMENT_BAKING", "on-baking"),
    ("ON_DEPLOYMENT_COMPLETE", "on-complete"),
];
const TICK_ACTION: &str = "tick";
const TICK_INTERVAL_RAMP: Duration = Duration::from_secs(60);

/// Which of the extension's actions the run has (both by default; one alone tells which costs
/// the engine what).
#[derive(Clone, Copy, Debug)]
pub struct Actions {
    /// ON_DEPLOYMENT_START/STEP/BAKING/COMPLETE.
    pub notify: bool,
    /// AT_DEPLOYMENT_TICK.
    pub tick: bool,
}

impl Actions {
    fn describe(self) -> &'static str {
        match (self.notify, self.tick) {
            (true, true) => "ON_DEPLOYMENT_START/STEP/BAKING/COMPLETE and AT_DEPLOYMENT_TICK",
            (true, false) => "ON_DEPLOYMENT_START/STEP/BAKING/COMPLETE only (no tick action)",
            (false, true) => "AT_DEPLOYMENT_TICK only (no ON_* action)",
            (false, false) => "no point at all",
        }
    }
}

pub struct Outcome {
    pub actions: Actions,
    pub baseline: engine::Outcome,
    pub with: engine::Outcome,
    pub deliveries: Deliveries,
}

impl Outcome {
    /// The engine's p99 with extensions over the baseline's (the baseline counted as ≥ 1 ms,
    /// the histogram's resolution).
    pub fn p99_ratio(&self) -> f64 {
        self.with.lag.p99_millis as f64 / self.baseline.lag.p99_millis.max(1) as f64
    }
}

/// What the receiver got, matched with the deployments' event logs.
pub struct Deliveries {
    /// ON_* events in the event logs (every event but ROLLBACK_STARTED).
    pub expected: u64,
    /// Of those, events that were received (by their InvocationId).
    pub delivered: u64,
    /// Requests whose InvocationId had already been received.
    pub duplicates: u64,
    /// Requests whose InvocationId is on no event.
    pub unmatched: u64,
    /// Events with no invocation of the extension's ON_* action recorded.
    pub unrecorded: u64,
    /// Invocations recorded with an ErrorCode.
    pub failed: u64,
    /// Requests whose `X-Ramp-Event-Type` or DeploymentNumber disagrees with their event.
    pub mismatched: u64,
    /// Delivery lag of each delivered event (first receipt), microseconds; all, and per Type.
    pub lag: Histogram<u64>,
    pub lag_by_type: BTreeMap<String, Histogram<u64>>,
    /// Deliveries received before their event's time (clock-map error), the earliest.
    pub early: u64,
    pub earliest_micros: i64,
    pub ticks: Ticks,
    pub clock: ClockMap,
    /// Last milestone applied → every notification received and the outbox empty.
    pub settle: Duration,
    pub settled: bool,
    /// The most pending outbox entries and the oldest pending entry's age (real ms) seen while
    /// polling `GET /_ramp/engine` every 0.5 s.
    pub max_outbox_pending: u64,
    pub max_outbox_age_millis: f64,
    /// Deployments not COMPLETE at the end (a tick that failed rolls one back).
    pub not_complete: usize,
}

/// AT_DEPLOYMENT_TICK requests, grouped into rounds (a gap of half an interval parts two).
pub struct Ticks {
    pub received: u64,
    /// Per round: requests and the time from its first to its last.
    pub rounds: Vec<(u64, Duration)>,
}

/// How ramp's clock was mapped onto real time.
pub struct ClockMap {
    pub scale: f64,
    /// The chosen sample's round trip.
    pub round_trip: Duration,
    /// The end sample's disagreement with the map, real ms.
    pub drift_millis: f64,
}

impl ClockMap {
    /// The map's error bound, real ms: half the round trip, ramp's printed millisecond, drift.
    pub fn error_millis(&self) -> f64 {
        self.round_trip.as_secs_f64() * 500.0 + 1.0 / self.scale + self.drift_millis.abs()
    }
}

/// Runs the baseline, then the run with the extension.
pub fn run(
    binary: &Path,
    settings: &engine::Settings,
    actions: Actions,
    generator: &tokio::runtime::Runtime,
) -> anyhow::Result<Outcome> {
    eprintln!("extensions: baseline run, without extensions…");
    let baseline = engine::run(binary, settings, generator)?;
    eprintln!(
        "extensions: baseline engine lag p50 {} ms, p99 {} ms; now the run with a webhook extension…",
        baseline.lag.p50_millis, baseline.lag.p99_millis
    );
    let receiver = Receiver::start()?;
    let mut hooks = WithExtension {
        url: format!("http://{}/hook", receiver.addr),
        receiver: &receiver,
        settings: settings.clone(),
        actions,
        anchor: None,
        max_pending: 0,
        max_age_ramp_millis: 0,
        settle: Duration::ZERO,
        settled: false,
    };
    let (with, deliveries) = engine::run_with(binary, settings, &mut hooks, generator)?;
    receiver.stop()?;
    Ok(Outcome {
        actions,
        baseline,
        with,
        deliveries,
    })
}

struct WithExtension<'a> {
    url: String,
    receiver: &'a Receiver,
    settings: engine::Settings,
    actions: Actions,
    anchor: Option<ClockSample>,
    max_pending: u64,
    max_age_ramp_millis: i64,
    settle: Duration,
    settled: bool,
}

impl Hooks for WithExtension<'_> {
    type Output = Deliveries;

    async fn prepare(&mut self, ramp: &Fixtures) -> anyhow::Result<()> {
        let mut actions = serde_json::Map::new();
        if self.actions.notify {
            for (point, name) in NOTIFY_POINTS {
                actions.insert(point.to_owned(), json!([{ "Name": name, "Uri": self.url }]));
            }
        }
        if self.actions.tick {
            actions.insert(
                "AT_DEPLOYMENT_TICK".to_owned(),
                json!([{ "Name": TICK_ACTION, "Uri": self.url }]),
            );
        }
        let create = Template::signed(
            Method::POST,
            ramp.addr,
            "/extensions",
            crate::fixtures::json(json!({ "Name": "bench-webhook", "Actions": actions })),
        )?;
        let extension = crate::fixtures::created_id(load::send_once(&ramp.client, &create).await?, "CreateExtension")?;
        let associate = Template::signed(
            Method::POST,
            ramp.addr,
            "/extensionassociations",
            crate::fixtures::json(json!({
                "ExtensionIdentifier": extension,
                "ResourceIdentifier": format!("arn:aws:appconfig:us-east-1:000000000000:application/{}", ramp.application_id),
            })),
        )?;
        crate::fixtures::created_id(
            load::send_once(&ramp.client, &associate).await?,
            "CreateExtensionAssociation",
        )?;
        self.anchor = Some(sample_clock(&ramp.client, ramp.addr).await?);
        Ok(())
    }

    fn observe(&mut self, engine: &Value) {
        let outbox = &engine["Outbox"];
        self.max_pending = self.max_pending.max(outbox["Pending"].as_u64().unwrap_or(0));
        self.max_age_ramp_millis = self
            .max_age_ramp_millis
            .max(outbox["OldestPendingAgeMillis"].as_i64().unwrap_or(0));
    }

    async fn settle(&mut self, ramp: &Fixtures) -> anyhow::Result<()> {
        let expected = if self.actions.notify {
            self.settings.deployments as u64 * (self.settings.milestones_per_deployment() + 1)
        } else {
            0
        };
        let began = Instant::now();
        let template = Template::signed(Method::GET, ramp.addr, "/_ramp/engine", None)?;
        loop {
            let (_, engine) = engine::engine_lag(&ramp.client, &template).await?;
            self.observe(&engine);
            let pending = engine["Outbox"]["Pending"].as_u64().unwrap_or(u64::MAX);
            if self.receiver.distinct_notifications() >= expected && pending == 0 {
                self.settled = true;
                break;
            }
            if began.elapsed() > SETTLE_TIMEOUT {
                eprintln!(
                    "extensions: {} of {expected} notifications received and {pending} outbox entries pending \
                     {:.0} s after the last milestone; reporting what arrived",
                    self.receiver.distinct_notifications(),
                    began.elapsed().as_secs_f64()
                );
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.settle = began.elapsed();
        Ok(())
    }

    async fn inspect(&mut self, ramp: &Fixtures, started: &Started) -> anyhow::Result<Deliveries> {
        let anchor = self.anchor.context("the clock was not sampled")?;
        let end = sample_clock(&ramp.client, ramp.addr).await?;
        let scale = self.settings.time_scale;
        let map = |ramp_millis: i64| -> f64 { (ramp_millis - anchor.ramp_millis) as f64 / scale };
        let drift_millis = signed_millis(end.real, anchor.real) - map(end.ramp_millis);

        eprintln!(
            "extensions: reading {} event logs over GetDeployment…",
            started.numbers.len()
        );
        let logs = event_logs(ramp, started, self.settings.concurrency).await?;

        // InvocationId → its event; and the events that should have been delivered.
        let on_actions: Vec<&str> = NOTIFY_POINTS.iter().map(|(_, name)| *name).collect();
        let mut events: HashMap<String, Event> = HashMap::new();
        let mut expected = 0;
        let mut unrecorded = 0;
        let mut failed = 0;
        let mut not_complete = 0;
        for (i, log) in logs.iter().enumerate() {
            if log.state != "COMPLETE" {
                not_complete += 1;
            }
            for event in &log.events {
                if event.event_type == "ROLLBACK_STARTED" || !self.actions.notify {
                    continue;
                }
                expected += 1;
                let ours: Vec<&Invocation> = event
                    .invocations
                    .iter()
                    .filter(|inv| on_actions.contains(&inv.action_name.as_str()))
                    .collect();
                if ours.is_empty() {
                    unrecorded += 1;
                }
                for inv in ours {
                    if inv.failed {
                        failed += 1;
                    }
                    events.insert(
                        inv.id.clone(),
                        Event {
                            occurred_ramp_millis: event.occurred_ramp_millis,
                            event_type: event.event_type.clone(),
                            deployment_number: started.numbers[i],
                        },
                    );
                }
            }
        }

        let (mut notifications, mut tick_times) = self.receiver.take();
        // Each receipt's time is taken before the receiver's lock: put them in time order.
        notifications.sort_by_key(|r| r.at);
        tick_times.sort_unstable();
        let mut lag = load::new_histogram()?;
        let mut lag_by_type: BTreeMap<String, Histogram<u64>> = BTreeMap::new();
        let mut seen: HashMap<&str, ()> = HashMap::new();
        let (mut duplicates, mut unmatched, mut mismatched, mut early) = (0, 0, 0, 0);
        let mut earliest_micros = i64::MAX;
        for receipt in &notifications {
            if seen.insert(receipt.invocation_id.as_str(), ()).is_some() {
                duplicates += 1;
                continue;
            }
            let Some(event) = events.get(&receipt.invocation_id) else {
                unmatched += 1;
                continue;
            };
            let body: Value = serde_json::from_slice(&receipt.body).unwrap_or(Value::Null);
            if receipt.event_type != type_of(&event.event_type)
                || body["DeploymentNumber"].as_u64() != Some(event.deployment_number)
            {
                mismatched += 1;
            }
            let late_millis = signed_millis(receipt.at, anchor.real) - map(event.occurred_ramp_millis);
            let micros = (late_millis * 1000.0).round() as i64;
            earliest_micros = earliest_micros.min(micros);
            if micros < 0 {
                early += 1;
            }
            let micros = u64::try_from(micros).unwrap_or(0).max(1);
            lag.saturating_record(micros);
            match lag_by_type.get_mut(&receipt.event_type) {
                Some(h) => h.saturating_record(micros),
                None => {
                    let mut h = load::new_histogram()?;
                    h.saturating_record(micros);
                    lag_by_type.insert(receipt.event_type.clone(), h);
                }
            }
        }
        let delivered = lag.len();

        Ok(Deliveries {
            expected,
            delivered,
            duplicates,
            unmatched,
            unrecorded,
            failed,
            mismatched,
            lag,
            lag_by_type,
            early,
            earliest_micros: if earliest_micros == i64::MAX {
                0
            } else {
                earliest_micros
            },
            ticks: Ticks {
                received: tick_times.len() as u64,
                rounds: rounds(&tick_times, TICK_INTERVAL_RAMP.div_f64(scale * 2.0)),
            },
            clock: ClockMap {
                scale,
                round_trip: anchor.round_trip,
                drift_millis,
            },
            settle: self.settle,
            settled: self.settled,
            max_outbox_pending: self.max_pending,
            max_outbox_age_millis: self.max_age_ramp_millis as f64 / scale,
            not_complete,
        })
    }
}

/// The `X-Ramp-Event-Type` of an event type of the log.
fn type_of(event_type: &str) -> &'static str {
    match event_type {
        "DEPLOYMENT_STARTED" => "OnDeploymentStart",
        "PERCENTAGE_UPDATED" => "OnDeploymentStep",
        "BAKE_TIME_STARTED" => "OnDeploymentBaking",
        "DEPLOYMENT_COMPLETED" => "OnDeploymentComplete",
        "ROLLBACK_COMPLETED" | "REVERT_COMPLETED" => "OnDeploymentRolledBack",
        _ => "?",
    }
}

/// `at − anchor` in real milliseconds, negative when `at` is earlier.
fn signed_millis(at: Instant, anchor: Instant) -> f64 {
    match at.checked_duration_since(anchor) {
        Some(after) => after.as_secs_f64() * 1000.0,
        None => -(anchor - at).as_secs_f64() * 1000.0,
    }
}

/// Splits sorted instants into rounds wherever `gap` passes without one.
fn rounds(times: &[Instant], gap: Duration) -> Vec<(u64, Duration)> {
    let mut rounds = Vec::new();
    let mut iter = times.iter();
    let Some(&first) = iter.next() else {
        return rounds;
    };
    let (mut start, mut last, mut count) = (first, first, 1);
    for &at in iter {
        if at.saturating_duration_since(last) > gap {
            rounds.push((count, last - start));
            (start, count) = (at, 0);
        }
        last = at;
        count += 1;
    }
    rounds.push((count, last - start));
    rounds
}

struct Event {
    occurred_ramp_millis: i64,
    event_type: String,
    deployment_number: u64,
}

struct Log {
    state: String,
    events: Vec<LoggedEvent>,
}

struct LoggedEvent {
    event_type: String,
    occurred_ramp_millis: i64,
    invocations: Vec<Invocation>,
}

struct Invocation {
    id: String,
    action_name: String,
    failed: bool,
}

/// Every started deployment's state and event log, over GetDeployment.
async fn event_logs(ramp: &Fixtures, started: &Started, concurrency: usize) -> anyhow::Result<Vec<Log>> {
    let numbers = Arc::new(started.numbers.clone());
    let environment_ids = started.environment_ids.clone();
    let application_id = ramp.application_id.clone();
    let (client, addr) = (ramp.client.clone(), ramp.addr);
    let (logs, _) = engine::concurrently(numbers.len(), concurrency, move |i| {
        let path = format!(
            "/applications/{application_id}/environments/{}/deployments/{}",
            environment_ids[i], numbers[i]
        );
        let client = client.clone();
        async move {
            let template = Template::signed(Method::GET, addr, &path, None)?;
            let (status, body) = load::send_once(&client, &template).await?;
            ensure!(
                status == StatusCode::OK,
                "GetDeployment failed: {status} {}",
                String::from_utf8_lossy(&body)
            );
            parse_log(&body)
        }
    })
    .await?;
    Ok(logs)
}

fn parse_log(body: &[u8]) -> anyhow::Result<Log> {
    let value: Value = serde_json::from_slice(body).context("GetDeployment answer")?;
    let events = value["EventLog"]
        .as_array()
        .context("GetDeployment answered without an EventLog")?
        .iter()
        .map(|event| {
            let occurred = event["OccurredAt"]
                .as_str()
                .and_then(Timestamp::parse_iso8601)
                .with_context(|| format!("an event without a readable OccurredAt: {event}"))?;
            let invocations = event["ActionInvocations"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|inv| Invocation {
                    id: inv["InvocationId"].as_str().unwrap_or_default().to_owned(),
                    action_name: inv["ActionName"].as_str().unwrap_or_default().to_owned(),
                    failed: inv.get("ErrorCode").is_some_and(|c| !c.is_null()),
                })
                .collect();
            Ok(LoggedEvent {
                event_type: event["EventType"].as_str().unwrap_or_default().to_owned(),
                occurred_ramp_millis: occurred.millis(),
                invocations,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(Log {
        state: value["State"].as_str().unwrap_or("?").to_owned(),
        events,
    })
}

/// ramp's clock read at a real instant.
#[derive(Clone, Copy, Debug)]
struct ClockSample {
    /// The midpoint of the request's round trip.
    real: Instant,
    ramp_millis: i64,
    round_trip: Duration,
}

/// The sample of [`CLOCK_SAMPLES`] `GET /_ramp/clock` with the shortest round trip.
async fn sample_clock(client: &HttpClient, addr: SocketAddr) -> anyhow::Result<ClockSample> {
    let template = Template::signed(Method::GET, addr, "/_ramp/clock", None)?;
    let mut best: Option<ClockSample> = None;
    for _ in 0..CLOCK_SAMPLES {
        let sent = Instant::now();
        let (status, body) = load::send_once(client, &template).await?;
        let round_trip = sent.elapsed();
        ensure!(
            status == StatusCode::OK,
            "GET /_ramp/clock failed: {status} {}",
            String::from_utf8_lossy(&body)
        );
        let value: Value = serde_json::from_slice(&body).context("GET /_ramp/clock answer")?;
        let now = value["Now"]
            .as_str()
            .and_then(Timestamp::parse_iso8601)
            .with_context(|| format!("GET /_ramp/clock answered without a readable Now: {value}"))?;
        let sample = ClockSample {
            real: sent + round_trip / 2,
            ramp_millis: now.millis(),
            round_trip,
        };
        if best.is_none_or(|b| round_trip < b.round_trip) {
            best = Some(sample);
        }
    }
    best.context("no clock sample")
}

/// One ON_* request as received.
struct Receipt {
    at: Instant,
    invocation_id: String,
    event_type: String,
    body: Bytes,
}

#[derive(Default)]
struct Received {
    notifications: Vec<Receipt>,
    distinct: HashMap<String, ()>,
    ticks: Vec<Instant>,
}

type Shared = Arc<Mutex<Received>>;

/// The webhook receiver: an axum server on its own thread and runtime (one worker per core,
/// as ramp's), answering ticks `{"Directive":"CONTINUE"}` and everything else `{}`, and keeping
/// each request's receipt time. Signatures are not checked (not what is measured).
struct Receiver {
    addr: SocketAddr,
    received: Shared,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<anyhow::Result<()>>>,
}

impl Receiver {
    fn start() -> anyhow::Result<Self> {
        let received: Shared = Arc::default();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let state = received.clone();
        let thread = std::thread::Builder::new()
            .name("webhook-receiver".to_owned())
            .spawn(move || -> anyhow::Result<()> {
                let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
                    let _ = ready_tx.send(listener.local_addr());
                    let app = axum::Router::new().fallback(receive).with_state(state);
                    axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = shutdown_rx.await;
                        })
                        .await?;
                    Ok(())
                })
            })
            .context("starting the webhook receiver's thread")?;
        let addr = ready_rx
            .recv()
            .map_err(|_| anyhow!("the webhook receiver failed before binding"))?
            .context("binding the webhook receiver")?;
        Ok(Self {
            addr,
            received,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Received> {
        self.received.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn distinct_notifications(&self) -> u64 {
        self.lock().distinct.len() as u64
    }

    /// The ON_* receipts in arrival order, and the ticks' receipt times.
    fn take(&self) -> (Vec<Receipt>, Vec<Instant>) {
        let mut received = self.lock();
        received.distinct.clear();
        (
            std::mem::take(&mut received.notifications),
            std::mem::take(&mut received.ticks),
        )
    }

    fn stop(mut self) -> anyhow::Result<()> {
        self.shutdown_and_join()
    }

    fn shutdown_and_join(&mut self) -> anyhow::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .map_err(|_| anyhow!("the webhook receiver's thread panicked"))?,
            None => Ok(()),
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.shutdown_and_join();
    }
}

async fn receive(State(received): State<Shared>, headers: HeaderMap, body: Bytes) -> Json<Value> {
    let at = Instant::now();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let event_type = header("X-Ramp-Event-Type");
    let mut received = received.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if event_type == "AtDeploymentTick" {
        received.ticks.push(at);
        return Json(json!({ "Directive": "CONTINUE" }));
    }
    let invocation_id = header("X-Ramp-Invocation-Id");
    received.distinct.insert(invocation_id.clone(), ());
    received.notifications.push(Receipt {
        at,
        invocation_id,
        event_type,
        body,
    });
    Json(json!({}))
}

/// The scenario's Markdown section.
pub fn print_report(outcome: &Outcome, ramp_bin: &Path) {
    let (b, w, d) = (&outcome.baseline, &outcome.with, &outcome.deliveries);
    let s = &w.settings;
    let ms = |micros: u64| micros as f64 / 1000.0;
    let mb = |bytes: u64| bytes as f64 / 1_000_000.0;
    let share = |cpu: Duration, wall: Duration| 100.0 * cpu.as_secs_f64() / (wall.as_secs_f64() * engine::TARGET_CORES);
    let ratio = outcome.p99_ratio();
    let per_deployment = if outcome.actions.notify {
        s.milestones_per_deployment() + 1
    } else {
        0
    };

    println!();
    println!(
        "Extensions: {} deployments in flight (LINEAR {} % over {} min, {} min bake, `--time-scale {}`), \
         once without extensions and once with one extension on the application whose webhook actions \
         fire at {} (a receiver in ramp-bench):",
        s.deployments,
        s.growth_factor,
        s.duration_minutes,
        s.bake_minutes,
        s.time_scale,
        outcome.actions.describe()
    );
    println!();
    println!("| Measure | Without extensions | With the webhook extension |");
    println!("|---|---:|---:|");
    println!(
        "| Engine lag p50 / p99 / max (`/_ramp/engine`) | {} / {} / {} ms | {} / {} / {} ms |",
        b.lag.p50_millis, b.lag.p99_millis, b.lag.max_millis, w.lag.p50_millis, w.lag.p99_millis, w.lag.max_millis
    );
    println!(
        "| Milestones applied | {} of {} | {} of {} |",
        b.lag.count, b.expected_milestones, w.lag.count, w.expected_milestones
    );
    println!(
        "| ramp CPU, rollout (last start → done) | {:.1} s in {:.1} s ({:.0} % of {} cores) | {:.1} s in {:.1} s ({:.0} %) |",
        b.rollout_cpu.as_secs_f64(),
        b.rollout_wall.as_secs_f64(),
        share(b.rollout_cpu, b.rollout_wall),
        engine::TARGET_CORES,
        w.rollout_cpu.as_secs_f64(),
        w.rollout_wall.as_secs_f64(),
        share(w.rollout_cpu, w.rollout_wall),
    );
    println!(
        "| ramp CPU, whole run | {:.1} s | {:.1} s |",
        b.total_cpu.as_secs_f64(),
        w.total_cpu.as_secs_f64()
    );
    println!(
        "| Peak RSS (VmHWM) | {:.1} MB | {:.1} MB |",
        mb(b.peak_rss_bytes),
        mb(w.peak_rss_bytes)
    );
    println!(
        "| Starting the deployments | {:.2} s (p99 {:.1} ms) | {:.2} s (p99 {:.1} ms) |",
        b.starts.wall.as_secs_f64(),
        b.starts.percentile_ms(0.99),
        w.starts.wall.as_secs_f64(),
        w.starts.percentile_ms(0.99)
    );
    println!();
    println!(
        "Engine p99 with extensions / without: {ratio:.2}× (target ≤ {P99_RATIO_TARGET:.0}×: {}).",
        crate::verdict(ratio <= P99_RATIO_TARGET)
    );
    println!();
    println!("| Webhook deliveries | Value |");
    println!("|---|---:|");
    println!(
        "| ON_* events in the logs (expected {} = {} × {per_deployment}) | {} |",
        s.deployments as u64 * per_deployment,
        s.deployments,
        d.expected
    );
    println!(
        "| Delivered (distinct InvocationIds matched to their event) | {} |",
        d.delivered
    );
    println!(
        "| Duplicates / unmatched / type or number mismatched | {} / {} / {} |",
        d.duplicates, d.unmatched, d.mismatched
    );
    println!(
        "| Events without a recorded invocation / invocations recorded failed | {} / {} |",
        d.unrecorded, d.failed
    );
    println!(
        "| Delivery lag p50 / p99 / max (receipt − OccurredAt, real) | {:.1} / {:.1} / {:.1} ms |",
        ms(d.lag.value_at_quantile(0.50)),
        ms(d.lag.value_at_quantile(0.99)),
        ms(d.lag.max())
    );
    for (event_type, h) in &d.lag_by_type {
        println!(
            "| — {event_type} ({}) p50 / p99 / max | {:.1} / {:.1} / {:.1} ms |",
            h.len(),
            ms(h.value_at_quantile(0.50)),
            ms(h.value_at_quantile(0.99)),
            ms(h.max())
        );
    }
    let tick_sizes: Vec<u64> = d.ticks.rounds.iter().map(|(n, _)| *n).collect();
    let longest_round = d.ticks.rounds.iter().map(|(_, t)| *t).max().unwrap_or_default();
    println!(
        "| AT_DEPLOYMENT_TICK requests received | {} in {} rounds (largest {}; longest round {:.0} ms first → last) |",
        d.ticks.received,
        d.ticks.rounds.len(),
        tick_sizes.iter().max().unwrap_or(&0),
        longest_round.as_secs_f64() * 1000.0
    );
    println!(
        "| Outbox while rolling out: most pending / oldest pending age | {} / {:.0} ms |",
        d.max_outbox_pending, d.max_outbox_age_millis
    );
    println!(
        "| Last milestone → every notification received, outbox empty | {:.2} s{} |",
        d.settle.as_secs_f64(),
        if d.settled { "" } else { " (gave up)" }
    );
    println!(
        "| Deployments not COMPLETE at the end | {} of {} |",
        d.not_complete, s.deployments
    );
    println!();
    println!(
        "Clock map: ramp's `OccurredAt` → real time through one `GET /_ramp/clock` sample (best round trip of \
         {CLOCK_SAMPLES}: {:.2} ms) taken after the extension was associated; a second sample after the run \
         disagreed with the map by {:.2} ms, so each lag is good to about ±{:.2} ms ({} deliveries came out \
         before their event's time, earliest {:.2} ms). A milestone's `OccurredAt` is its due time, so the \
         delivery lag includes the engine's own lag to apply it. 1-minute load average before each run: {} \
         and {}.",
        d.clock.round_trip.as_secs_f64() * 1000.0,
        d.clock.drift_millis,
        d.clock.error_millis(),
        d.early,
        d.earliest_micros as f64 / 1000.0,
        b.load_before.as_deref().unwrap_or("?"),
        w.load_before.as_deref().unwrap_or("?"),
    );
    println!();
    println!(
        "ramp ran as: `{} serve --listen 127.0.0.1:0 --data-dir <tmp> {}`",
        ramp_bin.display(),
        w.serve_args.join(" ")
    );
}
