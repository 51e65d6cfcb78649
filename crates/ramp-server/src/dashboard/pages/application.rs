//! An application: its environments (state, monitors and their alarms, the latest deployment),
//! its configuration profiles, and the form that starts a deployment.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use futures::StreamExt;
use http::StatusCode;
use ramp_domain::deployment::{Alarm, Deployment};
use ramp_domain::entities::{ConfigurationProfile, Environment};
use serde::Deserialize;

use super::{PAGE, alarms_by_name, every_page, monitor_item};
use crate::AppState;
use crate::dashboard::html::{self, E, Html, U, badge, csrf_field, percent, put};
use crate::dashboard::{Problem, Session, problem_page, scope};

pub async fn page(
    State(state): State<Arc<AppState>>,
    Extension(session): Extension<Session>,
    Path((region, app)): Path<(String, String)>,
) -> Response {
    render(&state, &session, &region, &app, &StartForm::default(), None).await
}

/// `…/apps/{app}/live`: the environments table alone, which the page fetches again on events.
pub async fn live(State(state): State<Arc<AppState>>, Path((region, app)): Path<(String, String)>) -> Response {
    match environments(&state, &region, &app).await {
        Ok(rows) => crate::dashboard::html(StatusCode::OK, environments_table(&region, &app, &rows)),
        Err(problem) => crate::dashboard::html(problem.status, problem.render()),
    }
}

/// What the start form was filled with (kept when the deployment is refused).
#[derive(Default, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    pub environment: String,
    #[serde(default)]
    pub profile: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub strategy: String,
    #[serde(default)]
    pub description: String,
}

/// One environment's row.
pub struct EnvironmentRow {
    environment: Environment,
    latest: Option<Deployment>,
    alarms: Arc<HashMap<String, Alarm>>,
}

async fn environments(state: &AppState, region: &str, app: &str) -> Result<Vec<EnvironmentRow>, Problem> {
    let scope = scope(state, region);
    let scope = &scope;
    let list = every_page(|t| async move { state.appconfig.list_environments(scope, app, PAGE, t.as_deref()).await })
        .await
        .map_err(Problem::from_domain)?;
    let alarms = Arc::new(alarms_by_name(state).await?);
    // One read per environment for its latest deployment, a few at a time.
    let rows = futures::stream::iter(list)
        .map(|environment| {
            let alarms = alarms.clone();
            async move {
                let (latest, _) = state
                    .appconfig
                    .list_deployments(scope, app, &environment.id, Some(1), None)
                    .await?;
                Ok::<_, ramp_domain::Error>(EnvironmentRow {
                    latest: latest.into_iter().next(),
                    environment,
                    alarms,
                })
            }
        })
        .buffered(16)
        .collect::<Vec<_>>()
        .await;
    rows.into_iter().collect::<Result<_, _>>().map_err(Problem::from_domain)
}

fn environments_table(region: &str, app: &str, rows: &[EnvironmentRow]) -> String {
    let mut h = Html::default();
    if rows.is_empty() {
        h.raw("<p class=\"muted\">No environments yet.</p>");
        return h.0;
    }
    h.raw("<div class=\"table-wrap\"><table class=\"environments\"><caption class=\"sr-only\">Environments</caption><thead><tr>");
    h.raw("<th scope=\"col\">Environment</th><th scope=\"col\">State</th><th scope=\"col\">Monitors</th><th scope=\"col\">Latest deployment</th></tr></thead><tbody>");
    for row in rows {
        let env = &row.environment;
        put!(
            h,
            "<tr data-environment=\"{}\"><th scope=\"row\">{}<div class=\"muted mono\">{}</div></th><td>{}</td><td>",
            E(&env.id),
            E(&env.name),
            E(&env.id),
            badge(env.state.as_str())
        );
        if env.monitors.is_empty() {
            h.raw("<span class=\"muted\">none</span>");
        } else {
            h.raw("<ul class=\"plain\">");
            for monitor in &env.monitors {
                h.raw(&monitor_item(&monitor.alarm_arn, &row.alarms));
            }
            h.raw("</ul>");
        }
        h.raw("</td><td>");
        match &row.latest {
            Some(d) => put!(
                h,
                "<a href=\"/_ramp/ui/{}/apps/{}/environments/{}/deployments/{}\">#{} {} v{}</a> {} <span class=\"pct\">{}</span>",
                U(region),
                U(app),
                U(&env.id),
                d.deployment_number,
                d.deployment_number,
                E(&d.configuration_name),
                d.hosted_version_number,
                badge(d.state.as_str()),
                percent(d.percentage_complete)
            ),
            None => h.raw("<span class=\"muted\">never deployed</span>"),
        }
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
    h.0
}

/// A profile and its newest hosted version number.
struct ProfileRow {
    profile: ConfigurationProfile,
    latest_version: Option<i64>,
}

async fn profiles(state: &AppState, region: &str, app: &str) -> Result<Vec<ProfileRow>, Problem> {
    let scope = scope(state, region);
    let scope = &scope;
    let list = every_page(|t| async move {
        state
            .appconfig
            .list_configuration_profiles(scope, app, None, PAGE, t.as_deref())
            .await
    })
    .await
    .map_err(Problem::from_domain)?;
    let mut rows = Vec::with_capacity(list.len());
    for profile in list {
        let latest_version = if profile.is_hosted() {
            let (versions, _) = state
                .appconfig
                .list_hosted_versions(scope, app, &profile.id, None, Some(1), None)
                .await
                .map_err(Problem::from_domain)?;
            versions.first().map(|v| v.version_number)
        } else {
            None
        };
        rows.push(ProfileRow {
            profile,
            latest_version,
        });
    }
    Ok(rows)
}

/// The whole application page, with `problem` shown at the start form when a start failed.
pub async fn render(
    state: &AppState,
    session: &Session,
    region: &str,
    app_id: &str,
    form: &StartForm,
    problem: Option<&Problem>,
) -> Response {
    let scope = scope(state, region);
    let app = match state.appconfig.application(&scope, app_id).await {
        Ok(app) => app,
        Err(e) => return problem_page(session, Some(region), &Problem::from_domain(e)),
    };
    let loaded = async {
        let envs = environments(state, region, app_id).await?;
        let profiles = profiles(state, region, app_id).await?;
        let strategies = every_page(|t| {
            let scope = &scope;
            async move {
                state
                    .appconfig
                    .list_deployment_strategies(scope, PAGE, t.as_deref())
                    .await
            }
        })
        .await
        .map_err(Problem::from_domain)?;
        Ok::<_, Problem>((envs, profiles, strategies))
    }
    .await;
    let (envs, profiles, strategies) = match loaded {
        Ok(loaded) => loaded,
        Err(problem) => return problem_page(session, Some(region), &problem),
    };
    let mut h = Html::default();
    if let Some(description) = &app.description {
        put!(h, "<p>{}</p>", E(description));
    }
    put!(h, "<p class=\"muted mono\">{}</p>", E(&app.id));
    put!(
        h,
        "<section aria-labelledby=\"envs-h\"><h2 id=\"envs-h\">Environments</h2>\
         <div id=\"environments\" data-live=\"/_ramp/ui/{}/apps/{}/live\" data-live-kinds=\"deployment alarm\" data-live-app=\"{}\">{}</div></section>",
        U(region),
        U(app_id),
        E(app_id),
        environments_table(region, app_id, &envs)
    );
    h.raw("<section aria-labelledby=\"profiles-h\"><h2 id=\"profiles-h\">Configuration profiles</h2>");
    if profiles.is_empty() {
        h.raw("<p class=\"muted\">No configuration profiles yet.</p>");
    } else {
        h.raw("<div class=\"table-wrap\"><table><caption class=\"sr-only\">Configuration profiles</caption><thead><tr><th scope=\"col\">Profile</th><th scope=\"col\">Type</th><th scope=\"col\">Validators</th><th scope=\"col\">Latest version</th></tr></thead><tbody>");
        for row in &profiles {
            let p = &row.profile;
            put!(
                h,
                "<tr><th scope=\"row\"><a href=\"/_ramp/ui/{}/apps/{}/profiles/{}\">{}</a><div class=\"muted mono\">{}</div></th><td>{}</td><td>{}</td><td>{}</td></tr>",
                U(region),
                U(app_id),
                U(&p.id),
                E(&p.name),
                E(&p.id),
                E(p.profile_type.as_deref().unwrap_or("AWS.Freeform")),
                E(&p.validators
                    .iter()
                    .map(|v| v.validator_type.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")),
                row.latest_version.map_or("—".to_owned(), |v| v.to_string())
            );
        }
        h.raw("</tbody></table></div>");
    }
    h.raw("</section>");
    h.raw(&start_form(
        region,
        app_id,
        session,
        &envs,
        &profiles,
        &strategies,
        form,
        problem,
    ));
    let frame = session.frame(&app.name, Some(region));
    // A refused action shows its page again, with the error in it, as a 200: the page
    // itself is fine (and a 4xx page would be reported as an error in the browser's console).
    crate::dashboard::html(StatusCode::OK, html::page(&frame, &h.0))
}

#[allow(clippy::too_many_arguments)]
fn start_form(
    region: &str,
    app_id: &str,
    session: &Session,
    envs: &[EnvironmentRow],
    profiles: &[ProfileRow],
    strategies: &[ramp_domain::entities::DeploymentStrategy],
    form: &StartForm,
    problem: Option<&Problem>,
) -> String {
    let mut h = Html::default();
    h.raw("<section aria-labelledby=\"start-h\"><h2 id=\"start-h\">Start a deployment</h2>");
    if envs.is_empty() || profiles.is_empty() {
        h.raw("<p class=\"muted\">A deployment needs an environment and a configuration profile.</p></section>");
        return h.0;
    }
    if let Some(problem) = problem {
        h.raw(&problem.render());
    }
    put!(
        h,
        "<form class=\"card\" id=\"start-form\" method=\"post\" action=\"/_ramp/ui/{}/apps/{}/deployments\">{}",
        U(region),
        U(app_id),
        csrf_field(&session.csrf)
    );
    h.raw("<div class=\"fields\"><div><label for=\"start-environment\">Environment</label><select id=\"start-environment\" name=\"environment\" required>");
    for row in envs {
        let env = &row.environment;
        let selected = if form.environment == env.id { " selected" } else { "" };
        put!(
            h,
            "<option value=\"{}\"{selected}>{}</option>",
            E(&env.id),
            E(&env.name)
        );
    }
    h.raw("</select></div><div><label for=\"start-profile\">Configuration profile</label><select id=\"start-profile\" name=\"profile\" required>");
    for row in profiles {
        let p = &row.profile;
        let selected = if form.profile == p.id { " selected" } else { "" };
        put!(
            h,
            "<option value=\"{}\" data-latest=\"{}\"{selected}>{}</option>",
            E(&p.id),
            row.latest_version.map_or(String::new(), |v| v.to_string()),
            E(&p.name)
        );
    }
    let version = if form.version.is_empty() {
        profiles
            .iter()
            .find(|r| form.profile.is_empty() || r.profile.id == form.profile)
            .and_then(|r| r.latest_version)
            .map_or(String::new(), |v| v.to_string())
    } else {
        form.version.clone()
    };
    put!(
        h,
        "</select></div><div><label for=\"start-version\">Version (number or label)</label>\
         <input id=\"start-version\" name=\"version\" value=\"{}\" required></div>",
        E(&version)
    );
    h.raw("<div><label for=\"start-strategy\">Deployment strategy</label><select id=\"start-strategy\" name=\"strategy\" required>");
    for s in strategies {
        let selected = if form.strategy == s.id { " selected" } else { "" };
        put!(
            h,
            "<option value=\"{}\"{selected}>{} ({} min, {} {}, bake {} min)</option>",
            E(&s.id),
            E(&s.name),
            s.deployment_duration_in_minutes,
            E(s.growth_type.as_str()),
            s.growth_factor,
            s.final_bake_time_in_minutes
        );
    }
    put!(
        h,
        "</select></div><div><label for=\"start-description\">Description (optional)</label>\
         <input id=\"start-description\" name=\"description\" value=\"{}\"></div></div>\
         <button type=\"submit\" class=\"primary\" id=\"start-deployment\">Start deployment</button></form></section>",
        E(&form.description)
    );
    h.0
}
