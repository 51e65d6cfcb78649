//! Validation of a deployment-time feature-flag document (spec §12.1).
//!
//! Hand-written rather than a run of the published JSON Schema through a validator, because:
//! the published schema has holes that AWS does not actually have (`maxLength` on arrays, which
//! JSON Schema ignores; a `oneOf` that rejects the empty array), the semantic rules (values refer to
//! declared flags and attributes and satisfy their constraints, default variant last) are not
//! expressible in it anyway, and hand-written checks give one violation per problem with a precise
//! location instead of a cascade of `oneOf` branch failures.
//!
//! Checks run in document order `version`, `flags`, `values` with keys sorted inside each object,
//! and every check runs even after earlier failures, so all problems are reported at once.

mod values;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::Violation;
use crate::constraints::{self, Constraints};
use crate::report::{Report, char_len, check_string, expect_object, join, sorted_keys};

/// `customerDefinedDescription`: `maxLength: 1024`.
const MAX_DESCRIPTION: usize = 1024;
/// `attributeDefinitions`: `maxProperties: 25`.
pub(crate) const MAX_ATTRIBUTES: usize = 25;
/// The key pattern for flags and attributes, as published: `^[a-z][a-zA-Z\d_-]{0,63}$`.
const KEY_PATTERN: &str = r"^[a-z][a-zA-Z\d_-]{0,63}$";

/// What the values section needs to know about one declared flag: its attributes and their
/// constraints (`None` when the attribute declares no usable constraints, so any well-shaped
/// value is accepted).
#[derive(Default)]
pub(crate) struct FlagInfo {
    attributes: BTreeMap<String, Option<Constraints>>,
}

pub(crate) fn validate(document: &Value) -> Result<(), Vec<Violation>> {
    let mut report = Report::default();
    let Value::Object(root) = document else {
        report.wrong_type("", "object", document);
        return report.into_result();
    };

    match root.get("version") {
        None => report.missing("version", "version"),
        Some(Value::String(version)) if version == "1" => {}
        Some(other) => report.push("enum", "version", "must be \"1\"".to_owned(), other),
    }
    for key in sorted_keys(root) {
        if !matches!(key.as_str(), "version" | "flags" | "values") {
            report.unknown_key(key, "version, flags, values", &root[key.as_str()]);
        }
    }

    // `flags` and `values` are optional in the published schema (only `version` is required).
    let flags = root
        .get("flags")
        .and_then(|flags| expect_object(&mut report, "flags", flags))
        .map(|flags| check_flags(&mut report, flags))
        .unwrap_or_default();
    let values = root
        .get("values")
        .and_then(|values| expect_object(&mut report, "values", values));
    values::check(&mut report, values, &flags);

    report.into_result()
}

/// Whether `key` is a valid flag or attribute key (`KEY_PATTERN`). `\d` is ASCII-only in the
/// ECMA-262 dialect the schema is written in.
pub(crate) fn is_valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|first| first.is_ascii_lowercase())
        && key.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Reports a key that does not match `KEY_PATTERN` (the schema's `patternProperties` plus
/// `additionalProperties: false`). Returns whether the key is valid.
pub(crate) fn check_key(report: &mut Report, location: &str, key: &str) -> bool {
    let valid = is_valid_key(key);
    if !valid {
        let reason = format!("key must match {KEY_PATTERN}");
        report.push("pattern", location, reason, &Value::String(key.to_owned()));
    }
    valid
}

/// `customerDefinedName`: `^[^\n]{1,64}$`.
pub(crate) fn check_name(report: &mut Report, location: &str, value: &Value) {
    match value {
        Value::String(name) if (1..=64).contains(&char_len(name)) && !name.contains('\n') => {}
        Value::String(_) => {
            let reason = "must be 1 to 64 characters long without line breaks".to_owned();
            report.push("pattern", location, reason, value);
        }
        other => report.wrong_type(location, "string", other),
    }
}

/// `_createdAt` / `_updatedAt` are plain strings in the schema; clients that re-submit a stored
/// version send them back, so they are accepted (and then overwritten, see `metadata`).
pub(crate) fn check_timestamp(report: &mut Report, location: &str, value: &Value) {
    if !value.is_string() {
        report.wrong_type(location, "string", value);
    }
}

fn check_flags(report: &mut Report, flags: &Map<String, Value>) -> BTreeMap<String, FlagInfo> {
    let mut declared = BTreeMap::new();
    for key in sorted_keys(flags) {
        let location = join("flags", key);
        if !check_key(report, &location, key) {
            continue;
        }
        let Some(definition) = expect_object(report, &location, &flags[key.as_str()]) else {
            // Still declared: its values entry is then judged on its own merits.
            declared.insert(key.clone(), FlagInfo::default());
            continue;
        };
        declared.insert(key.clone(), check_flag(report, &location, definition));
    }
    declared
}

/// `flagDefinition`. `name` is optional: the published schema has no `required` list for a flag
/// definition (spec §12.1 lists `name` first, but does not call it required).
fn check_flag(report: &mut Report, location: &str, definition: &Map<String, Value>) -> FlagInfo {
    let mut info = FlagInfo::default();
    for key in sorted_keys(definition) {
        let member = join(location, key);
        let value = &definition[key.as_str()];
        match key.as_str() {
            "name" => check_name(report, &member, value),
            "description" => check_string(report, &member, value, MAX_DESCRIPTION),
            "_createdAt" | "_updatedAt" => check_timestamp(report, &member, value),
            "_deprecation" => check_deprecation(report, &member, value),
            "attributes" => {
                if let Some(attributes) = expect_object(report, &member, value) {
                    info.attributes = check_attributes(report, &member, attributes);
                }
            }
            _ => report.unknown_key(
                &member,
                "name, description, _createdAt, _updatedAt, _deprecation, attributes",
                value,
            ),
        }
    }
    info
}

/// `_deprecation`: `{status: "planned", date: <format date>}`, both optional, nothing else.
fn check_deprecation(report: &mut Report, location: &str, value: &Value) {
    let Some(deprecation) = expect_object(report, location, value) else {
        return;
    };
    for key in sorted_keys(deprecation) {
        let member = join(location, key);
        let value = &deprecation[key.as_str()];
        match (key.as_str(), value) {
            ("status", Value::String(status)) if status == "planned" => {}
            ("status", Value::String(_)) => {
                report.push("enum", &member, "must be \"planned\"".to_owned(), value);
            }
            ("date", Value::String(date)) if is_date(date) => {}
            ("date", Value::String(_)) => {
                let reason = "must be a calendar date formatted YYYY-MM-DD".to_owned();
                report.push("format", &member, reason, value);
            }
            ("status" | "date", other) => report.wrong_type(&member, "string", other),
            _ => report.unknown_key(&member, "status, date", value),
        }
    }
}

/// JSON Schema `format: date` (RFC 3339 full-date): `YYYY-MM-DD` naming a real day.
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok())?
    };
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day)
}

/// `attributeDefinitions`: at most 25, keys matching `KEY_PATTERN`, each `{description, constraints}`.
fn check_attributes(
    report: &mut Report,
    location: &str,
    attributes: &Map<String, Value>,
) -> BTreeMap<String, Option<Constraints>> {
    if attributes.len() > MAX_ATTRIBUTES {
        let reason = format!("a flag can declare at most {MAX_ATTRIBUTES} attributes");
        let count = Value::from(attributes.len());
        report.push("maxProperties", location, reason, &count);
    }
    let mut declared = BTreeMap::new();
    for key in sorted_keys(attributes) {
        let attribute_location = join(location, key);
        if !check_key(report, &attribute_location, key) {
            continue;
        }
        let mut parsed = None;
        if let Some(attribute) = expect_object(report, &attribute_location, &attributes[key.as_str()]) {
            for member in sorted_keys(attribute) {
                let member_location = join(&attribute_location, member);
                let value = &attribute[member.as_str()];
                match member.as_str() {
                    "description" => check_string(report, &member_location, value, MAX_DESCRIPTION),
                    "constraints" => parsed = constraints::parse(report, &member_location, value, false),
                    _ => report.unknown_key(&member_location, "description, constraints", value),
                }
            }
        }
        declared.insert(key.clone(), parsed);
    }
    declared
}

#[cfg(test)]
mod tests {
    use super::{is_date, is_valid_key};

    #[test]
    fn keys_follow_the_published_pattern() {
        assert!(is_valid_key("a"));
        assert!(is_valid_key("my_flag-2"));
        assert!(is_valid_key(&format!("a{}", "b".repeat(63))));
        assert!(!is_valid_key(&format!("a{}", "b".repeat(64))));
        assert!(!is_valid_key(""));
        assert!(!is_valid_key("Flag"));
        assert!(!is_valid_key("1flag"));
        assert!(!is_valid_key("my.flag"));
        assert!(!is_valid_key("émoji"));
    }

    #[test]
    fn dates_must_be_real_days() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2024-13-01"));
        assert!(!is_date("2024-1-01"));
        assert!(!is_date("24-01-01xx"));
    }
}
