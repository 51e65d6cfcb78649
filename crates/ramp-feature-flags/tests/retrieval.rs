//! The retrieval-time projection and variant detection.

mod common;

use common::{NOW, valid, with, with_variants};
use ramp_feature_flags::{has_variants, prepare_for_storage, to_retrieval_json};
use serde_json::{Value, json};

fn stored(document: &Value) -> Vec<u8> {
    prepare_for_storage(document.to_string().as_bytes(), None, NOW).expect("valid document")
}

fn retrieve(stored: &[u8]) -> Value {
    serde_json::from_slice(&to_retrieval_json(stored).expect("projectable")).expect("JSON")
}

#[test]
fn enabled_flags_carry_attributes_and_disabled_flags_do_not() {
    let served = retrieve(&stored(&valid()));
    assert_eq!(
        served,
        json!({
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
        })
    );
}

#[test]
fn disabled_flag_hides_its_attributes() {
    let document = with(valid(), "/values/checkout/enabled", json!(false));
    assert_eq!(retrieve(&stored(&document))["checkout"], json!({ "enabled": false }));
}

#[test]
fn missing_enabled_is_served_as_false() {
    let document = json!({ "version": "1", "flags": { "f": {} }, "values": { "f": {} } });
    assert_eq!(retrieve(&stored(&document)), json!({ "f": { "enabled": false } }));
}

#[test]
fn empty_document_serves_an_empty_object() {
    assert_eq!(retrieve(br#"{"version":"1"}"#), json!({}));
}

#[test]
fn variant_flags_fall_back_to_the_default_variant() {
    let served = retrieve(&stored(&with_variants()));
    assert_eq!(served, json!({ "banner": { "enabled": false } }));
    let document = with(
        with_variants(),
        "/values/banner/_variants/1",
        json!({ "name": "Default", "enabled": true, "attributeValues": { "text": "Hi" } }),
    );
    assert_eq!(
        retrieve(&stored(&document)),
        json!({ "banner": { "enabled": true, "text": "Hi" } })
    );
}

#[test]
fn structural_problems_are_violations() {
    let found = to_retrieval_json(b"{").unwrap_err();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].r#type, "Malformed");
    let found = to_retrieval_json(br#"{"version":"1","values":{"a":true,"b":{"enabled":true}}}"#).unwrap_err();
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].constraint.as_str(), found[0].location.as_str()),
        ("type", "values.a")
    );
    let found = to_retrieval_json(b"[]").unwrap_err();
    assert_eq!(found[0].location, "");
}

#[test]
fn variant_detection() {
    assert!(has_variants(&stored(&with_variants())));
    assert!(!has_variants(&stored(&valid())));
    let empty = with(with_variants(), "/values/banner/_variants", json!([]));
    assert!(!has_variants(&stored(&empty)));
    assert!(!has_variants(b"not json"));
    assert!(!has_variants(br#"{"version":"1"}"#));
}
