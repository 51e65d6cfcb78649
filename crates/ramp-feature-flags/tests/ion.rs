//! `to_retrieval`: JSON for basic flags, Amazon Ion for configurations with multi-variant flags.

mod common;

use common::{NOW, valid, with, with_variants};
use ion_rs::{Element, Sequence};
use ramp_feature_flags::{ION_CONTENT_TYPE, JSON_CONTENT_TYPE, prepare_for_storage, to_retrieval, to_retrieval_json};
use serde_json::{Value, json};

fn stored(document: &Value) -> Vec<u8> {
    prepare_for_storage(document.to_string().as_bytes(), None, NOW).expect("valid document")
}

/// Serves `document` (stored first) and reads the result back as Ion, checking the content type.
fn served_ion(document: &Value) -> Sequence {
    let (bytes, content_type) = to_retrieval(&stored(document)).expect("servable");
    assert_eq!(content_type, ION_CONTENT_TYPE);
    Element::read_all(&bytes).expect("ion-rs reads the served bytes back")
}

/// The flag keys of a served Ion stream (each top-level value's single annotation).
fn flag_keys(served: &Sequence) -> Vec<String> {
    served
        .iter()
        .map(|flag| {
            let annotations: Vec<&str> = flag.annotations().iter().map(|a| a.text().expect("text")).collect();
            assert_eq!(annotations.len(), 1, "{flag}");
            annotations[0].to_owned()
        })
        .collect()
}

fn content(element: &Element) -> Value {
    serde_json::from_str(element.as_string().expect("a content string")).expect("JSON content")
}

/// A configuration with a basic flag, a disabled basic flag, and two multi-variant flags whose
/// rules use the operators, annotations, lists and timestamps of AWS's rule language.
fn mixed() -> Value {
    let mut document = valid();
    let flags = document["flags"].as_object_mut().expect("flags");
    flags.insert(
        "tiered_release".to_owned(),
        json!({ "name": "Tiered release", "attributes": { "tier": { "constraints": { "type": "number" } } } }),
    );
    flags.insert(
        "banner".to_owned(),
        json!({ "name": "Banner", "attributes": { "text": {}, "sizes": {} } }),
    );
    let values = document["values"].as_object_mut().expect("values");
    values.insert(
        "tiered_release".to_owned(),
        json!({ "_variants": [
            { "name": "ShowFeature", "enabled": true,
              "rule": r#"(or (and (eq $group "Tier1") (split by::$userId pct::1 seed::"2025.01.01")) (and (eq $group "Tier2") (split by::$userId pct::7 seed::"2025.01.01")))"#,
              "attributeValues": { "tier": 2 } },
            { "name": "HideFeature", "enabled": false }
        ] }),
    );
    values.insert(
        "banner".to_owned(),
        json!({ "_variants": [
            { "name": "Allow list", "enabled": true, "rule": r#"(in $userId ["123", "456"])"#,
              "attributeValues": { "text": "Hi \"friend\"", "sizes": [1, 2.5] } },
            { "name": "Late", "enabled": false, "rule": "(gt $signup 2024-01-01T)",
              "attributeValues": { "text": "hidden" } },
            { "name": "Default", "enabled": true, "attributeValues": { "text": "Hello", "sizes": [] } }
        ] }),
    );
    document
}

#[test]
fn basic_flags_are_served_as_json() {
    let stored = stored(&valid());
    let (bytes, content_type) = to_retrieval(&stored).expect("servable");
    assert_eq!(content_type, JSON_CONTENT_TYPE);
    assert_eq!(content_type, "application/json");
    assert_eq!(bytes, to_retrieval_json(&stored).expect("projectable"));
    let served: Value = serde_json::from_slice(&bytes).expect("JSON");
    assert_eq!(served["dark-mode"], json!({ "enabled": false }));
    assert_eq!(served["checkout"]["limit"], json!(10));
}

#[test]
fn empty_variant_lists_do_not_switch_to_ion() {
    let document = with(with_variants(), "/values/banner/_variants", json!([]));
    let (bytes, content_type) = to_retrieval(&stored(&document)).expect("servable");
    assert_eq!(content_type, JSON_CONTENT_TYPE);
    let served: Value = serde_json::from_slice(&bytes).expect("JSON");
    assert_eq!(served, json!({ "banner": { "enabled": false } }));
}

#[test]
fn variant_configurations_are_served_as_ion() {
    let served = served_ion(&with_variants());
    assert_eq!(ION_CONTENT_TYPE, "application/ion;type=AWS.AppConfig.FeatureFlags");
    assert_eq!(flag_keys(&served), ["banner"]);
    let variants = served.get(0).and_then(Element::as_list).expect("an annotated list");
    assert_eq!(variants.len(), 2);
    let beta = variants
        .get(0)
        .and_then(Element::as_list)
        .expect("a [rule, content] tuple");
    assert_eq!(beta.len(), 2);
    let rule = beta.get(0).expect("rule");
    assert!(rule.as_sexp().is_some(), "{rule}");
    assert_eq!(
        rule,
        &Element::read_one(r#"(ends_with $email "@example.com")"#).expect("ion")
    );
    assert_eq!(
        content(beta.get(1).expect("content")),
        json!({ "_variant": "Beta users", "enabled": true, "text": "Hello beta", "size": 3 })
    );
    let default = variants.get(1).expect("default variant");
    assert_eq!(content(default), json!({ "_variant": "Default", "enabled": false }));
}

#[test]
fn every_flag_keys_its_value_and_rules_survive_intact() {
    let served = served_ion(&mixed());
    assert_eq!(
        flag_keys(&served),
        ["banner", "checkout", "dark-mode", "tiered_release"]
    );

    // Basic flags in an Ion configuration: an annotated string holding their JSON value.
    let checkout = served.get(1).expect("checkout");
    let expected = to_retrieval_json(&stored(&valid())).expect("projectable");
    let expected: Value = serde_json::from_slice(&expected).expect("JSON");
    assert_eq!(content(checkout), expected["checkout"]);
    assert_eq!(content(served.get(2).expect("dark-mode")), json!({ "enabled": false }));

    let banner = served.get(0).and_then(Element::as_list).expect("banner list");
    assert_eq!(banner.len(), 3);
    let allow = banner.get(0).and_then(Element::as_list).expect("tuple");
    let rule = allow.get(0).and_then(Element::as_sexp).expect("s-expression");
    assert_eq!(
        rule.get(0).and_then(Element::as_symbol).and_then(|s| s.text()),
        Some("in")
    );
    assert_eq!(
        rule.get(1).and_then(Element::as_symbol).and_then(|s| s.text()),
        Some("$userId")
    );
    assert_eq!(rule.get(2), Some(&Element::read_one(r#"["123", "456"]"#).expect("ion")));
    assert_eq!(
        content(allow.get(1).expect("content")),
        json!({ "_variant": "Allow list", "enabled": true, "text": "Hi \"friend\"", "sizes": [1, 2.5] })
    );
    // A disabled variant serves no attribute values, like a disabled basic flag.
    let late = banner.get(1).and_then(Element::as_list).expect("tuple");
    assert_eq!(
        late.get(0),
        Some(&Element::read_one("(gt $signup 2024-01-01T)").expect("ion"))
    );
    assert_eq!(
        content(late.get(1).expect("content")),
        json!({ "_variant": "Late", "enabled": false })
    );
    assert_eq!(
        content(banner.get(2).expect("default")),
        json!({ "_variant": "Default", "enabled": true, "text": "Hello", "sizes": [] })
    );

    // Annotations inside rules (`by::`, `pct::`, `seed::`) are Ion data and must survive.
    let tiered = served.get(3).and_then(Element::as_list).expect("tiered list");
    let show = tiered.get(0).and_then(Element::as_list).expect("tuple");
    let split = show
        .get(0)
        .and_then(Element::as_sexp)
        .and_then(|or| or.get(1))
        .and_then(Element::as_sexp)
        .and_then(|and| and.get(2))
        .and_then(Element::as_sexp)
        .expect("(split ...)");
    let annotations: Vec<&str> = split
        .elements()
        .skip(1)
        .map(|operand| {
            operand
                .annotations()
                .iter()
                .next()
                .and_then(|a| a.text())
                .expect("annotated")
        })
        .collect();
    assert_eq!(annotations, ["by", "pct", "seed"]);
}

#[test]
fn output_matches_the_documented_agent_format() {
    // The shape of the AWS user guide's "Multi-variant feature flag samples" (Sample 1), with the
    // basic flags of the fixture alongside.
    let mut document = mixed();
    document["values"].as_object_mut().expect("values").remove("banner");
    document["flags"].as_object_mut().expect("flags").remove("banner");
    let expected = Element::read_all(
        r#"
        'checkout'::'''{"enabled": true, "beta": false, "code": "ABC", "color": "blue", "free": [1,2.5], "limit": 10, "regions": ["us-east-1","eu-west-1"]}'''
        'dark-mode'::'''{"enabled": false}'''
        'tiered_release'::[
          [
            (or (and (eq $group "Tier1") (split by::$userId pct::1 seed::"2025.01.01")) (and (eq $group "Tier2") (split by::$userId pct::7 seed::"2025.01.01"))),
            '''{"_variant": "ShowFeature", "enabled": true, "tier": 2}'''
          ],
          '''{"_variant": "HideFeature", "enabled": false}'''
        ]
        "#,
    )
    .expect("ion");
    // Strings compare byte for byte, so this also pins the JSON member order and spacing.
    assert_eq!(served_ion(&document), expected);
}

#[test]
fn malformed_content_is_a_violation() {
    let found = to_retrieval(b"{").unwrap_err();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].r#type, "Malformed");
    let found = to_retrieval(b"[]").unwrap_err();
    assert_eq!((found[0].constraint.as_str(), found[0].location.as_str()), ("type", ""));
}

fn rule_violations(rule: &str) -> Vec<(String, String)> {
    let document = json!({ "version": "1", "values": { "f": { "_variants": [
        { "name": "A", "enabled": true, "rule": rule },
        { "name": "B", "enabled": false }
    ] } } });
    to_retrieval(document.to_string().as_bytes())
        .map(|(bytes, _)| panic!("served {}", String::from_utf8_lossy(&bytes)))
        .unwrap_or_else(|found| found.into_iter().map(|v| (v.constraint, v.location)).collect())
}

#[test]
fn rules_that_are_not_one_ion_s_expression_are_violations() {
    let at = || vec![("rule".to_owned(), "values.f._variants.0.rule".to_owned())];
    assert_eq!(rule_violations("(eq $a \"x\""), at());
    assert_eq!(rule_violations("true"), at());
    assert_eq!(rule_violations("(eq $a 1) (eq $b 2)"), at());
    assert_eq!(rule_violations("{ not: rule"), at());
}

#[test]
fn structural_problems_in_variant_configurations_are_violations() {
    let document = json!({ "version": "1", "values": {
        "a": true,
        "f": { "_variants": [
            { "enabled": true, "rule": "(eq $a 1)" },
            { "name": "B", "enabled": false, "rule": "(eq $b 1)" }
        ] },
        "g": { "_variants": [{ "name": "A", "enabled": true }, 7, { "name": "C", "enabled": true }] }
    } });
    let found: Vec<(String, String)> = to_retrieval(document.to_string().as_bytes())
        .unwrap_err()
        .into_iter()
        .map(|v| (v.constraint, v.location))
        .collect();
    let expected = [
        ("type", "values.a"),
        ("required", "values.f._variants.0.name"),
        ("defaultVariant", "values.f._variants.1.rule"),
        ("defaultVariant", "values.g._variants.0.rule"),
        ("type", "values.g._variants.1"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(c, l)| ((*c).to_owned(), (*l).to_owned()))
        .collect();
    assert_eq!(found, expected);
}
