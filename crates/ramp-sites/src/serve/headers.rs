//! Custom headers (spec amplify.md §8.5): the app's `customHeaders` YAML, or the artifact's own
//! `customHttp.yml`, which replaces the app's entirely when the deploy has one.
//!
//! Decisions:
//! * Both the plain form (`customHeaders: [{pattern, headers: [{key, value}]}]`) and the monorepo
//!   form (`applications: [{appRoot, customHeaders}]`) are read; in the monorepo form the entry
//!   whose `appRoot` is the site's (`SiteSettings::app_root`) applies, or the first when the site
//!   names none.
//! * Patterns are `globset` globs over the site path with a leading `/`; `*` crosses `/` (so
//!   `*.json` matches at any depth) and a pattern not starting with `/` or `*` gets a `/`
//!   prepended. Every matching pattern applies, in order; a later one wins for the same key.
//! * Patterns are matched against the path of the *file served* (after clean URLs and rewrites),
//!   once per deploy, so a request pays no matching; responses without a file (redirects, the
//!   plain 404, OPTIONS) match against the request path.
//! * Keys that would break framing, the connection or tenant isolation are refused when the
//!   YAML is compiled: hop-by-hop headers, `Content-Length`, `Content-Encoding`,
//!   `Content-Range`, `Transfer-Encoding`, `Set-Cookie`, `WWW-Authenticate`.

use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use http::{HeaderName, HeaderValue};
use serde::Deserialize;

/// Headers chosen for one response: applied last, so they replace ramp's defaults.
pub type HeaderList = Arc<[(HeaderName, HeaderValue)]>;

/// Custom headers YAML that cannot be used, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("custom headers: {0}")]
pub struct HeadersError(pub String);

/// Compiled header rules.
#[derive(Debug, Default)]
pub struct HeaderRules {
    globs: GlobSet,
    /// The headers of each glob of `globs`, by index.
    headers: Vec<Vec<(HeaderName, HeaderValue)>>,
}

/// Checks custom headers YAML in either form (the server calls this at CreateApp/UpdateApp and
/// when ingesting a `customHttp.yml`). Every `applications` entry is checked.
pub fn validate(yaml: &str) -> Result<(), HeadersError> {
    let document = parse(yaml)?;
    compile_entries(&document.custom_headers)?;
    for application in &document.applications {
        compile_entries(&application.custom_headers)?;
    }
    Ok(())
}

/// Compiles custom headers YAML for a site whose monorepo app root is `app_root`.
pub fn compile(yaml: &str, app_root: Option<&str>) -> Result<HeaderRules, HeadersError> {
    let document = parse(yaml)?;
    if !document.custom_headers.is_empty() || document.applications.is_empty() {
        return compile_entries(&document.custom_headers);
    }
    let trimmed = |root: &str| root.trim_matches('/').to_owned();
    let chosen = match app_root {
        Some(root) => document
            .applications
            .iter()
            .find(|a| a.app_root.as_deref().map(trimmed) == Some(trimmed(root))),
        None => document.applications.first(),
    };
    chosen.map_or_else(|| Ok(HeaderRules::default()), |a| compile_entries(&a.custom_headers))
}

impl HeaderRules {
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty()
    }

    /// The headers for `path` (with a leading `/`), later patterns overriding earlier ones.
    pub fn for_path(&self, path: &str) -> Vec<(HeaderName, HeaderValue)> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut chosen: Vec<(HeaderName, HeaderValue)> = Vec::new();
        // `matches` returns indexes in ascending order, i.e. the order of the YAML.
        for index in self.globs.matches(path) {
            for (name, value) in self.headers.get(index).into_iter().flatten() {
                chosen.retain(|(existing, _)| existing != name);
                chosen.push((name.clone(), value.clone()));
            }
        }
        chosen
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    #[serde(default)]
    custom_headers: Vec<Entry>,
    #[serde(default)]
    applications: Vec<Application>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Application {
    app_root: Option<String>,
    #[serde(default)]
    custom_headers: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    pattern: String,
    #[serde(default)]
    headers: Vec<KeyValue>,
}

#[derive(Debug, Deserialize)]
struct KeyValue {
    key: String,
    value: Scalar,
}

/// A header value as YAML may write it: `max-age=3600`, `3600` or `true` are all text to us.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
}

impl Scalar {
    fn to_text(&self) -> String {
        match self {
            Scalar::Text(text) => text.clone(),
            Scalar::Integer(n) => n.to_string(),
            Scalar::Float(x) => x.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}

fn parse(yaml: &str) -> Result<Document, HeadersError> {
    if yaml.trim().is_empty() {
        return Ok(Document::default());
    }
    serde_saphyr::from_str(yaml).map_err(|e| HeadersError(format!("invalid YAML: {e}")))
}

fn compile_entries(entries: &[Entry]) -> Result<HeaderRules, HeadersError> {
    let mut globs = GlobSetBuilder::new();
    let mut headers = Vec::with_capacity(entries.len());
    for entry in entries {
        let pattern = entry.pattern.trim();
        let anchored = if pattern.starts_with('/') || pattern.starts_with('*') {
            pattern.to_owned()
        } else {
            format!("/{pattern}")
        };
        let glob = Glob::new(&anchored)
            .map_err(|e| HeadersError(format!("pattern {:?} is not a valid glob: {e}", entry.pattern)))?;
        globs.add(glob);
        let mut list = Vec::with_capacity(entry.headers.len());
        for header in &entry.headers {
            list.push(compile_header(&entry.pattern, &header.key, &header.value.to_text())?);
        }
        headers.push(list);
    }
    let globs = globs
        .build()
        .map_err(|e| HeadersError(format!("cannot compile the patterns: {e}")))?;
    Ok(HeaderRules { globs, headers })
}

/// Header names a site may not set (spec §8.5 recommendation, plus the framing headers ramp
/// computes itself).
const REFUSED: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "content-encoding",
    "content-range",
    "set-cookie",
    "www-authenticate",
];

fn compile_header(pattern: &str, key: &str, value: &str) -> Result<(HeaderName, HeaderValue), HeadersError> {
    let name = HeaderName::from_bytes(key.trim().as_bytes())
        .map_err(|_| HeadersError(format!("pattern {pattern:?}: {key:?} is not a valid header name")))?;
    if REFUSED.contains(&name.as_str()) {
        return Err(HeadersError(format!(
            "pattern {pattern:?}: header {key:?} cannot be set by a site"
        )));
    }
    let value = HeaderValue::from_str(value.trim()).map_err(|_| {
        HeadersError(format!(
            "pattern {pattern:?}: the value of {key:?} is not a valid header value"
        ))
    })?;
    Ok((name, value))
}
