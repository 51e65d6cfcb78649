//! Collecting violations and naming locations.

use serde_json::{Map, Value};

use crate::{TYPE_MALFORMED, TYPE_NOT_SATISFIED, Violation};

/// The single violation for content that is not JSON (or, for output, cannot be serialised).
pub(crate) fn malformed(error: &serde_json::Error) -> Violation {
    Violation {
        constraint: "json".to_owned(),
        location: String::new(),
        reason: format!("Content is not a valid JSON document: {error}"),
        r#type: TYPE_MALFORMED.to_owned(),
        value: String::new(),
    }
}

/// `parent.child`, or just `child` at the document root.
pub(crate) fn join(parent: &str, child: impl std::fmt::Display) -> String {
    if parent.is_empty() {
        child.to_string()
    } else {
        format!("{parent}.{child}")
    }
}

/// The `Value` field of a violation: strings verbatim (the way AWS echoes them), anything else as
/// compact JSON.
pub(crate) fn render(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Object keys in sorted order, so violations come out in the same order whatever map
/// implementation serde_json was built with (`preserve_order` may be enabled by another crate).
pub(crate) fn sorted_keys(object: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = object.keys().collect();
    keys.sort();
    keys
}

/// The JSON type name used in "expected X, found Y" reasons.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Accumulates violations in the order the checks run.
#[derive(Default)]
pub(crate) struct Report {
    violations: Vec<Violation>,
}

impl Report {
    pub(crate) fn push(&mut self, constraint: &str, location: &str, reason: String, value: &Value) {
        self.violations.push(Violation {
            constraint: constraint.to_owned(),
            location: location.to_owned(),
            reason,
            r#type: TYPE_NOT_SATISFIED.to_owned(),
            value: render(value),
        });
    }

    /// A required member is absent: there is no value to echo.
    pub(crate) fn missing(&mut self, location: &str, what: &str) {
        self.push(
            "required",
            location,
            format!("{what} is required"),
            &Value::String(String::new()),
        );
    }

    /// `value` is not of the JSON type the schema asks for.
    pub(crate) fn wrong_type(&mut self, location: &str, expected: &str, value: &Value) {
        let found = type_name(value);
        self.push("type", location, format!("expected {expected}, found {found}"), value);
    }

    /// A member the schema does not allow (`additionalProperties: false`).
    pub(crate) fn unknown_key(&mut self, location: &str, allowed: &str, value: &Value) {
        self.push(
            "additionalProperties",
            location,
            format!("unknown property; allowed properties are {allowed}"),
            value,
        );
    }

    pub(crate) fn into_violations(self) -> Vec<Violation> {
        self.violations
    }

    pub(crate) fn into_result(self) -> Result<(), Vec<Violation>> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(self.violations)
        }
    }
}

/// Checks the type of an optional object member and returns it when it has that type.
pub(crate) fn expect_object<'a>(
    report: &mut Report,
    location: &str,
    value: &'a Value,
) -> Option<&'a Map<String, Value>> {
    match value {
        Value::Object(object) => Some(object),
        other => {
            report.wrong_type(location, "object", other);
            None
        }
    }
}

/// String lengths in the published schema are JSON Schema `maxLength`s, which count characters
/// (code points), not bytes.
pub(crate) fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// Checks an optional string member against `maxLength`.
pub(crate) fn check_string(report: &mut Report, location: &str, value: &Value, max_len: usize) {
    match value {
        Value::String(text) if char_len(text) > max_len => report.push(
            "maxLength",
            location,
            format!("must be at most {max_len} characters long"),
            value,
        ),
        Value::String(_) => {}
        other => report.wrong_type(location, "string", other),
    }
}
