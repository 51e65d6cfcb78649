//! Custom rules, redirects and rewrites (spec amplify.md §8.3), compiled once per site.
//!
//! Decisions (where AWS's behaviour is unconfirmed or ramp differs):
//! * `200`, `301` and `302` rules are tried top-down before the static lookup, first match wins;
//!   `404` and `404-200` rules are tried top-down only after it misses (and after a rewrite whose
//!   target is not in the deploy). A `404` rule serves its target with 404, `404-200` with 200.
//! * Sources match the decoded request path (spec §11.3), exactly and case-sensitively: `/docs`
//!   does not match `/docs/`. `<*>` matches any text, `/` included, possibly empty; `<name>`
//!   matches within one segment and is not empty.
//! * `</regex/>` sources use `fancy-regex` (the documented SPA rule has a lookahead) against the
//!   path; their targets take no captures, as on AWS.
//! * A domain source (`https://example.com`) matches the `Host` (port ignored) case-insensitively
//!   whatever the scheme, which ramp cannot see behind a proxy; the request path is appended to
//!   the target.
//! * A rule with a `condition` (a country, `<US>`) never matches: ramp has no GeoIP.
//! * A `200` (or `404`/`404-200`) rule whose target is an absolute `http(s)://` URL would be a
//!   reverse proxy, an SSRF vector (spec §11.4): not supported, answered 404.
//! * A placeholder in a target that the source does not capture is kept as literal text.

mod matcher;

use std::fmt;

use http::StatusCode;

use matcher::{Matcher, Target};

/// A custom rule as the Amplify API carries it (`CustomRule`, spec §3.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub source: String,
    pub target: String,
    pub status: String,
    pub condition: Option<String>,
}

/// A rule that cannot be compiled, named by its position (1-based, as a person counts) and source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("custom rule {number} (source {source_text:?}): {reason}")]
pub struct RuleError {
    pub number: usize,
    /// The rule's `source` (named so that `thiserror` does not take it for a cause).
    pub source_text: String,
    pub reason: String,
}

/// The rules of one site, ready to match.
#[derive(Debug, Default)]
pub struct Rules {
    /// `200`, `301`, `302`: tried before the static lookup.
    before_lookup: Vec<Compiled>,
    /// `404`, `404-200`: tried when the lookup misses.
    after_miss: Vec<Compiled>,
}

/// What the request carries that rules look at.
#[derive(Debug, Clone, Copy)]
pub struct RuleInput<'a> {
    /// Decoded, checked path, starting with `/`.
    pub path: &'a str,
    /// The path as the client sent it (still percent-encoded).
    pub raw_path: &'a str,
    pub raw_query: Option<&'a str>,
    /// Host without its port.
    pub host: Option<&'a str>,
}

/// What a matching rule asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Serve the site path (decoded, starting with `/`) under the requested URL.
    Rewrite(String),
    Redirect {
        status: StatusCode,
        location: String,
    },
    /// A rewrite to an absolute URL: a reverse proxy, which ramp does not do.
    Proxy,
}

/// Compiles `rules`, failing on the first that cannot be (the server calls this to validate
/// `customRules` at CreateApp/UpdateApp time).
pub fn compile(rules: &[Rule]) -> Result<Rules, RuleError> {
    let mut compiled = Rules::default();
    for (index, rule) in rules.iter().enumerate() {
        let error = |reason: String| RuleError {
            number: index + 1,
            source_text: rule.source.clone(),
            reason,
        };
        let one = Compiled::new(rule).map_err(error)?;
        match one.kind {
            Kind::Rewrite | Kind::Redirect(_) => compiled.before_lookup.push(one),
            Kind::NotFound | Kind::NotFoundRewrite => compiled.after_miss.push(one),
        }
    }
    Ok(compiled)
}

impl Rules {
    pub fn is_empty(&self) -> bool {
        self.before_lookup.is_empty() && self.after_miss.is_empty()
    }

    /// The first `200`/`301`/`302` rule matching the request.
    pub fn before_lookup(&self, input: &RuleInput<'_>) -> Option<Action> {
        self.before_lookup.iter().find_map(|rule| rule.apply(input))
    }

    /// The first `404`/`404-200` rule matching the request: the status to answer with and the
    /// site path (or [`Action::Proxy`]) to serve.
    pub fn after_miss(&self, input: &RuleInput<'_>) -> Option<(StatusCode, Action)> {
        self.after_miss.iter().find_map(|rule| {
            let status = match rule.kind {
                Kind::NotFoundRewrite => StatusCode::OK,
                _ => StatusCode::NOT_FOUND,
            };
            rule.apply(input).map(|action| (status, action))
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Rewrite,
    Redirect(StatusCode),
    NotFound,
    NotFoundRewrite,
}

#[derive(Debug)]
struct Compiled {
    kind: Kind,
    matcher: Matcher,
    target: Target,
    /// The source names query parameters: the request's query is then not forwarded (§8.3).
    pins_query: bool,
}

impl Compiled {
    fn new(rule: &Rule) -> Result<Compiled, String> {
        let kind = match rule.status.as_str() {
            "200" => Kind::Rewrite,
            "301" => Kind::Redirect(StatusCode::MOVED_PERMANENTLY),
            "302" => Kind::Redirect(StatusCode::FOUND),
            "404" => Kind::NotFound,
            "404-200" => Kind::NotFoundRewrite,
            other => {
                return Err(format!("status {other:?} is not one of 200, 301, 302, 404, 404-200"));
            }
        };
        if rule.source.is_empty() {
            return Err("the source is empty".to_owned());
        }
        if rule.target.is_empty() {
            return Err("the target is empty".to_owned());
        }
        let (matcher, pins_query) = Matcher::new(&rule.source)?;
        let conditional = rule.condition.as_deref().is_some_and(|c| !c.trim().is_empty());
        let matcher = if conditional { Matcher::Never } else { matcher };
        let target = Target::new(&rule.target, &matcher);
        Ok(Compiled {
            kind,
            matcher,
            target,
            pins_query,
        })
    }

    fn apply(&self, input: &RuleInput<'_>) -> Option<Action> {
        let captures = self.matcher.captures(input)?;
        if self.target.absolute && !matches!(self.kind, Kind::Redirect(_)) {
            return Some(Action::Proxy);
        }
        let Kind::Redirect(status) = self.kind else {
            return Some(Action::Rewrite(self.target.site_path(&captures)));
        };
        let mut location = self.target.location(&captures);
        if matches!(self.matcher, Matcher::Domain(_)) {
            // "Path appended automatically" (§8.3): the target names the new origin.
            while location.ends_with('/') {
                location.pop();
            }
            location.push_str(input.raw_path);
        }
        if let Some(query) = input.raw_query.filter(|q| !q.is_empty())
            && !self.pins_query
            && self.target.query.is_none()
        {
            location.push('?');
            location.push_str(query);
        }
        Some(Action::Redirect { status, location })
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Rewrite(path) => write!(f, "rewrite to {path}"),
            Action::Redirect { status, location } => write!(f, "{} to {location}", status.as_u16()),
            Action::Proxy => f.write_str("reverse proxy (unsupported)"),
        }
    }
}
