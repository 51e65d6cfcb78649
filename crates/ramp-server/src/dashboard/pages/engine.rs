//! The deployment engine on this node: who holds the lease, how late milestones were applied,
//! the outbox.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use http::StatusCode;

use crate::AppState;
use crate::dashboard::html::{self, E, Html, put};
use crate::dashboard::{Problem, Session, problem_page};

pub async fn page(
    State(state): State<Arc<AppState>>,
    Extension(session): Extension<Session>,
    Path(region): Path<String>,
) -> Response {
    let loaded = async {
        let leadership = state.engine.leadership().await?;
        let outbox = state.engine.outbox().await?;
        Ok::<_, ramp_domain::store::Error>((leadership, outbox))
    };
    let (leadership, outbox) = match loaded.await {
        Ok(loaded) => loaded,
        Err(e) => return problem_page(&session, Some(&region), &Problem::from_domain(e.into())),
    };
    let lag = state.engine.lag();
    let mut h = Html::default();
    h.raw("<dl class=\"summary\">");
    match leadership {
        Some(status) => {
            put!(h, "<div><dt>This node</dt><dd>{}</dd></div>", E(&status.node));
            put!(
                h,
                "<div><dt>Drives deployments</dt><dd>{}</dd></div>",
                if status.leading { "yes" } else { "no" }
            );
            match &status.lease {
                Some(lease) => put!(
                    h,
                    "<div><dt>Lease holder</dt><dd>{}</dd></div><div><dt>Lease expires</dt><dd>{}</dd></div>",
                    E(&lease.holder),
                    html::time_el(lease.expires_at)
                ),
                None => h.raw("<div><dt>Lease holder</dt><dd>nobody</dd></div>"),
            }
        }
        None => h.raw("<div><dt>Lease holder</dt><dd>this node (one node, no lease)</dd></div>"),
    }
    put!(
        h,
        "<div><dt>Milestones applied</dt><dd>{}</dd></div><div><dt>Lag p50 / p99 / max</dt><dd>{} / {} / {} ms</dd></div>",
        lag.count,
        lag.p50_millis,
        lag.p99_millis,
        lag.max_millis
    );
    put!(
        h,
        "<div><dt>Outbox pending</dt><dd>{}</dd></div><div><dt>Outbox failing</dt><dd>{}</dd></div><div><dt>Outbox delivered</dt><dd>{}</dd></div>",
        outbox.pending,
        outbox.failing,
        outbox.delivered
    );
    put!(
        h,
        "<div><dt>ramp's clock</dt><dd>{}{}</dd></div>",
        html::time_el(state.clock.now()),
        if state.manual_clock.is_some() { " (manual)" } else { "" }
    );
    h.raw("</dl>");
    let frame = session.frame("Engine", Some(&region));
    crate::dashboard::html(StatusCode::OK, html::page(&frame, &h.0))
}
