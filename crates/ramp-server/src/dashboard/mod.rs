//! ramp's dashboard (DESIGN.md "dashboard"): server-rendered pages under `/_ramp/ui/`, one small
//! script and one style sheet embedded in the binary, and a server-sent event stream that tells
//! open pages when a deployment or an alarm changed, on this node or (through the change feed)
//! any other.
//!
//! Every action goes through the same domain operations as the AWS API (`AppConfig`,
//! `Engine::set_alarm`), so its rules and errors are the API's; errors are shown on the page,
//! next to what caused them. Access is `session.rs`: with credentials configured, a login and a
//! signed session cookie; every POST carries a CSRF token.

mod assets;
mod chart;
mod html;
mod live;
mod pages;
mod session;

use std::sync::Arc;

use axum::Router;
use axum::response::{Html as HtmlResponse, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use http::StatusCode;
use ramp_domain::arn::Scope;
use ramp_domain::signed::Signer;
use ramp_domain::store::Store;
use ramp_domain::transition::{Transition, TransitionSubscriber};
use tokio::sync::broadcast;

use crate::AppState;

pub use live::LiveEvent;
pub use session::Session;

/// Name of the key, kept in the store, that session cookies and CSRF tokens are signed with: any
/// node of a cluster accepts another's session.
const SESSION_KEY_NAME: &str = "dashboard-session-key";

/// The dashboard's node-local state: its signing key and the fan-out of live events.
pub struct Dashboard {
    signer: Signer,
    events: broadcast::Sender<LiveEvent>,
    /// Turns true when the server shuts down: open event streams end, so that a graceful
    /// shutdown does not wait for browser tabs to close.
    closing: tokio::sync::watch::Sender<bool>,
}

impl Dashboard {
    pub fn new(session_key: &[u8]) -> Arc<Self> {
        // A slow page misses events past this many; it then reloads its live parts once
        // (`RecvError::Lagged` becomes a refresh event).
        let (events, _) = broadcast::channel(256);
        Arc::new(Self {
            signer: Signer::new(session_key),
            events,
            closing: tokio::sync::watch::channel(false).0,
        })
    }

    /// Ends every open event stream (call when the server begins to shut down).
    pub fn shut_down(&self) {
        self.closing.send_replace(true);
    }

    /// The dashboard with its key from the store (made on first use, shared by every node).
    pub async fn open(store: &dyn Store) -> anyhow::Result<Arc<Self>> {
        let key = store.secret(SESSION_KEY_NAME, &ramp_domain::ids::new_secret()).await?;
        Ok(Self::new(&key))
    }

    /// An alarm was set on this node: open pages showing alarms refresh.
    pub fn alarm_changed(&self, name: &str) {
        self.publish(LiveEvent::Alarm { name: name.to_owned() });
    }

    fn publish(&self, event: LiveEvent) {
        // No receiver (no page open) is not an error.
        let _ = self.events.send(event);
    }
}

/// Hears every deployment transition of this node, and other nodes' through `Engine::follow`.
#[async_trait::async_trait]
impl TransitionSubscriber for Dashboard {
    async fn heard(&self, transition: &Transition) {
        let d = &transition.after;
        self.publish(LiveEvent::Deployment {
            application_id: d.application_id.clone(),
            environment_id: d.environment_id.clone(),
            number: d.deployment_number,
        });
    }

    async fn missed(&self) {
        self.publish(LiveEvent::Refresh);
    }
}

/// Every `/_ramp/ui` route. Pages, fragments and the event stream need a session (when ramp has
/// credentials); the login page and the assets do not.
pub fn router(state: Arc<AppState>) -> Router<Arc<AppState>> {
    use pages::{alarms, amplify, application, deployment, engine, overview, profile, strategies};
    let protected = Router::new()
        .route("/_ramp/ui/", get(overview::home))
        .route("/_ramp/ui/events", get(live::events))
        .route("/_ramp/ui/{region}/", get(overview::page))
        .route("/_ramp/ui/{region}/apps/{app}", get(application::page))
        .route("/_ramp/ui/{region}/apps/{app}/live", get(application::live))
        .route("/_ramp/ui/{region}/apps/{app}/deployments", post(deployment::start))
        .route(
            "/_ramp/ui/{region}/apps/{app}/environments/{env}/deployments/{number}",
            get(deployment::page),
        )
        .route(
            "/_ramp/ui/{region}/apps/{app}/environments/{env}/deployments/{number}/live",
            get(deployment::live),
        )
        .route(
            "/_ramp/ui/{region}/apps/{app}/environments/{env}/deployments/{number}/stop",
            post(deployment::stop),
        )
        .route("/_ramp/ui/{region}/apps/{app}/profiles/{profile}", get(profile::page))
        .route(
            "/_ramp/ui/{region}/apps/{app}/profiles/{profile}/versions",
            post(profile::create_version),
        )
        .route("/_ramp/ui/{region}/strategies", get(strategies::page))
        .route("/_ramp/ui/{region}/alarms", get(alarms::page).post(alarms::set))
        .route("/_ramp/ui/{region}/alarms/live", get(alarms::live))
        .route("/_ramp/ui/{region}/engine", get(engine::page))
        .route("/_ramp/ui/{region}/amplify", get(amplify::page))
        .route("/_ramp/ui/{region}/amplify/{app}", get(amplify::app))
        .route("/_ramp/ui/logout", post(session::logout))
        .layer(axum::middleware::from_fn_with_state(state, session::require));
    Router::new()
        .route("/_ramp/ui", get(|| async { Redirect::to("/_ramp/ui/") }))
        .route("/_ramp/ui/login", get(session::login_page).post(session::login))
        .route("/_ramp/ui/assets/{name}", get(assets::serve))
        .merge(protected)
}

/// The AWS scope of a page: its region and ramp's account.
fn scope(state: &AppState, region: &str) -> Scope {
    Scope::new(region, state.account_id.clone())
}

/// A whole page, or an error page with `status`.
fn html(status: StatusCode, body: String) -> Response {
    (status, [(http::header::CACHE_CONTROL, "no-store")], HtmlResponse(body)).into_response()
}

/// After a successful POST: back to a page (303, so a reload does not post again).
fn see_other(location: &str) -> Response {
    Redirect::to(location).into_response()
}

/// A domain error as the dashboard shows it: the AWS exception's name and message (the same
/// words the API answers with), and a validation failure's details, one per line.
struct Problem {
    status: StatusCode,
    title: String,
    message: String,
    details: Vec<String>,
}

impl Problem {
    fn from_domain(error: ramp_domain::Error) -> Self {
        let details = match &error {
            ramp_domain::Error::InvalidConfiguration { details, .. } => details
                .iter()
                .map(|d| {
                    let at = if d.location.is_empty() {
                        String::new()
                    } else {
                        format!("{}: ", d.location)
                    };
                    format!("{at}{}", d.reason)
                })
                .collect(),
            _ => Vec::new(),
        };
        let aws = crate::errors::to_aws(error);
        let dialect = &ramp_protocol::appconfig::DIALECT;
        Self {
            status: aws.status(dialect),
            title: aws.name(dialect).to_owned(),
            message: aws.message.clone(),
            details,
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            title: "BadRequestException".to_owned(),
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// The problem as a block of the page (`role="alert"`, read out when it appears).
    fn render(&self) -> String {
        use html::{E, Html, put};
        let mut h = Html::default();
        put!(
            h,
            "<div class=\"msg error\" role=\"alert\"><strong>{}</strong>: {}",
            E(&self.title),
            E(&self.message)
        );
        if !self.details.is_empty() {
            h.raw("<ul class=\"details\">");
            for detail in &self.details {
                put!(h, "<li>{}</li>", E(detail));
            }
            h.raw("</ul>");
        }
        h.raw("</div>");
        h.0
    }
}

/// A page that could not be built: the problem on a page of its own.
fn problem_page(session: &Session, region: Option<&str>, problem: &Problem) -> Response {
    let frame = session.frame("Something went wrong", region);
    html(problem.status, html::page(&frame, &problem.render()))
}
