//! Deployment strategies, each with a preview of its timeline drawn by the engine's own
//! schedule function.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use http::StatusCode;
use ramp_clock::Timestamp;
use ramp_domain::deployment::StrategySnapshot;
use ramp_domain::rollout;

use super::{PAGE, every_page};
use crate::AppState;
use crate::dashboard::chart;
use crate::dashboard::html::{self, E, Html, put};
use crate::dashboard::{Problem, Session, problem_page, scope};

pub async fn page(
    State(state): State<Arc<AppState>>,
    Extension(session): Extension<Session>,
    Path(region): Path<String>,
) -> Response {
    let scope = scope(&state, &region);
    let scope = &scope;
    let state = &state;
    let strategies = match every_page(|t| async move {
        state
            .appconfig
            .list_deployment_strategies(scope, PAGE, t.as_deref())
            .await
    })
    .await
    {
        Ok(list) => list,
        Err(e) => return problem_page(&session, Some(&region), &Problem::from_domain(e)),
    };
    let mut h = Html::default();
    h.raw("<p>Each timeline is the schedule the engine follows (with the step timing this server runs with), from the start of a deployment.</p>");
    h.raw("<div class=\"cards\">");
    for s in &strategies {
        let snapshot = StrategySnapshot {
            deployment_duration_in_minutes: s.deployment_duration_in_minutes,
            growth_type: s.growth_type,
            growth_factor: s.growth_factor,
            final_bake_time_in_minutes: s.final_bake_time_in_minutes,
        };
        let schedule = rollout::schedule(&snapshot, state.appconfig.step_timing(), Timestamp::from_millis(0));
        let steps: Vec<String> = schedule
            .iter()
            .filter_map(|m| match m.milestone {
                rollout::Milestone::Percentage(p) => {
                    Some(format!("{} at +{} min", html::percent(p), minutes(m.due_at)))
                }
                _ => None,
            })
            .collect();
        put!(
            h,
            "<article class=\"card strategy\"><h2>{}</h2><p class=\"muted mono\">{}</p><p>{}</p>\
             <p>{} min, {} growth factor {}, bake {} min</p>{}{}<details><summary>Steps</summary><p>{}</p></details></article>",
            E(&s.name),
            E(&s.id),
            E(s.description.as_deref().unwrap_or("")),
            s.deployment_duration_in_minutes,
            E(s.growth_type.as_str()),
            s.growth_factor,
            s.final_bake_time_in_minutes,
            chart::preview_chart(&schedule).svg(&format!("Timeline of {}", s.name)),
            chart::legend(false),
            E(&steps.join(", "))
        );
    }
    h.raw("</div>");
    let frame = session.frame("Deployment strategies", Some(&region));
    crate::dashboard::html(StatusCode::OK, html::page(&frame, &h.0))
}

fn minutes(t: Timestamp) -> String {
    let m = t.millis() as f64 / 60_000.0;
    if (m - m.round()).abs() < 0.01 {
        format!("{m:.0}")
    } else {
        format!("{m:.1}")
    }
}
