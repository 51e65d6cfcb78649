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

use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use bytes::Bytes;
use hdrhistogram::Histogram;
use http::header::{HOST, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use serde_json::json;

use crate::ceiling::Ceiling;
use crate::load::{self, HttpClient, Template};
use crate::server::RampProcess;

/// The targets.
pub const SHARE_OF_CEILING_TARGET: f64 = 0.50;
pub const HALF_RATE_P99_TARGET: Duration = Duration::from_millis(5);
pub const MIN_MEASURED_CALLS: u64 = 100_000;

/// The least poll interval AWS accepts, in ramp-clock seconds.
const POLL_INTERVAL_SECONDS: u64 = 15;
/// ramp's token lifetime, in ramp-clock seconds (spec/appconfig.md §10.2).
const TOKEN_LIFETIME_SECONDS: f64 = 24.0 * 3600.0;
/// How long the deployment may take to complete before the benchmark gives up.
const DEPLOY_TIMEOUT: Duration = Duration::from_secs(60);
/// The least real time a token may live at the chosen time scale.
const MIN_REAL_TOKEN_LIFETIME: Duration = Duration::from_secs(10);
const TOKEN_HEADER: &str = "next-poll-configuration-token";

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
}

/// What one operating point measured over its window.
pub struct Measured {
    /// 200 answers inside the window.
    pub ok: u64,
    /// 200 answers that carried the configuration (a session's first poll); the rest are empty.
    pub with_configuration: u64,
    /// Anything else but "Request too early", and transport failures.
    pub errors: u64,
    pub first_error: Option<String>,
    /// "Request too early" answers (the token stays good; retried later).
    pub too_early: u64,
    /// Times a call waited because the pool's front session was not due yet (or none was free).
    pub pool_waits: u64,
    /// Closed loop: send → answer. Open loop: release → answer. Microseconds.
    pub latency: Histogram<u64>,
    /// Open loop only: scheduled instant → answer, microseconds.
    pub from_schedule: Option<Histogram<u64>>,
    pub window: Duration,
    /// Open loop only: the rate calls were released at.
    pub target_rate: Option<f64>,
    /// ramp's (or, for the ceiling, none) and the generator process's CPU time in the window
    /// plus its warm-up, with the wall time they were read over.
    pub server_cpu: Option<Duration>,
    pub generator_cpu: Duration,
    pub cpu_wall: Duration,
}

impl Measured {
    fn new(window: Duration, target_rate: Option<f64>) -> anyhow::Result<Self> {
        Ok(Self {
            ok: 0,
            with_configuration: 0,
            errors: 0,
            first_error: None,
            too_early: 0,
            pool_waits: 0,
            latency: load::new_histogram()?,
            from_schedule: match target_rate {
                Some(_) => Some(load::new_histogram()?),
                None => None,
            },
            window,
            target_rate,
            server_cpu: None,
            generator_cpu: Duration::ZERO,
            cpu_wall: Duration::ZERO,
        })
    }

    fn merge(&mut self, part: Self) -> anyhow::Result<()> {
        self.ok += part.ok;
        self.with_configuration += part.with_configuration;
        self.errors += part.errors;
        self.first_error = self.first_error.take().or(part.first_error);
        self.too_early += part.too_early;
        self.pool_waits += part.pool_waits;
        self.latency.add(&part.latency)?;
        if let (Some(mine), Some(theirs)) = (self.from_schedule.as_mut(), part.from_schedule.as_ref()) {
            mine.add(theirs)?;
        }
        Ok(())
    }

    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.window.as_secs_f64()
    }

    pub fn percentile_ms(&self, quantile: f64) -> f64 {
        self.latency.value_at_quantile(quantile) as f64 / 1000.0
    }

    pub fn scheduled_percentile_ms(&self, quantile: f64) -> Option<f64> {
        self.from_schedule
            .as_ref()
            .map(|h| h.value_at_quantile(quantile) as f64 / 1000.0)
    }

    fn record(&mut self, answer: Answer, latency: Duration, from_schedule: Option<Duration>) {
        let micros = |d: Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1);
        match answer {
            Answer::Ok { configuration } => {
                self.ok += 1;
                self.with_configuration += u64::from(configuration);
                self.latency.saturating_record(micros(latency));
                if let (Some(h), Some(d)) = (self.from_schedule.as_mut(), from_schedule) {
                    h.saturating_record(micros(d));
                }
            }
            Answer::TooEarly => self.too_early += 1,
            Answer::Failed(message) => {
                self.errors += 1;
                self.first_error.get_or_insert(message);
            }
        }
    }
}

pub struct Outcome {
    pub settings: Settings,
    pub serve_args: Vec<String>,
    pub max: Measured,
    pub half: Measured,
    /// The minimal axum endpoint under the same open loop at the same rate.
    pub ceiling_half: Option<Measured>,
    /// Successful GetLatestConfiguration calls over the whole scenario, warm-ups included.
    pub chained_calls: u64,
    /// Calls per session chain: fewest, mean, most.
    pub chain_lengths: (u64, f64, u64),
    /// Sessions dropped after a failed call (their token's fate unknown).
    pub lost_sessions: u64,
    /// What ramp answered to a token that had already been used (must be refused).
    pub reused_token_answer: String,
    /// Mean generator time to sign one request, when signing each.
    pub sign_micros: Option<f64>,
}

/// One configuration session: its current token and when it may poll again.
struct Session {
    token: String,
    due: Instant,
    calls: u64,
}

enum Answer {
    Ok { configuration: bool },
    TooEarly,
    Failed(String),
}

/// The sessions not in flight, the one due first at the front.
struct DataPlane {
    client: HttpClient,
    authority: String,
    base_headers: HeaderMap,
    /// The signature made once and reused, unless signing each request.
    reused_signature: Option<HeaderMap>,
    pool: Mutex<VecDeque<Session>>,
    interval: Duration,
    lost: AtomicU64,
    chained: AtomicU64,
    sign_nanos: AtomicU64,
    signed: AtomicU64,
}

impl DataPlane {
    fn take(&self) -> Option<Session> {
        self.pool.lock().ok()?.pop_front()
    }

    fn give_back(&self, session: Session) {
        if let Ok(mut pool) = self.pool.lock() {
            pool.push_back(session);
        }
    }

    fn request(&self, token: &str) -> anyhow::Result<Request<Full<Bytes>>> {
        let path_and_query = format!("/configuration?configuration_token={}", percent_encode(token));
        let mut request = Request::builder()
            .method(Method::GET)
            .uri(format!("http://{}{path_and_query}", self.authority))
            .body(Full::new(Bytes::new()))?;
        let mut headers = self.base_headers.clone();
        match &self.reused_signature {
            Some(signature) => headers.extend(signature.clone()),
            None => {
                let started = Instant::now();
                let query = [("configuration_token".to_owned(), token.to_owned())];
                headers.extend(load::signature(&Method::GET, "/configuration", &query, &headers, &[]));
                let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
                self.sign_nanos.fetch_add(nanos, Ordering::Relaxed);
                self.signed.fetch_add(1, Ordering::Relaxed);
            }
        }
        *request.headers_mut() = headers;
        Ok(request)
    }

    /// One poll of the session due first: waits for it if needed, then sends its token.
    /// Returns when the call was sent, its answer, and whether it had to wait for a session.
    async fn call(&self) -> (Instant, Answer, bool) {
        let mut waited = false;
        let mut session = loop {
            match self.take() {
                Some(session) => break session,
                None => {
                    // Every session is in flight: the pool is smaller than the connections.
                    waited = true;
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
        };
        if session.due > Instant::now() {
            waited = true;
            tokio::time::sleep_until(session.due.into()).await;
        }
        let sent = Instant::now();
        let answer = self.poll(&mut session).await;
        let done = Instant::now();
        match &answer {
            Answer::Ok { .. } => {
                session.calls += 1;
                session.due = done + self.interval;
                self.chained.fetch_add(1, Ordering::Relaxed);
                self.give_back(session);
            }
            Answer::TooEarly => {
                // The token stays good: retry it once another interval has surely passed.
                session.due = done + self.interval;
                self.give_back(session);
            }
            Answer::Failed(_) => {
                self.lost.fetch_add(1, Ordering::Relaxed);
            }
        }
        (sent, answer, waited)
    }

    /// Sends the session's token; on a 200, replaces it with the next one.
    async fn poll(&self, session: &mut Session) -> Answer {
        let request = match self.request(&session.token) {
            Ok(request) => request,
            Err(e) => return Answer::Failed(format!("building the request: {e}")),
        };
        let response = match self.client.request(request).await {
            Ok(response) => response,
            Err(e) => return Answer::Failed(format!("{e:?}")),
        };
        let status = response.status();
        let next = response
            .headers()
            .get(TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = match response.into_body().collect().await {
            Ok(body) => body.to_bytes(),
            Err(e) => return Answer::Failed(format!("reading the body: {e}")),
        };
        if status == StatusCode::OK {
            match next {
                Some(next) => {
                    session.token = next;
                    Answer::Ok {
                        configuration: !body.is_empty(),
                    }
                }
                None => Answer::Failed(format!("200 without {TOKEN_HEADER}")),
            }
        } else if status == StatusCode::BAD_REQUEST
            && String::from_utf8_lossy(&body).contains("PollIntervalNotSatisfied")
        {
            Answer::TooEarly
        } else {
            Answer::Failed(format!("{status}: {}", String::from_utf8_lossy(&body)))
        }
    }
}

/// What the generator drives: ramp's data plane, or the ceiling's one endpoint.
#[derive(Clone)]
enum Target {
    DataPlane(Arc<DataPlane>),
    // Boxed: an HTTP client is large, and targets are cloned per connection.
    Ceiling(Box<HttpClient>, Arc<Template>),
}

impl Target {
    async fn call(&self) -> (Instant, Answer, bool) {
        match self {
            Self::DataPlane(data) => data.call().await,
            Self::Ceiling(client, template) => {
                let sent = Instant::now();
                (sent, ceiling_call(client, template).await, false)
            }
        }
    }
}

async fn ceiling_call(client: &HttpClient, template: &Template) -> Answer {
    match load::send_once(client, template).await {
        Ok((status, _)) if status.is_success() => Answer::Ok { configuration: false },
        Ok((status, body)) => Answer::Failed(format!("{status}: {}", String::from_utf8_lossy(&body))),
        Err(e) => Answer::Failed(format!("{e:#}")),
    }
}

/// Runs the scenario on `generator` against a fresh `ramp serve`.
pub fn run(binary: &Path, settings: &Settings, generator: &tokio::runtime::Runtime) -> anyhow::Result<Outcome> {
    ensure!(
        settings.time_scale > 0.0 && settings.time_scale.is_finite(),
        "--dataplane-time-scale must be positive"
    );
    ensure!(
        settings.sessions >= 2 * settings.connections,
        "--dataplane-sessions must be at least twice --connections, so a free session is always due"
    );
    // Every poll renews a token's lifetime, and each session is polled again a fraction of a
    // second later; a lifetime of seconds still leaves room for the pauses between phases.
    ensure!(
        settings.real_token_lifetime() >= MIN_REAL_TOKEN_LIFETIME,
        "at --dataplane-time-scale {} a token lives {:.1} s of real time; keep it at least {} s",
        settings.time_scale,
        settings.real_token_lifetime().as_secs_f64(),
        MIN_REAL_TOKEN_LIFETIME.as_secs()
    );
    let serve_args = settings.serve_args();
    let ramp = RampProcess::start_with(binary, &serve_args)?;
    eprintln!(
        "dataplane: ramp serving on {} ({})",
        ramp.base_url(),
        serve_args.join(" ")
    );
    let ticks = crate::engine::clock_ticks_per_second();
    let pid = ramp.pid();
    let data = generator.block_on(prepare(&ramp, settings))?;
    let target = Target::DataPlane(data.clone());

    eprintln!(
        "dataplane: GetLatestConfiguration, closed loop, {} connections…",
        settings.connections
    );
    let max = measured_with_cpu(pid, ticks, || generator.block_on(closed_loop(&target, settings)))?;
    let half_rate = max.per_second() / 2.0;
    ensure!(
        half_rate > 0.0,
        "no GetLatestConfiguration succeeded: {:?}",
        max.first_error
    );
    eprintln!("dataplane: GetLatestConfiguration, open loop at {half_rate:.0}/s…");
    let half = measured_with_cpu(pid, ticks, || {
        generator.block_on(open_loop(&target, settings, half_rate))
    })?;

    // The chains are real: the token a session started with was used long ago and is refused.
    let reused_token_answer = generator.block_on(reuse_first_token(&data))?;
    let sessions: Vec<Session> = data
        .pool
        .lock()
        .map_err(|_| anyhow::anyhow!("the session pool's lock is poisoned"))?
        .drain(..)
        .collect();
    let lengths: Vec<u64> = sessions.iter().map(|s| s.calls).collect();
    let chain_lengths = (
        lengths.iter().copied().min().unwrap_or(0),
        lengths.iter().sum::<u64>() as f64 / lengths.len().max(1) as f64,
        lengths.iter().copied().max().unwrap_or(0),
    );
    let signed = data.signed.load(Ordering::Relaxed);
    let sign_micros = (signed > 0).then(|| data.sign_nanos.load(Ordering::Relaxed) as f64 / signed as f64 / 1000.0);
    let chained_calls = data.chained.load(Ordering::Relaxed);
    let lost_sessions = data.lost.load(Ordering::Relaxed);
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
        chained_calls,
        chain_lengths,
        lost_sessions,
        reused_token_answer,
        sign_micros,
    })
}

/// Runs `phase`, with ramp's and this process's CPU time over it.
fn measured_with_cpu(
    pid: u32,
    ticks: f64,
    phase: impl FnOnce() -> anyhow::Result<Measured>,
) -> anyhow::Result<Measured> {
    let me = std::process::id();
    let (server_before, mine_before, began) = (
        crate::engine::cpu_time(pid, ticks)?,
        crate::engine::cpu_time(me, ticks)?,
        Instant::now(),
    );
    let mut measured = phase()?;
    measured.cpu_wall = began.elapsed();
    measured.server_cpu = Some(crate::engine::cpu_time(pid, ticks)?.saturating_sub(server_before));
    measured.generator_cpu = crate::engine::cpu_time(me, ticks)?.saturating_sub(mine_before);
    Ok(measured)
}

/// The fixtures, a COMPLETE deployment, and the sessions, each with its initial token.
async fn prepare(ramp: &RampProcess, settings: &Settings) -> anyhow::Result<Arc<DataPlane>> {
    let client = load::client();
    let addr = ramp.addr;
    let json = |value: serde_json::Value| Some(("application/json", Bytes::from(value.to_string())));

    let create_app = Template::signed(Method::POST, addr, "/applications", json(json!({ "Name": "bench" })))?;
    let app = crate::created_id(load::send_once(&client, &create_app).await?, "CreateApplication")?;
    let create_env = Template::signed(
        Method::POST,
        addr,
        &format!("/applications/{app}/environments"),
        json(json!({ "Name": "prod" })),
    )?;
    let env = crate::created_id(load::send_once(&client, &create_env).await?, "CreateEnvironment")?;
    let profile = crate::hosted_profile(&client, addr, &app, "p").await?;
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
    let (status, body) = load::send_once(&client, &start).await?;
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
        let (status, body) = load::send_once(&client, &get).await?;
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
            break;
        }
        if began.elapsed() > DEPLOY_TIMEOUT {
            bail!("the deployment is still {state} after {DEPLOY_TIMEOUT:?}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    eprintln!("dataplane: starting {} configuration sessions…", settings.sessions);
    let session_body = Bytes::from(
        json!({
            "ApplicationIdentifier": app,
            "EnvironmentIdentifier": env,
            "ConfigurationProfileIdentifier": profile,
            "RequiredMinimumPollIntervalInSeconds": POLL_INTERVAL_SECONDS,
        })
        .to_string(),
    );
    let (tokens, _) = crate::engine::concurrently(settings.sessions, settings.connections, {
        let client = client.clone();
        move |_| {
            let client = client.clone();
            let body = session_body.clone();
            async move {
                let template = Template::signed(
                    Method::POST,
                    addr,
                    "/configurationsessions",
                    Some(("application/json", body)),
                )?;
                let (status, body) = load::send_once(&client, &template).await?;
                ensure!(
                    status == StatusCode::CREATED,
                    "StartConfigurationSession failed: {status} {}",
                    String::from_utf8_lossy(&body)
                );
                serde_json::from_slice::<serde_json::Value>(&body)?["InitialConfigurationToken"]
                    .as_str()
                    .map(str::to_owned)
                    .context("StartConfigurationSession answered without an InitialConfigurationToken")
            }
        }
    })
    .await?;

    let authority = addr.to_string();
    let mut base_headers = HeaderMap::new();
    base_headers.insert(HOST, HeaderValue::from_str(&authority)?);
    base_headers.insert(USER_AGENT, HeaderValue::from_static("ramp-bench/0.1"));
    let reused_signature = if settings.sign_each_request {
        None
    } else {
        // Signed once, for the first token; ramp runs open, so it reads the header (the region)
        // as it would an SDK's but does not recompute the signature.
        let first = tokens.first().context("no session")?;
        let query = [("configuration_token".to_owned(), first.clone())];
        let mut signature = HeaderMap::new();
        signature.extend(load::signature(
            &Method::GET,
            "/configuration",
            &query,
            &base_headers,
            &[],
        ));
        Some(signature)
    };
    let now = Instant::now();
    let pool = tokens
        .into_iter()
        .map(|token| Session {
            token,
            due: now,
            calls: 0,
        })
        .collect();
    Ok(Arc::new(DataPlane {
        client,
        authority,
        base_headers,
        reused_signature,
        pool: Mutex::new(pool),
        interval: settings.real_interval(),
        lost: AtomicU64::new(0),
        chained: AtomicU64::new(0),
        sign_nanos: AtomicU64::new(0),
        signed: AtomicU64::new(0),
    }))
}

/// Sends a session's initial token again, long after it was used: ramp must refuse it.
async fn reuse_first_token(data: &DataPlane) -> anyhow::Result<String> {
    // Poll one session once more, then replay the token that poll used up.
    let Some(mut session) = data.take() else {
        bail!("the session pool is empty after the run");
    };
    let used = session.token.clone();
    tokio::time::sleep_until(session.due.into()).await;
    let first = data.poll(&mut session).await;
    ensure!(
        matches!(first, Answer::Ok { .. }),
        "a last poll before the reuse check failed"
    );
    session.calls += 1;
    let mut replay = Session {
        token: used,
        due: Instant::now(),
        calls: 0,
    };
    let answer = match data.poll(&mut replay).await {
        Answer::Ok { .. } => bail!("ramp answered 200 to a token that had already been used"),
        Answer::TooEarly => bail!("ramp answered \"Request too early\" to an already-used token"),
        Answer::Failed(message) => message,
    };
    session.due = Instant::now() + data.interval;
    data.give_back(session);
    ensure!(
        answer.contains("already used"),
        "an already-used token was refused, but not as used: {answer}"
    );
    Ok(answer)
}

/// Operating point 1: `connections` loops, each sending its next call when the last answers.
async fn closed_loop(target: &Target, settings: &Settings) -> anyhow::Result<Measured> {
    let measure_from = Instant::now() + settings.warmup;
    let measure_until = measure_from + settings.duration;
    let loops: Vec<_> = (0..settings.connections)
        .map(|_| {
            let target = target.clone();
            tokio::spawn(async move {
                let mut part = Measured::new(measure_until - measure_from, None)?;
                while Instant::now() < measure_until {
                    let (sent, answer, waited) = target.call().await;
                    let done = Instant::now();
                    if matches!(answer, Answer::TooEarly) {
                        // Counted whenever it happens, warm-up included: it should never.
                        part.too_early += 1;
                        continue;
                    }
                    if done < measure_from || done > measure_until {
                        continue;
                    }
                    part.pool_waits += u64::from(waited);
                    let failed = matches!(answer, Answer::Failed(_));
                    part.record(answer, done - sent, None);
                    if failed {
                        // A refused connection fails in microseconds: do not spin on it.
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                }
                anyhow::Ok(part)
            })
        })
        .collect();
    let mut measured = Measured::new(settings.duration, None)?;
    for handle in loops {
        measured.merge(handle.await.context("a load task panicked")??)?;
    }
    Ok(measured)
}

/// Operating point 2: calls at `rate` per second whatever the answers do, on `connections`
/// workers. Worker `k` owns calls `k`, `k + connections`, `k + 2 × connections`, …, call `i`
/// being due at `i / rate` seconds (so together they release one call every `1 / rate`). A
/// worker still busy when its next call is due sends it as soon as it is free, and that call's
/// latency counts from its due time: the wait is the server's doing (no coordinated omission).
/// A worker that is free sleeps until the due time; tokio's timer wakes it up to a millisecond
/// late, and the primary latency counts from that wake-up, the second figure from the due time.
async fn open_loop(target: &Target, settings: &Settings, rate: f64) -> anyhow::Result<Measured> {
    // A few milliseconds for the workers to be spawned before the first call is due.
    let began = Instant::now() + Duration::from_millis(5);
    let measure_from = began + settings.warmup;
    let measure_until = measure_from + settings.duration;
    let connections = settings.connections;
    let workers: Vec<_> = (0..connections)
        .map(|k| {
            let target = target.clone();
            tokio::spawn(async move {
                let mut part = Measured::new(measure_until - measure_from, Some(rate))?;
                for i in (k..).step_by(connections) {
                    let scheduled = began + Duration::from_secs_f64(i as f64 / rate);
                    if scheduled >= measure_until {
                        break;
                    }
                    let released = if Instant::now() < scheduled {
                        tokio::time::sleep_until(scheduled.into()).await;
                        Instant::now()
                    } else {
                        scheduled
                    };
                    // "Request too early" leaves the call unserved: retry it with the next session.
                    let (answer, waited) = loop {
                        let (_, answer, waited) = target.call().await;
                        if matches!(answer, Answer::TooEarly) && Instant::now() < measure_until {
                            part.too_early += 1;
                            continue;
                        }
                        break (answer, waited);
                    };
                    let done = Instant::now();
                    if done < measure_from || done > measure_until {
                        continue;
                    }
                    part.pool_waits += u64::from(waited);
                    part.record(answer, done - released, Some(done - scheduled));
                }
                anyhow::Ok(part)
            })
        })
        .collect();
    let mut measured = Measured::new(settings.duration, Some(rate))?;
    for handle in workers {
        measured.merge(handle.await.context("a load task panicked")??)?;
    }
    Ok(measured)
}

/// Percent-encodes a query value (RFC 3986: all but the unreserved characters). Tokens are
/// base64url and '.', so this changes nothing today; it keeps the URI valid if that changes.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The scenario's Markdown section. `ceiling` is the closed-loop ceiling's req/s, if measured.
pub fn print_report(outcome: &Outcome, ceiling: Option<f64>, ramp_bin: &Path) {
    let o = outcome;
    let s = &o.settings;
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let pct = |d: Duration, wall: Duration| 100.0 * d.as_secs_f64() / wall.as_secs_f64().max(f64::MIN_POSITIVE);
    let share = ceiling.map(|c| o.max.per_second() / c);
    let half_p99 = Duration::from_secs_f64(o.half.percentile_ms(0.99) / 1000.0);

    println!();
    println!(
        "Data plane: GetLatestConfiguration with chained tokens ({} sessions polling every 15 s of \
         `--time-scale {}` = {:.0} ms real; {} connections):",
        s.sessions,
        s.time_scale,
        s.real_interval().as_secs_f64() * 1000.0,
        s.connections
    );
    println!();
    println!(
        "| Operating point | req/s | p50 ms | p99 ms | p99.9 ms | p99 from schedule ms | errors | too early | % of ceiling | ramp CPU | generator CPU |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let row = |name: String, m: &Measured| {
        let of_ceiling = ceiling.map_or("n/a".to_owned(), |c| format!("{:.0} %", 100.0 * m.per_second() / c));
        let server = m
            .server_cpu
            .map_or("—".to_owned(), |cpu| format!("{:.0} %", pct(cpu, m.cpu_wall)));
        let generator = if m.cpu_wall.is_zero() {
            "—".to_owned()
        } else {
            format!("{:.0} %", pct(m.generator_cpu, m.cpu_wall))
        };
        println!(
            "| {name} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {} | {} | {of_ceiling} | {server} | {generator} |",
            m.per_second(),
            m.percentile_ms(0.50),
            m.percentile_ms(0.99),
            m.percentile_ms(0.999),
            m.scheduled_percentile_ms(0.99)
                .map_or("—".to_owned(), |v| format!("{v:.2}")),
            m.errors,
            m.too_early,
        );
    };
    row("GetLatestConfiguration, max (closed loop)".to_owned(), &o.max);
    let rate = o.half.target_rate.unwrap_or(0.0);
    row(
        format!("GetLatestConfiguration at {rate:.0}/s (½ max, open loop)"),
        &o.half,
    );
    if let Some(c) = &o.ceiling_half {
        row(format!("ceiling at {rate:.0}/s (same open loop)"), c);
    }
    println!();
    if let Some(share) = share {
        println!(
            "GetLatestConfiguration: {:.0} % of the ceiling (target ≥ {:.0} %: {}).",
            100.0 * share,
            100.0 * SHARE_OF_CEILING_TARGET,
            crate::verdict(share >= SHARE_OF_CEILING_TARGET)
        );
    }
    println!(
        "GetLatestConfiguration at half the maximum rate: p99 {:.2} ms (target < {} ms: {}).",
        o.half.percentile_ms(0.99),
        HALF_RATE_P99_TARGET.as_millis(),
        crate::verdict(half_p99 < HALF_RATE_P99_TARGET)
    );
    println!(
        "Measured calls: {} at max + {} at half rate (target ≥ {MIN_MEASURED_CALLS} in the measured phase: {}); \
         {} successful chained calls in all, warm-ups included, over {} chains (calls per chain: min {}, \
         mean {:.0}, max {}); configuration bodies in the measured windows: {} (a session's first poll), \
         the rest empty 200s; pool waits: {} + {}; sessions lost: {}; an already-used token replayed: {}.",
        o.max.ok,
        o.half.ok,
        crate::verdict(o.max.ok >= MIN_MEASURED_CALLS),
        o.chained_calls,
        s.sessions,
        o.chain_lengths.0,
        o.chain_lengths.1,
        o.chain_lengths.2,
        o.max.with_configuration + o.half.with_configuration,
        o.max.pool_waits,
        o.half.pool_waits,
        o.lost_sessions,
        o.reused_token_answer
    );
    println!();
    println!(
        "Each call sends the token of its session's previous answer; the pool hands out the session \
         due first. Max: closed loop, one call in flight per connection, {} s warm-up + {} s measured, \
         latency send → answer. Half rate: open loop at half the max just measured, on the same {} \
         connections, each call due at a fixed instant; latency from the send, or from the due instant \
         when the connection was still busy then (so queueing counts), and, in the next column, always \
         from the due instant (adds tokio's up-to-1 ms timer lag). Signatures: {}. CPU: utime+stime from \
         /proc over warm-up + window, in % of one core ({cores} cores; the generator's figure is this \
         whole process, on a tokio runtime with the same worker threads as every row).",
        s.warmup.as_secs(),
        s.duration.as_secs(),
        s.connections,
        match o.sign_micros {
            Some(micros) =>
                format!("SigV4 per request with the token in the canonical query, {micros:.1} µs each on the generator"),
            None => "SigV4 computed once and reused (ramp runs open: it parses the header, it does not verify it; \
                     `--dataplane-sign-each-request` signs every call)"
                .to_owned(),
        }
    );
    println!();
    println!(
        "ramp ran as: `{} serve --listen 127.0.0.1:0 --data-dir <tmp> {}`",
        ramp_bin.display(),
        o.serve_args.join(" ")
    );
}
