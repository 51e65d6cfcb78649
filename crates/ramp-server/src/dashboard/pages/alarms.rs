//! ramp's alarms: their states, and a form that sets one through the engine (`set_alarm`, as
//! `PUT /_ramp/alarms/{NAME}` does: deployments watching it react before the page comes back).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use axum::{Extension, Form};
use http::StatusCode;
use ramp_domain::deployment::{Alarm, AlarmState};
use serde::Deserialize;

use super::alarms_by_name;

/// Past states shown per alarm, newest first.
const HISTORY_SHOWN: usize = 20;
use crate::AppState;
use crate::dashboard::html::{self, E, Html, U, badge, csrf_field, put, time_el};
use crate::dashboard::{Problem, Session, problem_page, see_other};

pub async fn page(
    State(state): State<Arc<AppState>>,
    Extension(session): Extension<Session>,
    Path(region): Path<String>,
) -> Response {
    render(&state, &session, &region, &AlarmForm::default(), None).await
}

/// `…/alarms/live`: the table alone.
pub async fn live(State(state): State<Arc<AppState>>) -> Response {
    match table(&state).await {
        Ok(table) => crate::dashboard::html(StatusCode::OK, table),
        Err(problem) => crate::dashboard::html(problem.status, problem.render()),
    }
}

async fn table(state: &AppState) -> Result<String, Problem> {
    let mut alarms: Vec<Alarm> = alarms_by_name(state).await?.into_values().collect();
    alarms.sort_by(|a, b| a.name.cmp(&b.name));
    let mut h = Html::default();
    if alarms.is_empty() {
        h.raw("<p class=\"muted\">No alarm has been set yet. A monitor's alarm that was never set counts as OK.</p>");
        return Ok(h.0);
    }
    h.raw("<div class=\"table-wrap\"><table id=\"alarms\"><caption>Alarms by name</caption><thead><tr><th scope=\"col\">Alarm</th><th scope=\"col\">State</th><th scope=\"col\">Reason</th><th scope=\"col\">Since</th><th scope=\"col\">History</th></tr></thead><tbody>");
    for a in &alarms {
        let history = state
            .engine
            .alarm_history(&a.name, HISTORY_SHOWN)
            .await
            .map_err(|e| Problem::from_domain(e.into()))?;
        put!(
            h,
            "<tr><th scope=\"row\" class=\"mono\">{}</th><td>{}</td><td>{}</td><td>{}</td><td><details><summary>{} change{}</summary><ol class=\"plain\">",
            E(&a.name),
            badge(a.state.as_str()),
            E(&a.reason),
            time_el(a.updated_at),
            history.len(),
            if history.len() == 1 { "" } else { "s" }
        );
        for past in &history {
            put!(
                h,
                "<li>{} {} <span class=\"muted\">{}</span></li>",
                time_el(past.updated_at),
                badge(past.state.as_str()),
                E(&past.reason)
            );
        }
        h.raw("</ol></details></td></tr>");
    }
    h.raw("</tbody></table></div>");
    Ok(h.0)
}

async fn render(
    state: &AppState,
    session: &Session,
    region: &str,
    form: &AlarmForm,
    problem: Option<&Problem>,
) -> Response {
    let table = match table(state).await {
        Ok(table) => table,
        Err(problem) => return problem_page(session, Some(region), &problem),
    };
    let mut h = Html::default();
    h.raw("<p>A monitor's <code>AlarmArn</code> <code>arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME</code> watches the ramp alarm NAME. An alarm in ALARM or INSUFFICIENT_DATA rolls back every deployment watching it.</p>");
    put!(
        h,
        "<div id=\"alarm-list\" data-live=\"/_ramp/ui/{}/alarms/live\" data-live-kinds=\"alarm\">{table}</div>",
        U(region)
    );
    h.raw("<section aria-labelledby=\"set-h\"><h2 id=\"set-h\">Set an alarm</h2>");
    if let Some(problem) = problem {
        h.raw(&problem.render());
    }
    put!(
        h,
        "<form class=\"card\" method=\"post\" action=\"/_ramp/ui/{}/alarms\">{}<div class=\"fields\">\
         <div><label for=\"alarm-name\">Name</label><input id=\"alarm-name\" name=\"name\" value=\"{}\" required maxlength=\"255\"></div>\
         <div><label for=\"alarm-state\">State</label><select id=\"alarm-state\" name=\"state\">",
        U(region),
        csrf_field(&session.csrf),
        E(&form.name)
    );
    for s in [AlarmState::Ok, AlarmState::Alarm, AlarmState::InsufficientData] {
        let selected = if form.state == s.as_str() { " selected" } else { "" };
        put!(h, "<option{selected}>{}</option>", s.as_str());
    }
    put!(
        h,
        "</select></div><div><label for=\"alarm-reason\">Reason</label><input id=\"alarm-reason\" name=\"reason\" value=\"{}\"></div></div>\
         <button type=\"submit\" class=\"primary\">Set alarm</button></form></section>",
        E(&form.reason)
    );
    let frame = session.frame("Alarms", Some(region));
    // A refused action shows its page again, with the error in it, as a 200: the page
    // itself is fine (and a 4xx page would be reported as an error in the browser's console).
    crate::dashboard::html(StatusCode::OK, html::page(&frame, &h.0))
}

#[derive(Deserialize, Default)]
pub struct AlarmForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    reason: String,
}

/// `POST …/alarms`: the same checks as `PUT /_ramp/alarms/{NAME}`.
pub async fn set(
    State(state): State<Arc<AppState>>,
    Extension(session): Extension<Session>,
    Path(region): Path<String>,
    Form(form): Form<AlarmForm>,
) -> Response {
    let name = form.name.trim();
    let Some(alarm_state) = AlarmState::parse(&form.state) else {
        let problem = Problem::bad_request("State must be OK, ALARM or INSUFFICIENT_DATA");
        return render(&state, &session, &region, &form, Some(&problem)).await;
    };
    if name.is_empty() || name.len() > 255 {
        let problem = Problem::bad_request("an alarm name has 1 to 255 characters");
        return render(&state, &session, &region, &form, Some(&problem)).await;
    }
    let alarm = Alarm {
        name: name.to_owned(),
        state: alarm_state,
        reason: form.reason.trim().to_owned(),
        updated_at: state.clock.now(),
    };
    match state.engine.set_alarm(alarm).await {
        Ok(_) => {
            state.dashboard.alarm_changed(name);
            see_other(&format!("/_ramp/ui/{}/alarms", U(&region)))
        }
        Err(e) => {
            let problem = Problem::from_domain(e.into());
            render(&state, &session, &region, &form, Some(&problem)).await
        }
    }
}
