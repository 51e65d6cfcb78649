//! Attribute constraints: parsing `flags.<key>.attributes.<attr>.constraints` and checking attribute
//! values against them (spec §12.1; published schema definitions `numberConstraints`,
//! `stringConstraints`, `arrayConstraints`, `boolConstraints`, `elementConstraints`,
//! `attributeValue`).

use serde_json::{Value, json};

use crate::report::{self, Report, char_len, check_string, join};

/// `pattern` and string `enum` items and string attribute values are capped at 1024 characters.
const MAX_STRING: usize = 1024;
/// `stringConstraints.enum` is capped at 100 items (the schema writes `maxLength: 100` on the
/// array, which JSON Schema ignores; spec §12.1 reads it as an item count, and so do we).
const MAX_ENUM_ITEMS: usize = 100;

/// One attribute's parsed constraints.
pub(crate) struct Constraints {
    pub(crate) required: bool,
    kind: Kind,
}

enum Kind {
    Number {
        minimum: Option<f64>,
        maximum: Option<f64>,
    },
    String {
        pattern: Option<Pattern>,
        allowed: Option<Vec<Value>>,
    },
    Array {
        elements: Option<Box<Kind>>,
    },
    Boolean,
}

/// A compiled `constraints.pattern`. The schema applies it as a JSON Schema `pattern`, i.e. an
/// unanchored ECMA-262 regex, which is exactly what a one-keyword jsonschema validator evaluates.
struct Pattern {
    source: String,
    validator: jsonschema::Validator,
}

impl Pattern {
    fn compile(source: &str) -> Option<Self> {
        let schema = json!({ "type": "string", "pattern": source });
        let validator = jsonschema::validator_for(&schema).ok()?;
        Some(Self {
            source: source.to_owned(),
            validator,
        })
    }
}

/// Parses a `constraints` object, reporting every schema violation in it. Returns what could be
/// understood (so attribute values can still be checked) or `None` when even the type is unknown.
/// `element` restricts the types to those `arrayConstraints.elements` allows (number, string).
pub(crate) fn parse(report: &mut Report, location: &str, value: &Value, element: bool) -> Option<Constraints> {
    let object = report::expect_object(report, location, value)?;
    let type_location = join(location, "type");
    let allowed_types: &[&str] = if element {
        &["number", "string"]
    } else {
        &["number", "string", "array", "boolean"]
    };
    let type_name = match object.get("type") {
        None => {
            report.missing(&type_location, "constraints.type");
            return None;
        }
        Some(Value::String(name)) if allowed_types.contains(&name.as_str()) => name.as_str(),
        Some(other @ Value::String(_)) => {
            let expected = allowed_types.join(", ");
            report.push("enum", &type_location, format!("must be one of: {expected}"), other);
            return None;
        }
        Some(other) => {
            report.wrong_type(&type_location, "string", other);
            return None;
        }
    };

    let members: &[&str] = match type_name {
        "number" => &["type", "required", "minimum", "maximum"],
        "string" => &["type", "required", "pattern", "enum"],
        "array" => &["type", "required", "elements"],
        _ => &["type", "required"],
    };
    for key in report::sorted_keys(object) {
        if !members.contains(&key.as_str()) {
            let allowed = members.join(", ");
            report.unknown_key(&join(location, key), &allowed, &object[key.as_str()]);
        }
    }

    let required = match object.get("required") {
        None => false,
        Some(Value::Bool(flag)) => *flag,
        Some(other) => {
            report.wrong_type(&join(location, "required"), "boolean", other);
            false
        }
    };

    let kind = match type_name {
        "number" => Kind::Number {
            minimum: integer(report, location, object.get("minimum"), "minimum"),
            maximum: integer(report, location, object.get("maximum"), "maximum"),
        },
        "string" => parse_string(report, location, object),
        "array" => Kind::Array {
            elements: object
                .get("elements")
                .and_then(|elements| parse(report, &join(location, "elements"), elements, true))
                .map(|constraints| Box::new(constraints.kind)),
        },
        _ => Kind::Boolean,
    };
    Some(Constraints { required, kind })
}

/// `minimum` / `maximum` are `"type": "integer"` in the schema; JSON Schema counts 5.0 as an
/// integer, so do we.
fn integer(report: &mut Report, location: &str, value: Option<&Value>, name: &str) -> Option<f64> {
    let value = value?;
    match value.as_f64() {
        Some(number) if number.fract() == 0.0 => Some(number),
        _ => {
            report.wrong_type(&join(location, name), "integer", value);
            None
        }
    }
}

fn parse_string(report: &mut Report, location: &str, object: &serde_json::Map<String, Value>) -> Kind {
    let pattern = object.get("pattern").and_then(|value| {
        let pattern_location = join(location, "pattern");
        check_string(report, &pattern_location, value, MAX_STRING);
        let source = value.as_str()?;
        let compiled = Pattern::compile(source);
        if compiled.is_none() {
            let reason = "is not a valid regular expression".to_owned();
            report.push("format", &pattern_location, reason, value);
        }
        compiled
    });
    let allowed = object.get("enum").and_then(|value| {
        let enum_location = join(location, "enum");
        let Value::Array(items) = value else {
            report.wrong_type(&enum_location, "array", value);
            return None;
        };
        if items.len() > MAX_ENUM_ITEMS {
            let reason = format!("must have at most {MAX_ENUM_ITEMS} items");
            report.push("maxItems", &enum_location, reason, value);
        }
        for (index, item) in items.iter().enumerate() {
            let item_location = join(&enum_location, index);
            match item {
                Value::String(_) => check_string(report, &item_location, item, MAX_STRING),
                Value::Number(number) if number.as_f64().is_some_and(|n| n.fract() == 0.0) => {}
                other => report.wrong_type(&item_location, "string or integer", other),
            }
        }
        Some(items.clone())
    });
    // `stringConstraints` carries `"not": {"required": ["pattern", "enum"]}`.
    if object.contains_key("pattern") && object.contains_key("enum") {
        let reason = "pattern and enum cannot both be specified".to_owned();
        report.push("not", location, reason, &Value::Object(object.clone()));
    }
    Kind::String { pattern, allowed }
}

/// The shape every attribute value must have, declared constraints or not (schema definition
/// `attributeValue`): a string of at most 1024 characters, a number, a boolean, or an array of only
/// strings (each at most 1024 characters) or only numbers. Returns whether the shape is right, so
/// callers skip the constraint check instead of reporting the same problem twice.
pub(crate) fn check_shape(report: &mut Report, location: &str, value: &Value) -> bool {
    match value {
        Value::Number(_) | Value::Bool(_) => true,
        Value::String(text) => {
            let ok = char_len(text) <= MAX_STRING;
            if !ok {
                check_string(report, location, value, MAX_STRING);
            }
            ok
        }
        Value::Array(items) => {
            // The published `oneOf` of the two homogeneous array forms technically rejects `[]`
            // (it matches both); AWS accepts it according to an emulator calibrated against it, and
            // an empty list is a natural "nobody" value, so we accept it too.
            let all_numbers = items.iter().all(Value::is_number);
            let all_strings = items.iter().all(Value::is_string);
            if !all_numbers && !all_strings {
                let reason = "an array value must contain only strings or only numbers".to_owned();
                report.push("oneOf", location, reason, value);
                return false;
            }
            let mut ok = true;
            for (index, item) in items.iter().enumerate() {
                if item.as_str().is_some_and(|text| char_len(text) > MAX_STRING) {
                    check_string(report, &join(location, index), item, MAX_STRING);
                    ok = false;
                }
            }
            ok
        }
        other => {
            report.wrong_type(location, "string, number, boolean or array", other);
            false
        }
    }
}

impl Constraints {
    /// Checks a well-shaped attribute value against the declared constraints.
    pub(crate) fn check(&self, report: &mut Report, location: &str, value: &Value) {
        check_kind(report, location, &self.kind, value);
    }
}

fn check_kind(report: &mut Report, location: &str, kind: &Kind, value: &Value) {
    match kind {
        Kind::Number { minimum, maximum } => {
            let Some(number) = value.as_f64() else {
                report.wrong_type(location, "number", value);
                return;
            };
            if let Some(minimum) = minimum.filter(|minimum| number < *minimum) {
                report.push("minimum", location, format!("must be at least {minimum}"), value);
            }
            if let Some(maximum) = maximum.filter(|maximum| number > *maximum) {
                report.push("maximum", location, format!("must be at most {maximum}"), value);
            }
        }
        Kind::String { pattern, allowed } => {
            if !value.is_string() {
                report.wrong_type(location, "string", value);
                return;
            }
            if let Some(pattern) = pattern.as_ref().filter(|p| !p.validator.is_valid(value)) {
                let reason = format!("must match the pattern {}", pattern.source);
                report.push("pattern", location, reason, value);
            }
            if let Some(allowed) = allowed.as_ref().filter(|allowed| !allowed.contains(value)) {
                let listed = allowed.iter().map(report::render).collect::<Vec<_>>().join(", ");
                report.push("enum", location, format!("must be one of: {listed}"), value);
            }
        }
        Kind::Array { elements } => {
            let Value::Array(items) = value else {
                report.wrong_type(location, "array", value);
                return;
            };
            if let Some(elements) = elements {
                for (index, item) in items.iter().enumerate() {
                    check_kind(report, &join(location, index), elements, item);
                }
            }
        }
        Kind::Boolean => {
            if !value.is_boolean() {
                report.wrong_type(location, "boolean", value);
            }
        }
    }
}
