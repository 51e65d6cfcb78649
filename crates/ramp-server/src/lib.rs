//! ramp's HTTP server. One port carries every AWS API ramp speaks and the `/_ramp` admin API
//! (DESIGN.md "one port").
//!
//! A request to an AWS API goes through [`pipeline`]: read the body within limits, check SigV4
//! ([`auth`]), find the operation, parse its input (ramp-protocol), call the domain, render the
//! result or the error. Errors leave in exactly one place, [`pipeline::respond`].

mod admin;
mod appconfig;
mod appconfigdata;
pub mod auth;
mod errors;
mod pipeline;
mod request_id;

use std::sync::Arc;

use axum::Router;
use ramp_clock::{ManualClock, SharedClock};
use ramp_domain::appconfig::AppConfig;
use ramp_domain::dataplane::DataPlane;
use ramp_engine::Engine;

pub use auth::Credentials;

/// Everything a request handler needs.
pub struct AppState {
    pub appconfig: AppConfig,
    pub engine: Arc<Engine>,
    pub dataplane: Arc<DataPlane>,
    /// Bearer token the Alertmanager receiver requires, when set (`--alertmanager-token`).
    pub alertmanager_token: Option<String>,
    /// ramp's clock: possibly accelerated or manual; what deployments and tokens run on.
    pub clock: SharedClock,
    /// Real wall time, for checking SigV4 signatures: clients sign with their real clocks,
    /// whatever ramp's own clock reads.
    pub signature_clock: SharedClock,
    /// Set with `--manual-clock`: the admin API moves it.
    pub manual_clock: Option<Arc<ManualClock>>,
    pub credentials: Credentials,
    pub default_region: String,
    pub account_id: String,
    /// Largest request body ramp reads, in bytes.
    pub max_body_bytes: usize,
}

/// The whole HTTP application.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .nest("/_ramp", admin::router(state.clone()))
        .fallback(pipeline::handle_aws_request)
        .with_state(state)
}
