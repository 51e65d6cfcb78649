//! ramp's HTTP server. One port carries every AWS API ramp speaks and the `/_ramp` admin API
//! (DESIGN.md "one port").
//!
//! Each AWS API is a [`Service`] (its module and one line in [`services`]). A request that is not
//! for `/_ramp` goes through [`pipeline`]: a hosted site's if its `Host` names one ([`sites`]),
//! else find the service and operation ([`registry`]), read the body as the operation's policy
//! says, check SigV4 ([`auth`]) for the service's signing name, parse its input (ramp-protocol),
//! call the domain, render the result or the error in the service's dialect. Errors leave in
//! exactly one place, [`pipeline::respond`].

mod admin;
mod amplify;
mod appconfig;
mod appconfigdata;
pub mod auth;
pub mod dashboard;
mod errors;
pub mod hosting;
pub mod metrics;
mod pipeline;
pub mod registry;
mod request_id;
pub mod service;
pub mod sites;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use axum::Router;
use ramp_clock::{ManualClock, SharedClock};
use ramp_domain::appconfig::AppConfig;
use ramp_domain::dataplane::DataPlane;
use ramp_engine::Engine;

pub use auth::Credentials;
pub use registry::Registry;
pub use service::Service;
pub use sites::SiteHost;

/// Every AWS API ramp speaks, in routing order. A new API is a module implementing [`Service`]
/// and one line here.
pub fn services() -> Registry {
    Registry::new()
        .with(appconfig::AppConfig)
        .with(appconfigdata::AppConfigData)
        .with(amplify::Amplify)
}

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
    /// Largest AppConfig request body ramp reads, in bytes (the hosted configuration quota
    /// with some slack); what AppConfig's operations buffer at most.
    pub max_body_bytes: usize,
    /// The key extension actions' webhook calls are signed with (`GET /_ramp/extensions`).
    pub webhook_secret: Vec<u8>,
    /// Log every AWS API request at info, not only the failed ones (`--log-requests`).
    pub log_requests: bool,
    /// The AWS APIs this server speaks ([`services`]).
    pub services: Registry,
    /// The sites served by `Host` ahead of AWS routing, when something hosts sites.
    pub sites: Option<Arc<dyn SiteHost>>,
    /// Amplify Hosting's control plane, when this server hosts it.
    pub amplify: Option<AmplifyState>,
    /// Amplify Hosting's runtime (job runner, site table, links' endpoints), when hosted.
    pub hosting: Option<Arc<hosting::Hosting>>,
    /// The dashboard's session key and live-event fan-out (`/_ramp/ui/`).
    pub dashboard: Arc<dashboard::Dashboard>,
}

/// Amplify Hosting's control plane and how its handlers reach the hosting runtime (the job
/// runner and the site table), which lives beside the request path.
pub struct AmplifyState {
    pub service: Arc<ramp_domain::amplify::Amplify>,
    pub events: Arc<dyn HostingEvents>,
}

/// What Amplify's handlers tell the hosting runtime after a successful write.
pub trait HostingEvents: Send + Sync + 'static {
    /// A job became PENDING: deploy it.
    fn job_pending(&self, key: ramp_domain::amplify::JobKey);
    /// Something the sites serve changed (an app's rules, headers or auth, a branch, a domain
    /// association, a job); resolves once this node serves the change.
    fn changed(&self) -> service::BoxFuture<'_, ()>;
    /// Resolves once no job outcome is being published: a client that read a finished job
    /// then sees the site as that outcome left it (read-your-writes across GetJob and serving).
    fn settled(&self) -> service::BoxFuture<'_, ()>;
}

/// The whole HTTP application.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .merge(dashboard::router(state.clone()))
        .nest("/_ramp", admin::router(state.clone()))
        .fallback(pipeline::handle_request)
        .with_state(state)
}
