//! Amplify Hosting: apps, their branches with a link to each live site, and jobs with their
//! steps.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use ramp_domain::amplify::{Amplify, Branch, Job};

use super::every_page;
use crate::AppState;
use crate::dashboard::html::{self, E, Html, U, badge, put, time_el};
use crate::dashboard::{Problem, Session, problem_page, scope};

/// Jobs shown per branch, newest first.
const JOBS_SHOWN: i64 = 5;

fn service(state: &AppState) -> Result<&Amplify, Problem> {
    match &state.amplify {
        Some(amplify) => Ok(&amplify.service),
        None => Err(Problem::bad_request("This server does not host Amplify.")),
    }
}

pub async fn page(
    State(state): State<Arc<AppState>>,
    Extension(session): Extension<Session>,
    Path(region): Path<String>,
) -> Response {
    let amplify = match service(&state) {
        Ok(amplify) => amplify,
        Err(problem) => return problem_page(&session, Some(&region), &problem),
    };
    let scope = scope(&state, &region);
    let scope = &scope;
    let apps = match every_page(|t| async move { amplify.list_apps(scope, Some(100), t.as_deref()).await }).await {
        Ok(apps) => apps,
        Err(e) => return problem_page(&session, Some(&region), &Problem::from_domain(e)),
    };
    let mut h = Html::default();
    if apps.is_empty() {
        h.raw("<p class=\"muted\">No Amplify apps in this region. Create one with <code>aws amplify create-app</code>.</p>");
    } else {
        h.raw("<div class=\"table-wrap\"><table><caption>Amplify apps</caption><thead><tr><th scope=\"col\">App</th><th scope=\"col\">Default domain</th><th scope=\"col\">Platform</th></tr></thead><tbody>");
        for app in &apps {
            put!(
                h,
                "<tr><th scope=\"row\"><a href=\"/_ramp/ui/{}/amplify/{}\">{}</a><div class=\"muted mono\">{}</div></th><td class=\"mono\">{}</td><td>{}</td></tr>",
                U(&region),
                U(&app.app_id),
                E(&app.name),
                E(&app.app_id),
                E(&amplify.default_domain(&app.app_id)),
                E(&app.platform)
            );
        }
        h.raw("</tbody></table></div>");
    }
    let frame = session.frame("Amplify Hosting", Some(&region));
    crate::dashboard::html(StatusCode::OK, html::page(&frame, &h.0))
}

pub async fn app(
    State(state): State<Arc<AppState>>,
    Extension(session): Extension<Session>,
    Path((region, app_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let amplify = match service(&state) {
        Ok(amplify) => amplify,
        Err(problem) => return problem_page(&session, Some(&region), &problem),
    };
    let scope = scope(&state, &region);
    let scope = &scope;
    let app_id = app_id.as_str();
    let loaded = async {
        let app = amplify.app(scope, app_id).await?;
        let branches =
            every_page(|t| async move { amplify.list_branches(scope, app_id, Some(50), t.as_deref()).await }).await?;
        let mut with_jobs = Vec::with_capacity(branches.len());
        for branch in branches {
            let (jobs, _) = amplify
                .list_jobs(scope, app_id, &branch.branch_name, Some(JOBS_SHOWN), None)
                .await?;
            with_jobs.push((branch, jobs));
        }
        Ok::<_, ramp_domain::Error>((app, with_jobs))
    };
    let (app, branches) = match loaded.await {
        Ok(loaded) => loaded,
        Err(e) => return problem_page(&session, Some(&region), &Problem::from_domain(e)),
    };
    // Sites are served on this port under the sites domain (DESIGN.md "sites").
    let port = headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.rsplit_once(':'))
        .map_or(String::new(), |(_, port)| format!(":{port}"));
    let mut h = Html::default();
    put!(
        h,
        "<p><a href=\"/_ramp/ui/{}/amplify\">← Amplify apps</a></p>",
        U(&region)
    );
    if branches.is_empty() {
        h.raw("<p class=\"muted\">No branches yet.</p>");
    }
    for (branch, jobs) in &branches {
        h.raw(&branch_section(amplify, &app.app_id, branch, jobs, &port));
    }
    let frame = session.frame(&app.name, Some(&region));
    crate::dashboard::html(StatusCode::OK, html::page(&frame, &h.0))
}

fn branch_section(amplify: &Amplify, app_id: &str, branch: &Branch, jobs: &[Job], port: &str) -> String {
    let mut h = Html::default();
    put!(h, "<section class=\"card\"><h2>{}</h2>", E(&branch.branch_name));
    if branch.active_job_id.is_some() {
        let host = format!("{}.{}", branch.display_name, amplify.default_domain(app_id));
        put!(
            h,
            "<p>Live site: <a href=\"http://{}{}/\">http://{}{}/</a> · <a href=\"/_ramp/sites/{}/{}/\">by path</a></p>",
            E(&host),
            E(port),
            E(&host),
            E(port),
            U(app_id),
            U(&branch.branch_name)
        );
    } else {
        h.raw("<p class=\"muted\">Nothing deployed yet.</p>");
    }
    if jobs.is_empty() {
        h.raw("</section>");
        return h.0;
    }
    h.raw("<div class=\"table-wrap\"><table><caption>Latest jobs</caption><thead><tr><th scope=\"col\">Job</th><th scope=\"col\">Status</th><th scope=\"col\">Started</th><th scope=\"col\">Steps</th></tr></thead><tbody>");
    for job in jobs {
        put!(
            h,
            "<tr><th scope=\"row\">{} <span class=\"muted\">{}</span></th><td>{}</td><td>{}</td><td><ul class=\"plain\">",
            job.number,
            E(job.job_type.as_str()),
            badge(job.status.as_str()),
            time_el(job.start_time)
        );
        for step in &job.steps {
            put!(
                h,
                "<li>{} {} <span class=\"muted\">{}</span></li>",
                E(&step.step_name),
                badge(step.status.as_str()),
                E(step.status_reason.as_deref().unwrap_or(""))
            );
        }
        h.raw("</ul></td></tr>");
    }
    h.raw("</tbody></table></div></section>");
    h.0
}
