//! Rejections in the `values` section: references to declarations, attribute constraints and
//! variants.

mod common;

use common::{assert_single, summary, valid, violations, with, with_variants, without};
use serde_json::{Value, json};

#[test]
fn value_keys_must_be_declared_flags() {
    let violation = assert_single(
        &with(valid(), "/values/ghost", json!({ "enabled": true })),
        "declaredFlag",
        "values.ghost",
    );
    assert!(violation.reason.contains("ghost"));
    assert_single(&with(valid(), "/values/Ghost", json!({})), "pattern", "values.Ghost");
}

#[test]
fn every_flag_needs_a_value() {
    assert_single(&without(valid(), "/values/dark-mode"), "required", "values.dark-mode");
    let found = summary(&without(valid(), "/values"));
    assert_eq!(
        found,
        vec![
            ("required".into(), "values.checkout".into()),
            ("required".into(), "values.dark-mode".into())
        ]
    );
}

#[test]
fn value_entry_must_be_an_object() {
    assert_single(
        &with(valid(), "/values/dark-mode", json!(false)),
        "type",
        "values.dark-mode",
    );
}

#[test]
fn enabled_is_a_boolean_defaulting_to_false() {
    assert_single(
        &with(valid(), "/values/dark-mode/enabled", json!("true")),
        "type",
        "values.dark-mode.enabled",
    );
    assert_eq!(violations(&without(valid(), "/values/dark-mode/enabled")), vec![]);
}

#[test]
fn attribute_values_must_be_declared() {
    let violation = assert_single(
        &with(valid(), "/values/checkout/size", json!(3)),
        "declaredAttribute",
        "values.checkout.size",
    );
    assert_eq!(violation.value, "3");
    assert_single(
        &with(valid(), "/values/dark-mode/size", json!(3)),
        "declaredAttribute",
        "values.dark-mode.size",
    );
    assert_single(
        &with(valid(), "/values/checkout/_note", json!("x")),
        "additionalProperties",
        "values.checkout._note",
    );
    assert_single(
        &with(valid(), "/values/checkout/Size", json!(1)),
        "additionalProperties",
        "values.checkout.Size",
    );
}

#[test]
fn number_attribute_bounds() {
    let violation = assert_single(
        &with(valid(), "/values/checkout/limit", json!(101)),
        "maximum",
        "values.checkout.limit",
    );
    assert_eq!(violation.value, "101");
    assert_single(
        &with(valid(), "/values/checkout/limit", json!(0)),
        "minimum",
        "values.checkout.limit",
    );
    assert_eq!(violations(&with(valid(), "/values/checkout/limit", json!(100))), vec![]);
    assert_eq!(violations(&with(valid(), "/values/checkout/limit", json!(1.5))), vec![]);
    assert_single(
        &with(valid(), "/values/checkout/limit", json!("10")),
        "type",
        "values.checkout.limit",
    );
}

#[test]
fn string_attribute_pattern_and_enum() {
    let violation = assert_single(
        &with(valid(), "/values/checkout/code", json!("abc")),
        "pattern",
        "values.checkout.code",
    );
    assert_eq!(violation.value, "abc");
    // Patterns are unanchored unless they say otherwise (JSON Schema `pattern`).
    let unanchored = with(
        valid(),
        "/flags/checkout/attributes/code/constraints/pattern",
        json!("[A-Z]"),
    );
    assert_eq!(
        violations(&with(unanchored, "/values/checkout/code", json!("xYz"))),
        vec![]
    );
    assert_single(
        &with(valid(), "/values/checkout/color", json!("green")),
        "enum",
        "values.checkout.color",
    );
    // Enum membership is by JSON value: the string "7" is not the integer 7.
    assert_single(
        &with(valid(), "/values/checkout/color", json!("7")),
        "enum",
        "values.checkout.color",
    );
    assert_single(
        &with(valid(), "/values/checkout/color", json!(true)),
        "type",
        "values.checkout.color",
    );
}

#[test]
fn array_and_boolean_attributes() {
    let violation = assert_single(
        &with(valid(), "/values/checkout/regions", json!(["us-east-1", "mars"])),
        "pattern",
        "values.checkout.regions.1",
    );
    assert_eq!(violation.value, "mars");
    assert_single(
        &with(valid(), "/values/checkout/regions", json!("us-east-1")),
        "type",
        "values.checkout.regions",
    );
    assert_eq!(
        violations(&with(valid(), "/values/checkout/regions", json!([]))),
        vec![]
    );
    assert_single(
        &with(valid(), "/values/checkout/beta", json!("false")),
        "type",
        "values.checkout.beta",
    );
}

#[test]
fn attribute_value_shape() {
    assert_single(
        &with(valid(), "/values/checkout/free", json!([1, "two"])),
        "oneOf",
        "values.checkout.free",
    );
    assert_single(
        &with(valid(), "/values/checkout/free", json!({ "a": 1 })),
        "type",
        "values.checkout.free",
    );
    assert_single(
        &with(valid(), "/values/checkout/free", json!([[1]])),
        "oneOf",
        "values.checkout.free",
    );
    assert_single(
        &with(valid(), "/values/checkout/free", json!("x".repeat(1025))),
        "maxLength",
        "values.checkout.free",
    );
    assert_single(
        &with(valid(), "/values/checkout/free", json!(["x".repeat(1025)])),
        "maxLength",
        "values.checkout.free.0",
    );
}

#[test]
fn required_attributes_only_when_enabled() {
    let missing = without(valid(), "/values/checkout/limit");
    assert_single(&missing, "required", "values.checkout.limit");
    assert_eq!(
        violations(&with(missing, "/values/checkout/enabled", json!(false))),
        vec![]
    );
}

#[test]
fn variant_count_is_bounded() {
    let mut variants: Vec<Value> = (0..32)
        .map(|i| json!({ "name": format!("v{i}"), "enabled": false, "rule": "(eq $a 1)" }))
        .collect();
    variants.push(json!({ "name": "Default", "enabled": false }));
    let document = with(
        with_variants(),
        "/values/banner/_variants",
        Value::Array(variants.clone()),
    );
    assert_single(&document, "maxItems", "values.banner._variants");
    variants.remove(0);
    let document = with(with_variants(), "/values/banner/_variants", Value::Array(variants));
    assert_eq!(violations(&document), vec![]);
}

#[test]
fn variant_name_and_enabled_are_required() {
    let at = "/values/banner/_variants/1";
    assert_single(
        &without(with_variants(), &format!("{at}/name")),
        "required",
        "values.banner._variants.1.name",
    );
    assert_single(
        &with(with_variants(), &format!("{at}/name"), json!("n".repeat(65))),
        "pattern",
        "values.banner._variants.1.name",
    );
    assert_single(
        &without(with_variants(), &format!("{at}/enabled")),
        "required",
        "values.banner._variants.1.enabled",
    );
    assert_single(
        &with(with_variants(), &format!("{at}/enabled"), json!(1)),
        "type",
        "values.banner._variants.1.enabled",
    );
    assert_single(
        &with(with_variants(), &format!("{at}/weight"), json!(1)),
        "additionalProperties",
        "values.banner._variants.1.weight",
    );
    assert_single(
        &with(with_variants(), &format!("{at}/name"), json!("Beta users")),
        "uniqueVariantName",
        "values.banner._variants.1.name",
    );
    assert_single(
        &with(with_variants(), at, json!("Default")),
        "type",
        "values.banner._variants.1",
    );
}

#[test]
fn variant_rule_length() {
    let rule = format!("(eq $id \"{}\")", "x".repeat(16384));
    assert_single(
        &with(with_variants(), "/values/banner/_variants/0/rule", json!(rule)),
        "maxLength",
        "values.banner._variants.0.rule",
    );
}

#[test]
fn default_variant_must_be_last() {
    let found = summary(&with(
        with_variants(),
        "/values/banner/_variants/1/rule",
        json!("(eq $a 1)"),
    ));
    assert_eq!(
        found,
        vec![("defaultVariant".into(), "values.banner._variants.1.rule".into())]
    );
    let found = summary(&without(with_variants(), "/values/banner/_variants/0/rule"));
    assert_eq!(
        found,
        vec![("defaultVariant".into(), "values.banner._variants.0.rule".into())]
    );
    // An empty rule counts as no rule.
    let found = summary(&with(with_variants(), "/values/banner/_variants/0/rule", json!("")));
    assert_eq!(
        found,
        vec![("defaultVariant".into(), "values.banner._variants.0.rule".into())]
    );
    // Swapped: both positions are wrong.
    let mut swapped = with_variants();
    swapped
        .pointer_mut("/values/banner/_variants")
        .and_then(Value::as_array_mut)
        .expect("array")
        .reverse();
    let found = summary(&swapped);
    assert_eq!(
        found,
        vec![
            ("defaultVariant".into(), "values.banner._variants.0.rule".into()),
            ("defaultVariant".into(), "values.banner._variants.1.rule".into()),
        ]
    );
}

#[test]
fn variant_attribute_values() {
    let at = "/values/banner/_variants/0/attributeValues";
    assert_single(
        &with(with_variants(), &format!("{at}/size"), json!(11)),
        "maximum",
        "values.banner._variants.0.attributeValues.size",
    );
    assert_single(
        &with(with_variants(), &format!("{at}/color"), json!("red")),
        "declaredAttribute",
        "values.banner._variants.0.attributeValues.color",
    );
    // Required attributes are required of enabled variants only.
    assert_single(
        &without(with_variants(), &format!("{at}/text")),
        "required",
        "values.banner._variants.0.attributeValues.text",
    );
    assert_eq!(
        violations(&with(
            with_variants(),
            "/values/banner/_variants/1/enabled",
            json!(false)
        )),
        vec![]
    );
    let found = summary(&with(
        with_variants(),
        "/values/banner/_variants/1/enabled",
        json!(true),
    ));
    assert_eq!(
        found,
        vec![(
            "required".into(),
            "values.banner._variants.1.attributeValues.text".into()
        )]
    );
    let many: serde_json::Map<String, Value> = (0..26).map(|i| (format!("a{i}"), json!(1))).collect();
    let found = summary(&with(with_variants(), at, Value::Object(many)));
    assert_eq!(
        found[0],
        (
            "maxProperties".into(),
            "values.banner._variants.0.attributeValues".into()
        )
    );
}

#[test]
fn variants_replace_enabled_and_attributes() {
    let document = with(with_variants(), "/values/banner/enabled", json!(true));
    assert_single(&document, "additionalProperties", "values.banner.enabled");
    assert_single(
        &with(with_variants(), "/values/banner/_variants", json!({})),
        "type",
        "values.banner._variants",
    );
    // An empty variant list is a basic (disabled) flag.
    assert_eq!(
        violations(&with(with_variants(), "/values/banner/_variants", json!([]))),
        vec![]
    );
}

#[test]
fn several_violations_are_reported_together_in_document_order() {
    let mut document = valid();
    common::set(&mut document, "/version", json!("2"));
    common::set(&mut document, "/flags/dark-mode/name", json!(""));
    common::set(&mut document, "/values/checkout/limit", json!(500));
    common::set(&mut document, "/values/checkout/color", json!("green"));
    common::set(&mut document, "/values/ghost", json!({ "enabled": true }));
    common::set(&mut document, "/extra", json!(1));
    let found = summary(&document);
    let expected: Vec<(String, String)> = [
        ("enum", "version"),
        ("additionalProperties", "extra"),
        ("pattern", "flags.dark-mode.name"),
        ("enum", "values.checkout.color"),
        ("maximum", "values.checkout.limit"),
        ("declaredFlag", "values.ghost"),
    ]
    .into_iter()
    .map(|(c, l)| (c.to_owned(), l.to_owned()))
    .collect();
    assert_eq!(found, expected);
    // Deterministic: the same input gives the same list.
    assert_eq!(summary(&document), expected);
}
