//! Prometheus metrics (DESIGN.md "metrics"): `GET /_ramp/metrics` under the admin signature,
//! and with `--metrics-listen` the same text at `/metrics` on a listener of its own, open, for
//! scrapers.
//!
//! Two kinds of series, rendered together by `metrics-exporter-prometheus`:
//! - *events*, counted where they happen through the `metrics` facade into the process-wide
//!   recorder: requests, site requests, data-plane polls, rollbacks, extension invocations,
//!   engine lag and store latency (the last three in their own crates);
//! - *state*, read at each scrape into a recorder made for that scrape: deployments by state,
//!   the percentage of each deployment in progress, the engine's lease and outbox, alarms. A
//!   finished deployment's series thus disappears at once, and nothing stale is ever shown.
//!
//! README "Metrics" lists every series; `grafana/ramp.json` charts them.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, LazyLock, OnceLock, RwLock};
use std::time::Duration;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use metrics::{Counter, Histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder};
use ramp_domain::deployment::{AlarmState, DeploymentEventType, DeploymentState};
use ramp_domain::transition::{Origin, Transition, TransitionSubscriber};

use crate::AppState;

/// Latency buckets, in seconds: 100 µs (a data-plane poll) to 10 s (a slow extension).
const LATENCY_BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 2.5, 10.0,
];

/// The text exposition format, version 0.0.4.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

static EVENTS: OnceLock<PrometheusHandle> = OnceLock::new();

/// How often the recorder drains its histograms' samples into their buckets.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// Installs the process-wide recorder the event series go to. Later calls, and a process
/// where another recorder is installed already, keep the first.
pub fn install() {
    EVENTS.get_or_init(|| {
        let recorder = builder().build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed: ramp's event metrics are not exported");
        }
        describe_events();
        spawn_upkeep(handle.clone());
        handle
    });
}

/// Histograms keep every sample until upkeep (or a scrape) folds them into buckets: without it
/// an unscraped ramp grows by ~22 bytes per request (measured, README "Metrics").
fn spawn_upkeep(handle: PrometheusHandle) {
    let started = std::thread::Builder::new()
        .name("ramp-metrics-upkeep".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_INTERVAL);
                handle.run_upkeep();
            }
        });
    if let Err(e) = started {
        tracing::warn!("cannot start the metrics upkeep thread: {e}");
    }
}

fn builder() -> PrometheusBuilder {
    PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &LATENCY_BUCKETS)
        .unwrap_or_else(|_| PrometheusBuilder::new())
}

fn describe_events() {
    use metrics::{Unit, describe_counter, describe_histogram};
    describe_counter!(
        "ramp_requests_total",
        "AWS API requests answered, by service, operation and HTTP status"
    );
    describe_histogram!(
        "ramp_request_duration_seconds",
        Unit::Seconds,
        "Time to answer an AWS API request, by service and operation"
    );
    describe_counter!(
        "ramp_site_requests_total",
        "Requests the hosted Amplify sites answered, by app, branch and HTTP status"
    );
    describe_counter!(
        "ramp_dataplane_sessions_total",
        "StartConfigurationSession calls, by outcome (started, refused)"
    );
    describe_counter!(
        "ramp_dataplane_polls_total",
        "GetLatestConfiguration calls, by outcome (configuration: new content sent; unchanged: empty body; refused)"
    );
    describe_counter!("ramp_deployments_started_total", "Deployments this node started");
    describe_counter!(
        "ramp_deployments_finished_total",
        "Deployments this node finished, by final state and what triggered it"
    );
    describe_counter!(
        "ramp_deployment_rollbacks_total",
        "Deployments rolled back or reverted by this node, by trigger (USER, APPCONFIG, CLOUDWATCH_ALARM, INTERNAL_ERROR)"
    );
    describe_histogram!(
        "ramp_engine_lag_seconds",
        Unit::Seconds,
        "How long after its due time a deployment step was durable (real time)"
    );
    describe_counter!(
        "ramp_extension_invocations_total",
        "Extension actions invoked, by action point, target kind and outcome"
    );
    describe_counter!(
        "ramp_extension_invocation_failures_total",
        "Failed extension actions, by action point, target kind and error code"
    );
    describe_histogram!(
        "ramp_extension_invocation_duration_seconds",
        Unit::Seconds,
        "Time an extension action took, by target kind"
    );
    describe_histogram!(
        "ramp_store_operation_duration_seconds",
        Unit::Seconds,
        "Store latency by backend and kind: SQLite per operation (writes include the group commit), PostgreSQL per statement"
    );
}

/// One AWS API request, answered.
pub(crate) fn request(service: &'static str, operation: &'static str, status: StatusCode, took: Duration) {
    let (counter, histogram) = REQUESTS.get((service, operation, status.as_u16()), || {
        (
            metrics::counter!("ramp_requests_total", "service" => service, "operation" => operation, "status" => status_label(status)),
            metrics::histogram!("ramp_request_duration_seconds", "service" => service, "operation" => operation),
        )
    });
    counter.increment(1);
    histogram.record(took.as_secs_f64());
}

/// One request a hosted site answered.
pub(crate) fn site_request(app_id: &str, branch: &str, status: StatusCode) {
    metrics::counter!("ramp_site_requests_total", "app" => app_id.to_owned(), "branch" => branch.to_owned(), "status" => status_label(status))
        .increment(1);
}

/// A StartConfigurationSession's outcome: `started` or `refused`.
pub(crate) fn dataplane_session(outcome: &'static str) {
    OUTCOMES
        .get(
            ("ramp_dataplane_sessions_total", outcome),
            || metrics::counter!("ramp_dataplane_sessions_total", "outcome" => outcome),
        )
        .increment(1);
}

/// A GetLatestConfiguration's outcome: `configuration`, `unchanged` or `refused`.
pub(crate) fn dataplane_poll(outcome: &'static str) {
    OUTCOMES
        .get(
            ("ramp_dataplane_polls_total", outcome),
            || metrics::counter!("ramp_dataplane_polls_total", "outcome" => outcome),
        )
        .increment(1);
}

/// Handles of series already registered, by their label values. Registering a labelled series
/// builds, hashes and compares its whole key (~3,400 instructions per request, callgrind); a
/// handle found here costs a read lock and the hash of a few `&'static str`. Handles taken
/// before [`install`] record nothing: `ramp serve` installs before it answers a request.
struct Handles<K, H>(RwLock<HashMap<K, H>>);

impl<K: Hash + Eq, H: Clone> Handles<K, H> {
    fn get(&self, key: K, register: impl FnOnce() -> H) -> H {
        if let Some(handle) = self.0.read().ok().and_then(|handles| handles.get(&key).cloned()) {
            return handle;
        }
        let handle = register();
        if let Ok(mut handles) = self.0.write() {
            handles.entry(key).or_insert_with(|| handle.clone());
        }
        handle
    }
}

type RequestSeries = (&'static str, &'static str, u16);
static REQUESTS: LazyLock<Handles<RequestSeries, (Counter, Histogram)>> = LazyLock::new(|| Handles(RwLock::default()));
/// The data plane's outcome counters, by (series, outcome).
static OUTCOMES: LazyLock<Handles<(&'static str, &'static str), Counter>> =
    LazyLock::new(|| Handles(RwLock::default()));

/// The status as its three digits, without allocating for the common ones.
fn status_label(status: StatusCode) -> metrics::SharedString {
    match status.as_u16() {
        200 => "200".into(),
        201 => "201".into(),
        202 => "202".into(),
        204 => "204".into(),
        304 => "304".into(),
        400 => "400".into(),
        403 => "403".into(),
        404 => "404".into(),
        409 => "409".into(),
        500 => "500".into(),
        other => other.to_string().into(),
    }
}

/// Counts the deployments this node starts and finishes (its requests and its engine; other
/// nodes count their own, and Prometheus sums the nodes).
pub struct DeploymentCounter;

#[async_trait::async_trait]
impl TransitionSubscriber for DeploymentCounter {
    async fn heard(&self, transition: &Transition) {
        if transition.origin == Origin::Remote {
            return;
        }
        let after = &transition.after;
        if transition.before.is_none() {
            metrics::counter!("ramp_deployments_started_total").increment(1);
        }
        let was_finished = transition
            .before
            .as_ref()
            .is_some_and(|before| !before.state.is_in_progress());
        if was_finished || after.state.is_in_progress() {
            return;
        }
        let triggered_by = finishing_trigger(transition);
        metrics::counter!("ramp_deployments_finished_total", "state" => after.state.as_str(), "triggered_by" => triggered_by)
            .increment(1);
        if matches!(after.state, DeploymentState::RolledBack | DeploymentState::Reverted) {
            metrics::counter!("ramp_deployment_rollbacks_total", "state" => after.state.as_str(), "triggered_by" => triggered_by)
                .increment(1);
        }
    }
}

/// What triggered the events that finished the deployment: the rollback's or revert's trigger,
/// else that of the last event added.
fn finishing_trigger(transition: &Transition) -> &'static str {
    let added = transition.events_added();
    added
        .iter()
        .rev()
        .find(|event| {
            matches!(
                event.event_type,
                DeploymentEventType::RollbackStarted
                    | DeploymentEventType::RollbackCompleted
                    | DeploymentEventType::RevertCompleted
            )
        })
        .or(added.last())
        .map_or("APPCONFIG", |event| event.triggered_by.as_str())
}

/// `GET /_ramp/metrics` (signed like the admin API) and `GET /metrics` on `--metrics-listen`.
pub async fn scrape(State(state): State<Arc<AppState>>) -> Response {
    match render(&state).await {
        Ok(text) => {
            let mut response = text.into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
            response
        }
        Err(message) => crate::admin::admin_error(StatusCode::SERVICE_UNAVAILABLE, message),
    }
}

/// The event series, then the state read now.
async fn render(state: &AppState) -> Result<String, String> {
    let mut text = EVENTS.get().map(PrometheusHandle::render).unwrap_or_default();
    text.push_str(&state_series(state).await?);
    Ok(text)
}

/// The state series, read from the store and the engine into a recorder of their own.
async fn state_series(state: &AppState) -> Result<String, String> {
    let engine = &state.engine;
    let counts = engine
        .deployment_counts()
        .await
        .map_err(|e| format!("cannot count deployments: {e}"))?;
    let in_progress = engine
        .in_progress()
        .await
        .map_err(|e| format!("cannot read the deployments in progress: {e}"))?;
    let outbox = engine
        .outbox()
        .await
        .map_err(|e| format!("cannot read the outbox: {e}"))?;
    let leadership = engine
        .leadership()
        .await
        .map_err(|e| format!("cannot read the engine lease: {e}"))?;
    let alarms = engine
        .alarms()
        .await
        .map_err(|e| format!("cannot read the alarms: {e}"))?;
    let now = state.clock.now();

    let recorder: PrometheusRecorder = builder().build_recorder();
    let handle = recorder.handle();
    metrics::with_local_recorder(&recorder, || {
        use metrics::{describe_gauge, gauge};
        describe_gauge!("ramp_deployments", "Deployments by state, in every region");
        for deployment_state in ALL_STATES {
            let count = counts
                .iter()
                .find(|(s, _)| *s == deployment_state)
                .map_or(0, |(_, n)| *n);
            gauge!("ramp_deployments", "state" => deployment_state.as_str()).set(count as f64);
        }
        describe_gauge!(
            "ramp_deployment_percentage_complete",
            "PercentageComplete of each deployment in progress"
        );
        for d in &in_progress {
            gauge!(
                "ramp_deployment_percentage_complete",
                "application_id" => d.application_id.clone(),
                "environment_id" => d.environment_id.clone(),
                "configuration_profile_id" => d.configuration_profile_id.clone(),
                "deployment_number" => d.deployment_number.to_string(),
                "state" => d.state.as_str(),
            )
            .set(d.percentage_complete);
        }
        describe_gauge!("ramp_outbox_pending", "Outbox entries not delivered yet");
        gauge!("ramp_outbox_pending").set(outbox.pending as f64);
        describe_gauge!("ramp_outbox_failing", "Outbox entries whose last delivery failed");
        gauge!("ramp_outbox_failing").set(outbox.failing as f64);
        describe_gauge!(
            "ramp_outbox_oldest_pending_age_seconds",
            "Age of the oldest undelivered outbox entry, on ramp's clock"
        );
        let oldest_age = outbox
            .oldest_pending_at
            .map_or(0, |at| (now.millis() - at.millis()).max(0));
        gauge!("ramp_outbox_oldest_pending_age_seconds").set(oldest_age as f64 / 1000.0);
        describe_gauge!(
            "ramp_engine_leader",
            "1 when this node drives the deployments (always, on SQLite)"
        );
        gauge!("ramp_engine_leader").set(leadership.as_ref().map_or(1.0, |l| f64::from(u8::from(l.leading))));
        describe_gauge!(
            "ramp_alarm_state",
            "1 for each alarm's current state (OK, ALARM, INSUFFICIENT_DATA)"
        );
        for alarm in &alarms {
            for alarm_state in [AlarmState::Ok, AlarmState::Alarm, AlarmState::InsufficientData] {
                let on = alarm.state == alarm_state;
                gauge!("ramp_alarm_state", "alarm" => alarm.name.clone(), "state" => alarm_state.as_str())
                    .set(f64::from(u8::from(on)));
            }
        }
        describe_gauge!("ramp_build_info", "1, labelled with ramp's version");
        gauge!("ramp_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    });
    Ok(handle.render())
}

const ALL_STATES: [DeploymentState; 7] = [
    DeploymentState::Baking,
    DeploymentState::Validating,
    DeploymentState::Deploying,
    DeploymentState::Complete,
    DeploymentState::RollingBack,
    DeploymentState::RolledBack,
    DeploymentState::Reverted,
];

/// The open metrics listener of `--metrics-listen`: `GET /metrics` and nothing else.
pub fn open_router(state: Arc<AppState>) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(scrape))
        .with_state(state)
}
