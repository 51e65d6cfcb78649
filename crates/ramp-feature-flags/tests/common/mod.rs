//! Shared fixtures for the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use ramp_feature_flags::{Violation, prepare_for_storage};
use serde_json::{Value, json};

pub const NOW: &str = "2024-05-01T12:00:00.000Z";
pub const LATER: &str = "2024-06-01T08:30:00.000Z";

/// A valid document exercising every attribute constraint type.
pub fn valid() -> Value {
    json!({
        "version": "1",
        "flags": {
            "checkout": {
                "name": "New checkout",
                "description": "Rolls out the new checkout flow",
                "_deprecation": { "status": "planned", "date": "2030-01-31" },
                "attributes": {
                    "limit": { "constraints": { "type": "number", "required": true, "minimum": 1, "maximum": 100 } },
                    "color": { "description": "Button colour", "constraints": { "type": "string", "enum": ["red", "blue", 7] } },
                    "code": { "constraints": { "type": "string", "pattern": "^[A-Z]{3}$" } },
                    "regions": { "constraints": { "type": "array", "elements": { "type": "string", "pattern": "^[a-z]{2}-" } } },
                    "beta": { "constraints": { "type": "boolean" } },
                    "free": {}
                }
            },
            "dark-mode": { "name": "Dark mode" }
        },
        "values": {
            "checkout": {
                "enabled": true,
                "limit": 10,
                "color": "blue",
                "code": "ABC",
                "regions": ["us-east-1", "eu-west-1"],
                "beta": false,
                "free": [1, 2.5]
            },
            "dark-mode": { "enabled": false }
        }
    })
}

/// A valid document with one multi-variant flag.
pub fn with_variants() -> Value {
    json!({
        "version": "1",
        "flags": {
            "banner": {
                "name": "Banner",
                "attributes": { "text": { "constraints": { "type": "string", "required": true } },
                                "size": { "constraints": { "type": "number", "maximum": 10 } } }
            }
        },
        "values": {
            "banner": {
                "_variants": [
                    { "name": "Beta users", "enabled": true, "rule": "(ends_with $email \"@example.com\")",
                      "attributeValues": { "text": "Hello beta", "size": 3 } },
                    { "name": "Default", "enabled": false }
                ]
            }
        }
    })
}

/// Runs validation and returns the violations (empty when the document is accepted).
pub fn violations(document: &Value) -> Vec<Violation> {
    match prepare_for_storage(document.to_string().as_bytes(), None, NOW) {
        Ok(_) => Vec::new(),
        Err(violations) => violations,
    }
}

/// `(constraint, location)` of every violation, in reported order.
pub fn summary(document: &Value) -> Vec<(String, String)> {
    violations(document)
        .into_iter()
        .map(|v| (v.constraint, v.location))
        .collect()
}

/// Asserts that the document is rejected with exactly one violation and returns it.
pub fn single(document: &Value) -> Violation {
    let mut found = violations(document);
    assert_eq!(found.len(), 1, "expected exactly one violation, got {found:#?}");
    found.remove(0)
}

/// Asserts exactly one violation with this constraint and location.
pub fn assert_single(document: &Value, constraint: &str, location: &str) -> Violation {
    let violation = single(document);
    assert_eq!(
        (violation.constraint.as_str(), violation.location.as_str()),
        (constraint, location),
        "{violation:#?}"
    );
    assert_eq!(violation.r#type, "NotSatisfied");
    assert!(!violation.reason.is_empty());
    violation
}

/// Replaces the value at a JSON pointer (which must exist, or whose parent must be an object).
pub fn set(document: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer has a parent");
    let parent = document.pointer_mut(parent).expect("parent exists");
    match parent {
        Value::Object(object) => {
            object.insert(key.to_owned(), value);
        }
        Value::Array(items) => items[key.parse::<usize>().expect("index")] = value,
        other => panic!("cannot set {key} in {other}"),
    }
}

/// Removes the member at a JSON pointer.
pub fn remove(document: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer has a parent");
    let removed = document
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .and_then(|o| o.remove(key));
    assert!(removed.is_some(), "nothing at {pointer}");
}

/// `document` with one change applied.
pub fn with(mut document: Value, pointer: &str, value: Value) -> Value {
    set(&mut document, pointer, value);
    document
}

/// `document` with one member removed.
pub fn without(mut document: Value, pointer: &str) -> Value {
    remove(&mut document, pointer);
    document
}
