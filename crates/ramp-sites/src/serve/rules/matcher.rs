//! Matching a rule's source against a request and filling in its target (spec amplify.md §8.3).

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use super::RuleInput;

#[derive(Debug)]
pub(super) enum Matcher {
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
pub(super) struct QueryPin {
    key: String,
    value: PinValue,
}

#[derive(Debug)]
pub(super) enum PinValue {
    Literal(String),
    Bind(String),
}

#[derive(Debug)]
pub(super) struct Target {
    pub(super) absolute: bool,
    path: Vec<Part>,
    /// Everything after the first `?` of the target, if it has one.
    pub(super) query: Option<Vec<Part>>,
}

#[derive(Debug)]
pub(super) enum Part {
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

/// Values captured by a match, by name.
pub(super) type Captures = Vec<(String, String)>;

impl Matcher {
    /// The matcher of a source and whether it pins query parameters.
    pub(super) fn new(source: &str) -> Result<(Matcher, bool), String> {
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

    pub(super) fn captures(&self, input: &RuleInput<'_>) -> Option<Captures> {
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
    pub(super) fn new(target: &str, matcher: &Matcher) -> Target {
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
    pub(super) fn site_path(&self, captures: &Captures) -> String {
        let mut path = String::new();
        for part in &self.path {
            match part {
                Part::Literal(text) => path.push_str(text),
                Part::Capture(name) => path.push_str(captured(captures, name)),
            }
        }
        path
    }

    pub(super) fn location(&self, captures: &Captures) -> String {
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
