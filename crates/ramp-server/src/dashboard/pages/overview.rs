//! The start page of a region: its applications, each with its environments' states and its
//! configuration profiles.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use futures::StreamExt;
use http::StatusCode;
use serde::Deserialize;

use super::{PAGE, every_page};
use crate::AppState;
use crate::dashboard::html::{self, E, Html, U, badge, put};
use crate::dashboard::{Problem, Session, problem_page, scope};

#[derive(Deserialize)]
pub struct RegionQuery {
    region: Option<String>,
}

/// `/_ramp/ui/`: the default region's page, or the one the region box names.
pub async fn home(State(state): State<Arc<AppState>>, Query(query): Query<RegionQuery>) -> Response {
    let region = query
        .region
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| state.default_region.clone());
    Redirect::to(&format!("/_ramp/ui/{}/", U(&region))).into_response()
}

/// What the overview shows of one application.
struct AppSummary {
    app: ramp_domain::entities::Application,
    environments: Vec<ramp_domain::entities::Environment>,
    profiles: Vec<ramp_domain::entities::ConfigurationProfile>,
}

pub async fn page(
    State(state): State<Arc<AppState>>,
    Extension(session): Extension<Session>,
    Path(region): Path<String>,
) -> Response {
    match summaries(&state, &region).await {
        Ok(summaries) => {
            let body = render(&region, &summaries);
            let frame = session.frame("Applications", Some(&region));
            crate::dashboard::html(StatusCode::OK, html::page(&frame, &body))
        }
        Err(problem) => problem_page(&session, Some(&region), &problem),
    }
}

async fn summaries(state: &AppState, region: &str) -> Result<Vec<AppSummary>, Problem> {
    let scope = scope(state, region);
    let scope = &scope;
    let apps = every_page(|t| async move { state.appconfig.list_applications(scope, PAGE, t.as_deref()).await })
        .await
        .map_err(Problem::from_domain)?;
    let summaries = futures::stream::iter(apps)
        .map(|app| async move {
            let id = app.id.as_str();
            let environments =
                every_page(|t| async move { state.appconfig.list_environments(scope, id, PAGE, t.as_deref()).await });
            let profiles = every_page(|t| async move {
                state
                    .appconfig
                    .list_configuration_profiles(scope, id, None, PAGE, t.as_deref())
                    .await
            });
            let (environments, profiles) = futures::future::try_join(environments, profiles).await?;
            Ok::<_, ramp_domain::Error>(AppSummary {
                app,
                environments,
                profiles,
            })
        })
        .buffered(8)
        .collect::<Vec<_>>()
        .await;
    summaries
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(Problem::from_domain)
}

fn render(region: &str, summaries: &[AppSummary]) -> String {
    let mut h = Html::default();
    if summaries.is_empty() {
        put!(
            h,
            "<p>No applications in {} yet. Create one with the AWS CLI or SDK \
             (<code>aws appconfig create-application --name my-app --endpoint-url …</code>), \
             or pick another region above.</p>",
            E(region)
        );
        return h.0;
    }
    h.raw("<div class=\"table-wrap\"><table><caption>Applications and what their environments are doing</caption>");
    h.raw("<thead><tr><th scope=\"col\">Application</th><th scope=\"col\">Environments</th><th scope=\"col\">Configuration profiles</th></tr></thead><tbody>");
    for s in summaries {
        put!(
            h,
            "<tr><th scope=\"row\"><a href=\"/_ramp/ui/{}/apps/{}\">{}</a><div class=\"muted mono\">{}</div></th><td>",
            U(region),
            U(&s.app.id),
            E(&s.app.name),
            E(&s.app.id)
        );
        if s.environments.is_empty() {
            h.raw("<span class=\"muted\">none</span>");
        }
        let mut states: Vec<(&str, usize)> = Vec::new();
        for env in &s.environments {
            let state = env.state.as_str();
            match states.iter_mut().find(|(s, _)| *s == state) {
                Some((_, n)) => *n += 1,
                None => states.push((state, 1)),
            }
        }
        for (state, n) in states {
            put!(h, "{} × {} ", n, badge(state));
        }
        h.raw("</td><td>");
        let names: Vec<String> = s.profiles.iter().map(|p| E(&p.name).to_string()).collect();
        if names.is_empty() {
            h.raw("<span class=\"muted\">none</span>");
        } else {
            h.raw(&names.join(", "));
        }
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
    h.0
}
