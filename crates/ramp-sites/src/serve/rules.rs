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

use std::fmt;

use http::StatusCode;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

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

#[derive(Debug)]
enum Matcher {
    /// A path pattern with `<*>` and `<name>` placeholders, plus query pins.
    Path {
        pattern: regex::Regex,
        /// The name of each capture group of `pattern`, in order (`*` for `<*>`).
        names: Vec<String>,
        query: Vec<QueryPin>,
    },
    Regex(Box<fancy_regex::Regex>),
    /// A lowercase host.
    Domain(String),
    /// A rule with a country condition: never matches without GeoIP.
    Never,
}

#[derive(Debug)]
struct QueryPin {
    key: String,
    value: PinValue,
}

#[derive(Debug)]
enum PinValue {
    Literal(String),
    Bind(String),
}

#[derive(Debug)]
struct Target {
    absolute: bool,
    path: Vec<Part>,
    /// Everything after the first `?` of the target, if it has one.
    query: Option<Vec<Part>>,
}

#[derive(Debug)]
enum Part {
    Literal(String),
    /// A value the source captured, by name.
    Capture(String),
}

/// Characters a `Location` cannot carry as they are: controls, space, non-ASCII (encoded by the
/// function itself) and the few ASCII characters a URI never contains unencoded.
const LOCATION: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');
/// A captured value put into a path: it must stay one piece of text.
const CAPTURED_PATH: &AsciiSet = &LOCATION.add(b'%').add(b'?').add(b'#');
/// A captured value put into a query.
const CAPTURED_QUERY: &AsciiSet = &CAPTURED_PATH.add(b'&').add(b'=').add(b'+');

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

/// Values captured by a match, by name.
type Captures = Vec<(String, String)>;

impl Matcher {
    /// The matcher of a source and whether it pins query parameters.
    fn new(source: &str) -> Result<(Matcher, bool), String> {
        if let Some(inner) = source.strip_prefix("</").and_then(|s| s.strip_suffix("/>")) {
            let regex = fancy_regex::Regex::new(inner).map_err(|e| format!("invalid regex: {e}"))?;
            return Ok((Matcher::Regex(Box::new(regex)), false));
        }
        if let Some(rest) = strip_scheme(source) {
            return Ok((Matcher::Domain(domain_of(rest)?), false));
        }
        if !source.starts_with('/') {
            return Err("the source must be a path starting with /, a </regex/> or an https:// domain".to_owned());
        }
        let (path, query) = match source.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (source, None),
        };
        let mut names = Vec::new();
        let mut pattern = String::from("^");
        for piece in placeholders(path) {
            match piece {
                Piece::Text(text) => pattern.push_str(&regex::escape(text)),
                Piece::Placeholder("*") => {
                    pattern.push_str("(.*)");
                    names.push("*".to_owned());
                }
                Piece::Placeholder(name) => {
                    pattern.push_str("([^/]+)");
                    names.push(name.to_owned());
                }
            }
        }
        pattern.push('$');
        let pattern = regex::Regex::new(&pattern).map_err(|e| format!("cannot compile the source: {e}"))?;
        let query = query.map(query_pins).unwrap_or_default();
        let pins = !query.is_empty();
        Ok((Matcher::Path { pattern, names, query }, pins))
    }

    fn captures(&self, input: &RuleInput<'_>) -> Option<Captures> {
        match self {
            Matcher::Never => None,
            // A regex that exceeds fancy-regex's backtracking limit does not match.
            Matcher::Regex(regex) => regex.is_match(input.path).ok()?.then(Vec::new),
            Matcher::Domain(domain) => input
                .host
                .is_some_and(|host| host.eq_ignore_ascii_case(domain))
                .then(Vec::new),
            Matcher::Path { pattern, names, query } => {
                if names.is_empty() && query.is_empty() {
                    return pattern.is_match(input.path).then(Vec::new);
                }
                let found = pattern.captures(input.path)?;
                let mut captures: Captures = names
                    .iter()
                    .zip(found.iter().skip(1))
                    .map(|(name, value)| (name.clone(), value.map_or("", |m| m.as_str()).to_owned()))
                    .collect();
                for pin in query {
                    let value = query_value(input.raw_query?, &pin.key)?;
                    match &pin.value {
                        PinValue::Literal(expected) if *expected == value => {}
                        PinValue::Literal(_) => return None,
                        PinValue::Bind(name) => captures.push((name.clone(), value)),
                    }
                }
                Some(captures)
            }
        }
    }

    fn captures_name(&self, name: &str) -> bool {
        match self {
            Matcher::Path { names, query, .. } => {
                names.iter().any(|n| n == name)
                    || query
                        .iter()
                        .any(|pin| matches!(&pin.value, PinValue::Bind(n) if n == name))
            }
            _ => false,
        }
    }
}

impl Target {
    fn new(target: &str, matcher: &Matcher) -> Target {
        let absolute = strip_scheme(target).is_some();
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (target, None),
        };
        let parts = |text: &str| {
            placeholders(text)
                .map(|piece| match piece {
                    Piece::Placeholder(name) if matcher.captures_name(name) => Part::Capture(name.to_owned()),
                    Piece::Placeholder(name) => Part::Literal(format!("<{name}>")),
                    Piece::Text(text) => Part::Literal(text.to_owned()),
                })
                .collect()
        };
        Target {
            absolute,
            path: parts(path),
            query: query.map(parts),
        }
    }

    /// The decoded site path to serve (the target's query, if any, plays no part).
    fn site_path(&self, captures: &Captures) -> String {
        let mut path = String::new();
        for part in &self.path {
            match part {
                Part::Literal(text) => path.push_str(text),
                Part::Capture(name) => path.push_str(captured(captures, name)),
            }
        }
        path
    }

    fn location(&self, captures: &Captures) -> String {
        let mut location = String::new();
        render(&mut location, &self.path, captures, CAPTURED_PATH);
        if let Some(query) = &self.query {
            location.push('?');
            render(&mut location, query, captures, CAPTURED_QUERY);
        }
        location
    }
}

fn render(out: &mut String, parts: &[Part], captures: &Captures, captured_set: &'static AsciiSet) {
    for part in parts {
        let encoded = match part {
            Part::Literal(text) => utf8_percent_encode(text, LOCATION),
            Part::Capture(name) => utf8_percent_encode(captured(captures, name), captured_set),
        };
        out.extend(encoded);
    }
}

fn captured<'c>(captures: &'c Captures, name: &str) -> &'c str {
    captures
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, value)| value.as_str())
}

fn strip_scheme(text: &str) -> Option<&str> {
    let lower = text.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    if lower.starts_with("https://") {
        text.get(8..)
    } else if lower.starts_with("http://") {
        text.get(7..)
    } else {
        None
    }
}

/// The lowercase host of a domain source (`example.com`, `example.com/`, `example.com:8443`).
fn domain_of(rest: &str) -> Result<String, String> {
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if !path.is_empty() {
        return Err("a domain source cannot have a path (only https://domain is supported)".to_owned());
    }
    let host = authority.rsplit_once(':').map_or(authority, |(host, _port)| host);
    let valid = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if !valid {
        return Err(format!("{authority:?} is not a domain name"));
    }
    Ok(host.to_ascii_lowercase())
}

fn query_pins(query: &str) -> Vec<QueryPin> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = match placeholder_name(value) {
                Some(name) => PinValue::Bind(name.to_owned()),
                None => PinValue::Literal(value.to_owned()),
            };
            QueryPin {
                key: key.to_owned(),
                value,
            }
        })
        .collect()
}

/// The decoded value of the first `key` parameter of a raw query.
fn query_value(raw_query: &str, key: &str) -> Option<String> {
    raw_query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if percent_decode_str(k).decode_utf8().ok()? != key {
            return None;
        }
        percent_decode_str(v).decode_utf8().ok().map(|v| v.into_owned())
    })
}

enum Piece<'a> {
    Text(&'a str),
    Placeholder(&'a str),
}

/// Splits text into literal text and `<name>` / `<*>` placeholders.
fn placeholders(mut text: &str) -> impl Iterator<Item = Piece<'_>> {
    std::iter::from_fn(move || {
        if text.is_empty() {
            return None;
        }
        let mut search = 0;
        while let Some(open) = text.get(search..).and_then(|t| t.find('<')).map(|i| i + search) {
            let rest = text.get(open..).unwrap_or_default();
            if let Some(close) = rest.find('>')
                && let Some(name) = placeholder_name(rest.get(..=close).unwrap_or_default())
            {
                if open > 0 {
                    let (before, _) = text.split_at(open);
                    text = rest;
                    return Some(Piece::Text(before));
                }
                text = rest.get(close + 1..).unwrap_or_default();
                return Some(Piece::Placeholder(name));
            }
            search = open + 1;
        }
        let all = text;
        text = "";
        Some(Piece::Text(all))
    })
}

/// `name` for `<name>` (letters, digits, `_`, `-`) or `*` for `<*>`.
fn placeholder_name(text: &str) -> Option<&str> {
    let name = text.strip_prefix('<')?.strip_suffix('>')?;
    let valid = name == "*"
        || (!name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')));
    valid.then_some(name)
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
