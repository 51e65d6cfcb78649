//! `_createdAt` / `_updatedAt` injection and carry-over across versions.

mod common;

use common::{LATER, NOW, valid, with, with_variants};
use ramp_feature_flags::prepare_for_storage;
use serde_json::{Value, json};

const EVEN_LATER: &str = "2024-07-15T00:00:00.000Z";

fn store(document: &Value, previous: Option<&[u8]>, now: &str) -> Vec<u8> {
    prepare_for_storage(document.to_string().as_bytes(), previous, now).expect("valid document")
}

fn parsed(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("stored content is JSON")
}

fn stamps(document: &Value, entry: &str) -> (String, String) {
    let get = |name: &str| {
        let pointer = format!("{entry}/{name}");
        document
            .pointer(&pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no {pointer}"))
            .to_owned()
    };
    (get("_createdAt"), get("_updatedAt"))
}

/// The document without any timestamp, to compare with what was sent.
fn strip(mut document: Value) -> Value {
    for section in ["flags", "values"] {
        if let Some(entries) = document.get_mut(section).and_then(Value::as_object_mut) {
            for entry in entries.values_mut().filter_map(Value::as_object_mut) {
                entry.remove("_createdAt");
                entry.remove("_updatedAt");
            }
        }
    }
    document
}

#[test]
fn first_version_gets_now_on_every_flag_and_value() {
    let stored = parsed(&store(&valid(), None, NOW));
    for entry in [
        "/flags/checkout",
        "/flags/dark-mode",
        "/values/checkout",
        "/values/dark-mode",
    ] {
        assert_eq!(stamps(&stored, entry), (NOW.to_owned(), NOW.to_owned()), "{entry}");
    }
    // Nothing else changes.
    assert_eq!(strip(stored), valid());
}

#[test]
fn variant_flags_are_stamped_too() {
    let stored = parsed(&store(&with_variants(), None, NOW));
    assert_eq!(stamps(&stored, "/values/banner"), (NOW.to_owned(), NOW.to_owned()));
    assert_eq!(stamps(&stored, "/flags/banner"), (NOW.to_owned(), NOW.to_owned()));
    assert!(stored.pointer("/values/banner/_variants/0/_createdAt").is_none());
}

#[test]
fn carry_over_from_the_previous_version() {
    let first = store(&valid(), None, NOW);

    let mut next = valid();
    // Changed definition: keeps _createdAt, new _updatedAt.
    common::set(&mut next, "/flags/checkout/description", json!("Now for everyone"));
    // Changed value only (the definition is untouched).
    common::set(&mut next, "/values/dark-mode/enabled", json!(true));
    // A new flag.
    common::set(&mut next, "/flags/search", json!({ "name": "Search" }));
    common::set(&mut next, "/values/search", json!({ "enabled": true }));

    let second = parsed(&store(&next, Some(&first), LATER));
    assert_eq!(stamps(&second, "/flags/checkout"), (NOW.to_owned(), LATER.to_owned()));
    assert_eq!(stamps(&second, "/values/checkout"), (NOW.to_owned(), NOW.to_owned()));
    assert_eq!(stamps(&second, "/flags/dark-mode"), (NOW.to_owned(), NOW.to_owned()));
    assert_eq!(stamps(&second, "/values/dark-mode"), (NOW.to_owned(), LATER.to_owned()));
    assert_eq!(stamps(&second, "/flags/search"), (LATER.to_owned(), LATER.to_owned()));
    assert_eq!(stamps(&second, "/values/search"), (LATER.to_owned(), LATER.to_owned()));
}

#[test]
fn resubmitting_the_stored_version_changes_nothing() {
    let first = store(&valid(), None, NOW);
    // Clients that edit the document they fetched send the timestamps back.
    let again = store(&parsed(&first), Some(&first), LATER);
    assert_eq!(parsed(&again), parsed(&first));
}

#[test]
fn client_timestamps_are_not_trusted_for_updates() {
    let first = store(&valid(), None, NOW);
    let mut next = parsed(&first);
    common::set(&mut next, "/values/checkout/limit", json!(20));
    common::set(
        &mut next,
        "/values/checkout/_createdAt",
        json!("1999-01-01T00:00:00.000Z"),
    );
    common::set(
        &mut next,
        "/values/checkout/_updatedAt",
        json!("1999-01-01T00:00:00.000Z"),
    );
    let second = parsed(&store(&next, Some(&first), LATER));
    // An existing flag keeps the creation time of the previous version.
    assert_eq!(stamps(&second, "/values/checkout"), (NOW.to_owned(), LATER.to_owned()));
}

#[test]
fn restored_flag_keeps_its_original_creation_time() {
    let first = store(&valid(), None, NOW);
    // The next version drops dark-mode...
    let mut second_document = valid();
    common::remove(&mut second_document, "/flags/dark-mode");
    common::remove(&mut second_document, "/values/dark-mode");
    let second = store(&second_document, Some(&first), LATER);
    // ...and then the first version is saved again as a new version.
    let third = parsed(&store(&parsed(&first), Some(&second), EVEN_LATER));
    assert_eq!(
        stamps(&third, "/flags/dark-mode"),
        (NOW.to_owned(), EVEN_LATER.to_owned())
    );
    assert_eq!(stamps(&third, "/flags/checkout"), (NOW.to_owned(), NOW.to_owned()));
}

#[test]
fn key_order_is_not_a_change() {
    let first = store(&valid(), None, NOW);
    let reordered = r#"{"values":{"dark-mode":{"enabled":false},"checkout":{"free":[1,2.5],"beta":false,"regions":["us-east-1","eu-west-1"],"code":"ABC","color":"blue","limit":10,"enabled":true}},"flags":{"dark-mode":{"name":"Dark mode"},"checkout":{"attributes":{"free":{},"beta":{"constraints":{"type":"boolean"}},"regions":{"constraints":{"elements":{"pattern":"^[a-z]{2}-","type":"string"},"type":"array"}},"code":{"constraints":{"pattern":"^[A-Z]{3}$","type":"string"}},"color":{"constraints":{"enum":["red","blue",7],"type":"string"},"description":"Button colour"},"limit":{"constraints":{"maximum":100,"minimum":1,"required":true,"type":"number"}}},"_deprecation":{"date":"2030-01-31","status":"planned"},"description":"Rolls out the new checkout flow","name":"New checkout"}},"version":"1"}"#;
    let second = parsed(&prepare_for_storage(reordered.as_bytes(), Some(&first), LATER).expect("valid"));
    assert_eq!(second, parsed(&first));
}

#[test]
fn unparseable_previous_version_is_ignored() {
    let stored = parsed(&store(&valid(), Some(b"not json"), LATER));
    assert_eq!(stamps(&stored, "/flags/checkout"), (LATER.to_owned(), LATER.to_owned()));
}

#[test]
fn invalid_content_is_not_stored() {
    let result = prepare_for_storage(
        with(valid(), "/values/checkout/limit", json!(0)).to_string().as_bytes(),
        None,
        NOW,
    );
    assert!(result.is_err());
}
