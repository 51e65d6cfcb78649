//! The live view of one deployment: where it is against where its strategy says it should be,
//! its event log, the version it deploys and the one it replaces, who or what rolled it back;
//! and the start, stop and revert actions, through AppConfig's own operations.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use axum::{Extension, Form};
use http::StatusCode;
use ramp_clock::Timestamp;
use ramp_domain::appconfig::StartDeploymentRequest;
use ramp_domain::deployment::{Deployment, DeploymentEventType, DeploymentState};
use ramp_domain::rollout::{self, Milestone};
use serde::Deserialize;

use super::application::{self, StartForm};
use super::{PAGE, every_page};
use crate::AppState;
use crate::dashboard::chart;
use crate::dashboard::html::{self, E, Html, U, badge, csrf_field, percent, put, time_el};
use crate::dashboard::{Problem, Session, problem_page, scope, see_other};

type DeploymentPath = Path<(String, String, String, i64)>;

/// The environment's deployments listed under the view.
const OTHERS_SHOWN: usize = 20;

pub async fn page(
    State(state): State<Arc<AppState>>,
    Extension(session): Extension<Session>,
    Path((region, app, env, number)): DeploymentPath,
) -> Response {
    render(&state, &session, &region, &app, &env, number, None).await
}

/// `…/deployments/{n}/live`: the part of the page that changes, fetched again on events.
pub async fn live(
    State(state): State<Arc<AppState>>,
    Extension(session): Extension<Session>,
    Path((region, app, env, number)): DeploymentPath,
) -> Response {
    match load(&state, &region, &app, &env, number).await {
        Ok(view) => crate::dashboard::html(StatusCode::OK, live_part(&view, &region, &session)),
        Err(problem) => crate::dashboard::html(problem.status, problem.render()),
    }
}

/// Everything the view shows.
struct View {
    deployment: Deployment,
    /// The deployment of the same profile that was standing when this one started.
    replaces: Option<Deployment>,
    /// The environment's deployments, newest first (at most [`OTHERS_SHOWN`]).
    others: Vec<Deployment>,
    environment_name: String,
    now: Timestamp,
}

async fn load(state: &AppState, region: &str, app: &str, env: &str, number: i64) -> Result<View, Problem> {
    let scope = scope(state, region);
    let scope = &scope;
    let deployment = state
        .appconfig
        .deployment(scope, app, env, number)
        .await
        .map_err(Problem::from_domain)?;
    let environment = state
        .appconfig
        .environment(scope, app, env)
        .await
        .map_err(Problem::from_domain)?;
    let all_deployments = every_page(|t| async move {
        state
            .appconfig
            .list_deployments(scope, app, env, PAGE, t.as_deref())
            .await
    })
    .await
    .map_err(Problem::from_domain)?;
    // Deployments of an environment run one at a time, so when this one started the newest
    // earlier one of its profile that was not rolled back or reverted was what clients had.
    let replaces = all_deployments
        .iter()
        .filter(|d| d.deployment_number < number && d.configuration_profile_id == deployment.configuration_profile_id)
        .find(|d| !matches!(d.state, DeploymentState::RolledBack | DeploymentState::Reverted))
        .cloned();
    let others = all_deployments.into_iter().take(OTHERS_SHOWN).collect();
    Ok(View {
        deployment,
        replaces,
        others,
        environment_name: environment.name,
        now: state.clock.now(),
    })
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    session: &Session,
    region: &str,
    app: &str,
    env: &str,
    number: i64,
    problem: Option<&Problem>,
) -> Response {
    let view = match load(state, region, app, env, number).await {
        Ok(view) => view,
        Err(problem) => return problem_page(session, Some(region), &problem),
    };
    let d = &view.deployment;
    let mut h = Html::default();
    put!(
        h,
        "<p><a href=\"/_ramp/ui/{}/apps/{}\">← application</a> · environment <strong>{}</strong> · profile <strong>{}</strong></p>",
        U(region),
        U(app),
        E(&view.environment_name),
        E(&d.configuration_name)
    );
    if let Some(problem) = problem {
        h.raw(&problem.render());
    }
    put!(
        h,
        "<div id=\"deployment\" data-live=\"/_ramp/ui/{}/apps/{}/environments/{}/deployments/{}/live\" data-live-kinds=\"deployment\" \
         data-live-app=\"{}\" data-live-env=\"{}\" data-live-number=\"{}\">{}</div>",
        U(region),
        U(app),
        U(env),
        number,
        E(app),
        E(env),
        number,
        live_part(&view, region, session)
    );
    let title = format!("Deployment #{number}");
    let frame = session.frame(&title, Some(region));
    // A refused action shows its page again, with the error in it, as a 200: the page
    // itself is fine (and a 4xx page would be reported as an error in the browser's console).
    crate::dashboard::html(StatusCode::OK, html::page(&frame, &h.0))
}

fn version_text(d: &Deployment) -> String {
    match &d.version_label {
        Some(label) => format!("version {} ({})", d.hosted_version_number, label),
        None => format!("version {}", d.hosted_version_number),
    }
}

fn live_part(view: &View, region: &str, session: &Session) -> String {
    let d = &view.deployment;
    let base = format!(
        "/_ramp/ui/{}/apps/{}/environments/{}/deployments/{}",
        U(region),
        U(&d.application_id),
        U(&d.environment_id),
        d.deployment_number
    );
    let mut h = Html::default();
    put!(
        h,
        "<dl class=\"summary\" data-announce=\"Deployment {}: {}, {} of clients\">",
        d.deployment_number,
        E(d.state.as_str()),
        percent(d.percentage_complete)
    );
    put!(
        h,
        "<div><dt>State</dt><dd id=\"state\">{}</dd></div>",
        badge(d.state.as_str())
    );
    put!(
        h,
        "<div><dt>Clients on this version</dt><dd id=\"percentage\" class=\"big\">{}</dd></div>",
        percent(d.percentage_complete)
    );
    put!(
        h,
        "<div><dt>Deploys</dt><dd id=\"version\">{}</dd></div>",
        E(&version_text(d))
    );
    match &view.replaces {
        Some(previous) => put!(
            h,
            "<div><dt>Replaces</dt><dd id=\"replaces\"><a href=\"/_ramp/ui/{}/apps/{}/environments/{}/deployments/{}\">{}</a> (deployment #{})</dd></div>",
            U(region),
            U(&previous.application_id),
            U(&previous.environment_id),
            previous.deployment_number,
            E(&version_text(previous)),
            previous.deployment_number
        ),
        None => h.raw(
            "<div><dt>Replaces</dt><dd id=\"replaces\">nothing (first deployment of this profile here)</dd></div>",
        ),
    }
    put!(
        h,
        "<div><dt>Strategy</dt><dd>{} min, {} {}, bake {} min</dd></div>",
        d.strategy.deployment_duration_in_minutes,
        E(d.strategy.growth_type.as_str()),
        d.strategy.growth_factor,
        d.strategy.final_bake_time_in_minutes
    );
    put!(h, "<div><dt>Started</dt><dd>{}</dd></div>", time_el(d.started_at));
    h.raw(&next_steps(d, view.now));
    h.raw("</dl>");
    h.raw(&rolled_back_by(d));
    h.raw(&actions(d, &base, session));
    let chart = chart::deployment_chart(d, view.now);
    put!(
        h,
        "<figure>{}<figcaption>{}</figcaption></figure>",
        chart.svg(&format!(
            "Percentage of clients on {} over time, against the strategy's schedule",
            version_text(d)
        )),
        chart::legend(true)
    );
    h.raw("<div class=\"two\">");
    h.raw(&schedule_table(d));
    h.raw(&event_log(d));
    h.raw("</div>");
    h.raw(&environment_deployments(view, region));
    h.0
}

/// The environment's deployments, newest first, this one marked.
fn environment_deployments(view: &View, region: &str) -> String {
    let mut h = Html::default();
    h.raw("<div class=\"table-wrap\"><table id=\"environment-deployments\"><caption>Deployments of this environment, newest first</caption><thead><tr><th scope=\"col\">Deployment</th><th scope=\"col\">Profile</th><th scope=\"col\">Version</th><th scope=\"col\">State</th><th scope=\"col\">Started</th></tr></thead><tbody>");
    for d in &view.others {
        let current = d.deployment_number == view.deployment.deployment_number;
        put!(
            h,
            "<tr><th scope=\"row\"><a href=\"/_ramp/ui/{}/apps/{}/environments/{}/deployments/{}\"{}>#{}</a></th><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td></tr>",
            U(region),
            U(&d.application_id),
            U(&d.environment_id),
            d.deployment_number,
            if current { " aria-current=\"page\"" } else { "" },
            d.deployment_number,
            E(&d.configuration_name),
            E(&version_text(d)),
            badge(d.state.as_str()),
            percent(d.percentage_complete),
            time_el(d.started_at)
        );
    }
    h.raw("</tbody></table></div>");
    h.0
}

/// Where the deployment should be next, and when its bake ends.
fn next_steps(d: &Deployment, now: Timestamp) -> String {
    if !matches!(d.state, DeploymentState::Deploying | DeploymentState::Baking) {
        return match d.completed_at {
            Some(t) => format!("<div><dt>Ended</dt><dd>{}</dd></div>", time_el(t)),
            None => String::new(),
        };
    }
    let schedule = rollout::schedule(&d.strategy, d.step_timing, d.started_at);
    let mut h = Html::default();
    let next = d.next_due_at.and_then(|due| schedule.iter().find(|s| s.due_at == due));
    if let Some(next) = next {
        let what = match next.milestone {
            Milestone::Percentage(p) => percent(p),
            Milestone::BakeStarted => "bake starts".to_owned(),
            Milestone::Completed => "complete".to_owned(),
        };
        put!(
            h,
            "<div><dt>Next</dt><dd id=\"next\">{} at {} (in {})</dd></div>",
            E(&what),
            time_el(next.due_at),
            E(&duration_text(next.due_at.millis() - now.millis()))
        );
    }
    if let Some(done) = schedule.iter().find(|s| s.milestone == Milestone::Completed) {
        put!(
            h,
            "<div><dt>Bake ends</dt><dd id=\"bake-ends\">{}</dd></div>",
            time_el(done.due_at)
        );
    }
    h.0
}

fn duration_text(millis: i64) -> String {
    let seconds = (millis.max(0) + 999) / 1000;
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{} min {} s", seconds / 60, seconds % 60),
        _ => format!("{} h {} min", seconds / 3600, seconds % 3600 / 60),
    }
}

/// Who or what stopped the deployment, and why, when it was rolled back or reverted.
fn rolled_back_by(d: &Deployment) -> String {
    let event = d.event_log.iter().rev().find(|e| {
        matches!(
            e.event_type,
            DeploymentEventType::RollbackStarted | DeploymentEventType::RevertCompleted
        )
    });
    match event {
        Some(e) => format!(
            "<p class=\"msg warn\" id=\"rollback\" role=\"status\"><strong>{}</strong> by {} at {}: {}</p>",
            if e.event_type == DeploymentEventType::RevertCompleted {
                "Reverted"
            } else {
                "Rolled back"
            },
            E(e.triggered_by.as_str()),
            time_el(e.occurred_at),
            E(&e.description)
        ),
        None => String::new(),
    }
}

/// Stop while it runs; revert once it is complete (AppConfig's rules decide, and say why not).
fn actions(d: &Deployment, base: &str, session: &Session) -> String {
    let (label, revert) = match d.state {
        DeploymentState::Deploying | DeploymentState::Baking | DeploymentState::Validating => {
            ("Stop deployment", false)
        }
        DeploymentState::Complete => ("Revert to the previous version", true),
        _ => return String::new(),
    };
    format!(
        "<form class=\"inline\" method=\"post\" action=\"{base}/stop\">{}<input type=\"hidden\" name=\"revert\" value=\"{}\">\
         <button type=\"submit\" class=\"danger\" id=\"stop-deployment\">{label}</button></form>",
        csrf_field(&session.csrf),
        revert
    )
}

fn schedule_table(d: &Deployment) -> String {
    let schedule = rollout::schedule(&d.strategy, d.step_timing, d.started_at);
    let applied = rollout::milestones_applied(d);
    let mut h = Html::default();
    h.raw("<div class=\"table-wrap\"><table class=\"schedule\"><caption>Planned schedule</caption><thead><tr><th scope=\"col\">Milestone</th><th scope=\"col\">Due</th><th scope=\"col\">Done</th></tr></thead><tbody>");
    for (i, s) in schedule.iter().enumerate() {
        let what = match s.milestone {
            Milestone::Percentage(p) => percent(p),
            Milestone::BakeStarted => "bake starts".to_owned(),
            Milestone::Completed => "complete".to_owned(),
        };
        let done = if i < applied {
            "✓"
        } else if d.state.is_in_progress() {
            ""
        } else {
            "—"
        };
        put!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{done}</td></tr>",
            E(&what),
            time_el(s.due_at)
        );
    }
    h.raw("</tbody></table></div>");
    h.0
}

fn event_log(d: &Deployment) -> String {
    let mut h = Html::default();
    h.raw("<div class=\"table-wrap\"><table class=\"events\" id=\"event-log\"><caption>Event log</caption><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Event</th><th scope=\"col\">Triggered by</th><th scope=\"col\">Description</th></tr></thead><tbody>");
    for e in d.event_log.iter().rev() {
        put!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}",
            time_el(e.occurred_at),
            E(e.event_type.as_str()),
            E(e.triggered_by.as_str()),
            E(&e.description)
        );
        for invocation in &e.action_invocations {
            put!(
                h,
                "<div class=\"muted\">action {} → {}{}</div>",
                E(invocation
                    .action_name
                    .as_deref()
                    .unwrap_or(&invocation.extension_identifier)),
                E(invocation.uri.as_deref().unwrap_or("")),
                invocation
                    .error_message
                    .as_deref()
                    .map_or(String::new(), |m| format!(": {}", E(m)))
            );
        }
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
    h.0
}

/// `POST …/apps/{app}/deployments`: StartDeployment with the form's choices.
pub async fn start(
    State(state): State<Arc<AppState>>,
    Extension(session): Extension<Session>,
    Path((region, app)): Path<(String, String)>,
    Form(form): Form<StartForm>,
) -> Response {
    let scope = scope(&state, &region);
    let request = StartDeploymentRequest {
        deployment_strategy_id: form.strategy.trim().to_owned(),
        configuration_profile_id: form.profile.trim().to_owned(),
        configuration_version: form.version.trim().to_owned(),
        description: Some(form.description.trim().to_owned()).filter(|d| !d.is_empty()),
        kms_key_identifier: None,
        tags: Default::default(),
        dynamic_extension_parameters: Default::default(),
    };
    let refused = if request.configuration_version.is_empty() {
        Problem::bad_request("Choose the version to deploy (its number or label).")
    } else {
        match state
            .appconfig
            .start_deployment(&scope, &app, form.environment.trim(), request)
            .await
        {
            Ok(d) => {
                return see_other(&format!(
                    "/_ramp/ui/{}/apps/{}/environments/{}/deployments/{}",
                    U(&region),
                    U(&app),
                    U(&d.environment_id),
                    d.deployment_number
                ));
            }
            Err(e) => Problem::from_domain(e),
        }
    };
    application::render(&state, &session, &region, &app, &form, Some(&refused)).await
}

#[derive(Deserialize)]
pub struct StopForm {
    #[serde(default)]
    revert: bool,
}

/// `POST …/deployments/{n}/stop`: StopDeployment (with `AllowRevert` for a revert).
pub async fn stop(
    State(state): State<Arc<AppState>>,
    Extension(session): Extension<Session>,
    Path((region, app, env, number)): DeploymentPath,
    Form(form): Form<StopForm>,
) -> Response {
    let scope = scope(&state, &region);
    match state
        .appconfig
        .stop_deployment(&scope, &app, &env, number, form.revert)
        .await
    {
        Ok(_) => see_other(&format!(
            "/_ramp/ui/{}/apps/{}/environments/{}/deployments/{}",
            U(&region),
            U(&app),
            U(&env),
            number
        )),
        Err(e) => {
            render(
                &state,
                &session,
                &region,
                &app,
                &env,
                number,
                Some(&Problem::from_domain(e)),
            )
            .await
        }
    }
}
