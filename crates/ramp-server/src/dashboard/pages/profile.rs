//! A configuration profile: its hosted versions, a side-by-side diff of any two, and an editor
//! that creates a new version (checked by the profile's validators first, then stored by
//! CreateHostedConfigurationVersion's own domain operation).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::{Extension, Form};
use bytes::Bytes;
use http::StatusCode;
use ramp_domain::appconfig::NewHostedVersionRequest;
use ramp_domain::entities::{ConfigurationProfile, HostedVersionInfo};
use serde::Deserialize;
use serde_json::Value;

use super::{PAGE, every_page};
use crate::AppState;
use crate::dashboard::html::{self, E, Html, U, csrf_field, put, time_el};
use crate::dashboard::{Problem, Session, problem_page, scope, see_other};

/// Lines a diff compares at most per side (the comparison is quadratic).
const MAX_DIFF_LINES: usize = 2000;

#[derive(Deserialize, Default)]
pub struct DiffQuery {
    a: Option<i64>,
    b: Option<i64>,
}

/// What the editor held when a create was refused.
#[derive(Deserialize, Default)]
pub struct VersionForm {
    #[serde(default)]
    content: String,
    #[serde(default)]
    content_type: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    version_label: String,
}

type ProfilePath = Path<(String, String, String)>;

pub async fn page(
    State(state): State<Arc<AppState>>,
    Extension(session): Extension<Session>,
    Path((region, app, profile)): ProfilePath,
    Query(diff): Query<DiffQuery>,
) -> Response {
    render(&state, &session, &region, &app, &profile, &diff, None, None).await
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    session: &Session,
    region: &str,
    app: &str,
    profile_id: &str,
    diff: &DiffQuery,
    draft: Option<&VersionForm>,
    problem: Option<&Problem>,
) -> Response {
    let scope = scope(state, region);
    let scope = &scope;
    let loaded = async {
        let profile = state.appconfig.configuration_profile(scope, app, profile_id).await?;
        let versions = if profile.is_hosted() {
            every_page(|t| async move {
                state
                    .appconfig
                    .list_hosted_versions(scope, app, profile_id, None, PAGE, t.as_deref())
                    .await
            })
            .await?
        } else {
            Vec::new()
        };
        Ok::<_, ramp_domain::Error>((profile, versions))
    };
    let (profile, versions) = match loaded.await {
        Ok(loaded) => loaded,
        Err(e) => return problem_page(session, Some(region), &Problem::from_domain(e)),
    };
    let base = format!("/_ramp/ui/{}/apps/{}/profiles/{}", U(region), U(app), U(profile_id));
    let mut h = Html::default();
    put!(
        h,
        "<p><a href=\"/_ramp/ui/{}/apps/{}\">← application</a> · type <strong>{}</strong> · <span class=\"mono\">{}</span></p>",
        U(region),
        U(app),
        E(profile.profile_type.as_deref().unwrap_or("AWS.Freeform")),
        E(&profile.location_uri)
    );
    h.raw(&versions_table(&versions, &base));
    if versions.len() >= 2 {
        let newest = versions.first().map_or(0, |v| v.version_number);
        let b = diff.b.unwrap_or(newest);
        let a = diff
            .a
            .unwrap_or_else(|| versions.iter().map(|v| v.version_number).find(|&n| n < b).unwrap_or(b));
        h.raw(&diff_form(&versions, &base, a, b));
        match diff_view(state, scope, app, &profile, a, b).await {
            Ok(view) => h.raw(&view),
            Err(problem) => h.raw(&problem.render()),
        }
    }
    if profile.is_hosted() {
        let latest = match versions.first() {
            Some(v) => state
                .appconfig
                .hosted_version(scope, app, profile_id, v.version_number)
                .await
                .ok(),
            None => None,
        };
        h.raw(&editor(&base, session, &profile, latest.as_ref(), draft, problem));
    }
    let frame = session.frame(&profile.name, Some(region));
    // A refused action shows its page again, with the error in it, as a 200: the page
    // itself is fine (and a 4xx page would be reported as an error in the browser's console).
    crate::dashboard::html(StatusCode::OK, html::page(&frame, &h.0))
}

fn versions_table(versions: &[HostedVersionInfo], base: &str) -> String {
    let mut h = Html::default();
    h.raw("<section aria-labelledby=\"versions-h\"><h2 id=\"versions-h\">Hosted versions</h2>");
    if versions.is_empty() {
        h.raw("<p class=\"muted\">No versions yet.</p></section>");
        return h.0;
    }
    h.raw("<div class=\"table-wrap\"><table><caption>Hosted configuration versions, newest first</caption><thead><tr><th scope=\"col\">Version</th><th scope=\"col\">Label</th><th scope=\"col\">Content type</th><th scope=\"col\">Description</th><th scope=\"col\">Created</th></tr></thead><tbody>");
    for v in versions {
        put!(
            h,
            "<tr><th scope=\"row\"><a href=\"{base}?b={}\">{}</a></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            v.version_number,
            v.version_number,
            E(v.version_label.as_deref().unwrap_or("")),
            E(&v.content_type),
            E(v.description.as_deref().unwrap_or("")),
            time_el(v.created_at)
        );
    }
    h.raw("</tbody></table></div></section>");
    h.0
}

fn diff_form(versions: &[HostedVersionInfo], base: &str, a: i64, b: i64) -> String {
    let mut h = Html::default();
    put!(
        h,
        "<section aria-labelledby=\"diff-h\"><h2 id=\"diff-h\">Compare versions</h2><form class=\"inline\" method=\"get\" action=\"{base}\">"
    );
    for (name, label, chosen) in [("a", "Old", a), ("b", "New", b)] {
        put!(
            h,
            "<label for=\"diff-{name}\">{label}</label><select id=\"diff-{name}\" name=\"{name}\">"
        );
        for v in versions {
            let selected = if v.version_number == chosen { " selected" } else { "" };
            put!(h, "<option value=\"{0}\"{selected}>{0}</option>", v.version_number);
        }
        h.raw("</select> ");
    }
    h.raw("<button type=\"submit\">Compare</button></form>");
    h.0
}

async fn diff_view(
    state: &AppState,
    scope: &ramp_domain::arn::Scope,
    app: &str,
    profile: &ConfigurationProfile,
    a: i64,
    b: i64,
) -> Result<String, Problem> {
    let old = state
        .appconfig
        .hosted_version(scope, app, &profile.id, a)
        .await
        .map_err(Problem::from_domain)?;
    let new = state
        .appconfig
        .hosted_version(scope, app, &profile.id, b)
        .await
        .map_err(Problem::from_domain)?;
    let mut h = Html::default();
    if profile.is_feature_flags() {
        h.raw("<div class=\"two\">");
        h.raw(&flags_table(&format!("Flags in version {a}"), &old.content));
        h.raw(&flags_table(&format!("Flags in version {b}"), &new.content));
        h.raw("</div>");
    }
    let (left, right) = (pretty(&old.content), pretty(&new.content));
    h.raw(&side_by_side(a, b, &left, &right));
    h.raw("</section>");
    Ok(h.0)
}

/// JSON pretty-printed (keys sorted, so key order does not show as a change); anything else
/// as text.
fn pretty(content: &Bytes) -> String {
    match serde_json::from_slice::<Value>(content) {
        Ok(value) => serde_json::to_string_pretty(&value).unwrap_or_default(),
        Err(_) => String::from_utf8_lossy(content).into_owned(),
    }
}

/// The two documents line by line, with removed and added lines marked (longest common
/// subsequence of lines).
fn side_by_side(a: i64, b: i64, left: &str, right: &str) -> String {
    let l: Vec<&str> = left.lines().collect();
    let r: Vec<&str> = right.lines().collect();
    let mut h = Html::default();
    put!(
        h,
        "<div class=\"table-wrap\"><table class=\"diff\" id=\"diff\"><caption>Version {a} (left) against version {b} (right); − removed, + added</caption><thead><tr><th scope=\"col\">Version {a}</th><th scope=\"col\">Version {b}</th></tr></thead><tbody>"
    );
    if l.len() > MAX_DIFF_LINES || r.len() > MAX_DIFF_LINES {
        put!(
            h,
            "<tr><td><pre>{}</pre></td><td><pre>{}</pre></td></tr>",
            E(left),
            E(right)
        );
        h.raw("</tbody></table></div>");
        return h.0;
    }
    for (old, new) in align(&l, &r) {
        let cell = |line: Option<&str>, mark: &str, class: &str| match line {
            Some(text) => format!(
                "<td class=\"{class}\"><span class=\"sign\">{mark}</span><code>{}</code></td>",
                E(text)
            ),
            None => "<td class=\"gap\"></td>".to_owned(),
        };
        let changed = old != new;
        put!(
            h,
            "<tr>{}{}</tr>",
            cell(
                old,
                if changed { "−" } else { " " },
                if changed { "del" } else { "same" }
            ),
            cell(
                new,
                if changed { "+" } else { " " },
                if changed { "add" } else { "same" }
            )
        );
    }
    h.raw("</tbody></table></div>");
    h.0
}

/// Pairs of lines: equal lines side by side; a removed line with an added one where they meet,
/// else with a gap.
fn align<'a>(l: &[&'a str], r: &[&'a str]) -> Vec<(Option<&'a str>, Option<&'a str>)> {
    // lcs[i][j]: length of the longest common subsequence of l[i..] and r[j..].
    let mut lcs = vec![vec![0u32; r.len() + 1]; l.len() + 1];
    for i in (0..l.len()).rev() {
        for j in (0..r.len()).rev() {
            lcs[i][j] = if l[i] == r[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut rows = Vec::new();
    let (mut removed, mut added): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    let flush = |rows: &mut Vec<_>, removed: &mut Vec<&'a str>, added: &mut Vec<&'a str>| {
        let n = removed.len().max(added.len());
        for k in 0..n {
            rows.push((removed.get(k).copied(), added.get(k).copied()));
        }
        removed.clear();
        added.clear();
    };
    while i < l.len() || j < r.len() {
        if i < l.len() && j < r.len() && l[i] == r[j] {
            flush(&mut rows, &mut removed, &mut added);
            rows.push((Some(l[i]), Some(r[j])));
            i += 1;
            j += 1;
        } else if j < r.len() && (i == l.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            added.push(r[j]);
            j += 1;
        } else {
            removed.push(l[i]);
            i += 1;
        }
    }
    flush(&mut rows, &mut removed, &mut added);
    rows
}

/// An `AWS.AppConfig.FeatureFlags` document as a table: each flag, whether it is enabled, its
/// attribute values and its variants.
fn flags_table(caption: &str, content: &Bytes) -> String {
    let mut h = Html::default();
    let Ok(doc) = serde_json::from_slice::<Value>(content) else {
        return format!("<p class=\"muted\">{}: not JSON</p>", E(caption));
    };
    let empty = serde_json::Map::new();
    let flags = doc.get("flags").and_then(Value::as_object).unwrap_or(&empty);
    let values = doc.get("values").and_then(Value::as_object).unwrap_or(&empty);
    put!(
        h,
        "<div class=\"table-wrap\"><table class=\"flags\"><caption>{}</caption><thead><tr><th scope=\"col\">Flag</th><th scope=\"col\">Enabled</th><th scope=\"col\">Attributes</th><th scope=\"col\">Variants</th></tr></thead><tbody>",
        E(caption)
    );
    for (key, flag) in flags {
        let value = values.get(key).and_then(Value::as_object);
        let enabled = value
            .and_then(|v| v.get("enabled"))
            .and_then(Value::as_bool)
            .map_or("—", |e| if e { "yes" } else { "no" });
        let attributes: Vec<String> = value
            .map(|v| {
                v.iter()
                    .filter(|(k, _)| *k != "enabled" && !k.starts_with('_'))
                    .map(|(k, v)| format!("{k} = {v}"))
                    .collect()
            })
            .unwrap_or_default();
        let variants: Vec<String> = value
            .and_then(|v| v.get("_variants"))
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|variant| {
                        let name = variant.get("name").and_then(Value::as_str).unwrap_or("?");
                        match variant.get("rule").and_then(Value::as_str) {
                            Some(rule) => format!("{name} ({rule})"),
                            None => name.to_owned(),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let name = flag.get("name").and_then(Value::as_str).unwrap_or(key);
        put!(
            h,
            "<tr><th scope=\"row\">{}<div class=\"muted mono\">{}</div></th><td>{}</td><td>{}</td><td>{}</td></tr>",
            E(name),
            E(key),
            enabled,
            E(&attributes.join(", ")),
            E(&variants.join(", "))
        );
    }
    h.raw("</tbody></table></div>");
    h.0
}

fn editor(
    base: &str,
    session: &Session,
    profile: &ConfigurationProfile,
    latest: Option<&ramp_domain::entities::HostedVersion>,
    draft: Option<&VersionForm>,
    problem: Option<&Problem>,
) -> String {
    let (content, content_type) = match (draft, latest) {
        (Some(d), _) => (d.content.clone(), d.content_type.clone()),
        (None, Some(v)) => (pretty(&v.content), v.info.content_type.clone()),
        (None, None) => {
            let content = if profile.is_feature_flags() {
                "{\n  \"version\": \"1\",\n  \"flags\": {},\n  \"values\": {}\n}".to_owned()
            } else {
                "{}".to_owned()
            };
            (content, "application/json".to_owned())
        }
    };
    let mut h = Html::default();
    h.raw("<section aria-labelledby=\"editor-h\"><h2 id=\"editor-h\">New version</h2>");
    put!(
        h,
        "<form class=\"card\" method=\"post\" action=\"{base}/versions\" id=\"version-form\">{}",
        csrf_field(&session.csrf)
    );
    h.raw(
        "<p class=\"muted\">Starts from the newest version. The profile's validators check it before it is stored.</p>",
    );
    let invalid = if problem.is_some() {
        " aria-invalid=\"true\" aria-describedby=\"editor-error\""
    } else {
        ""
    };
    put!(
        h,
        "<label for=\"content\">Document</label><textarea id=\"content\" name=\"content\" rows=\"16\" spellcheck=\"false\"{invalid}>{}</textarea>",
        E(&content)
    );
    if let Some(problem) = problem {
        put!(h, "<div id=\"editor-error\">{}</div>", problem.render());
    }
    let draft = draft.map_or(("", ""), |d| (d.description.as_str(), d.version_label.as_str()));
    put!(
        h,
        "<div class=\"fields\"><div><label for=\"content_type\">Content type</label><input id=\"content_type\" name=\"content_type\" value=\"{}\" required></div>\
         <div><label for=\"description\">Description (optional)</label><input id=\"description\" name=\"description\" value=\"{}\"></div>\
         <div><label for=\"version_label\">Version label (optional)</label><input id=\"version_label\" name=\"version_label\" value=\"{}\"></div></div>\
         <button type=\"submit\" class=\"primary\">Create version</button></form></section>",
        E(&content_type),
        E(draft.0),
        E(draft.1)
    );
    h.0
}

/// `POST …/profiles/{p}/versions`: a JSON document must parse, the profile's validators must
/// pass, then CreateHostedConfigurationVersion's operation stores it (feature flags are
/// checked there, as over the API).
pub async fn create_version(
    State(state): State<Arc<AppState>>,
    Extension(session): Extension<Session>,
    Path((region, app, profile)): ProfilePath,
    Form(form): Form<VersionForm>,
) -> Response {
    let scope = scope(&state, &region);
    let content = Bytes::from(form.content.replace("\r\n", "\n"));
    let checked = async {
        if form.content_type.contains("json")
            && let Err(e) = serde_json::from_slice::<Value>(&content)
        {
            return Err(Problem::bad_request(format!(
                "The document is not valid JSON: {e} (line {}, column {}).",
                e.line(),
                e.column()
            )));
        }
        state
            .appconfig
            .validate_draft(&scope, &app, &profile, &content)
            .await
            .map_err(Problem::from_domain)?;
        let request = NewHostedVersionRequest {
            description: Some(form.description.trim().to_owned()).filter(|d| !d.is_empty()),
            content: content.clone(),
            content_type: form.content_type.trim().to_owned(),
            latest_version_number: None,
            version_label: Some(form.version_label.trim().to_owned()).filter(|l| !l.is_empty()),
        };
        state
            .appconfig
            .create_hosted_version(&scope, &app, &profile, request)
            .await
            .map_err(Problem::from_domain)
    }
    .await;
    match checked {
        Ok(version) => see_other(&format!(
            "/_ramp/ui/{}/apps/{}/profiles/{}?b={}",
            U(&region),
            U(&app),
            U(&profile),
            version.info.version_number
        )),
        Err(problem) => {
            render(
                &state,
                &session,
                &region,
                &app,
                &profile,
                &DiffQuery::default(),
                Some(&form),
                Some(&problem),
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_flags_show_as_a_table_of_flags_variants_and_attributes() {
        let doc = Bytes::from(
            serde_json::json!({
                "version": "1",
                "flags": {
                    "checkout": { "name": "New checkout", "attributes": { "limit": { "constraints": { "type": "number" } } } },
                    "banner": { "name": "Banner <b>" }
                },
                "values": {
                    "checkout": { "enabled": true, "limit": 3, "_variants": [
                        { "name": "wide", "enabled": true, "rule": "(eq $tier \"gold\")" },
                        { "name": "default", "enabled": false }
                    ]},
                    "banner": { "enabled": false }
                }
            })
            .to_string(),
        );
        let table = flags_table("Flags in version 1", &doc);
        assert!(table.contains("New checkout"), "{table}");
        assert!(table.contains("<td>yes</td><td>limit = 3</td>"), "{table}");
        assert!(table.contains("wide ((eq $tier &quot;gold&quot;)), default"), "{table}");
        assert!(
            table.contains("Banner &lt;b&gt;") && table.contains("<td>no</td>"),
            "{table}"
        );
    }

    #[test]
    fn aligns_changed_lines_side_by_side() {
        let rows = align(&["{", "a", "b", "}"], &["{", "a", "c", "d", "}"]);
        assert_eq!(
            rows,
            [
                (Some("{"), Some("{")),
                (Some("a"), Some("a")),
                (Some("b"), Some("c")),
                (None, Some("d")),
                (Some("}"), Some("}")),
            ]
        );
    }
}
