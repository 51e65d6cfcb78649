//! Rejections of the document envelope and of `flags.<key>` definitions.

mod common;

use common::{assert_single, single, summary, valid, violations, with, with_variants, without};
use ramp_feature_flags::{INVALID_CONTENT_MESSAGE, MALFORMED_CONTENT_MESSAGE, error_message, prepare_for_storage};
use serde_json::{Value, json};

#[test]
fn valid_documents_pass() {
    assert_eq!(violations(&valid()), vec![]);
    assert_eq!(violations(&with_variants()), vec![]);
    // Only `version` is required by the published schema.
    assert_eq!(violations(&json!({ "version": "1" })), vec![]);
}

#[test]
fn malformed_json_is_one_violation() {
    let found = prepare_for_storage(b"{\"version\": \"1\",", None, common::NOW).unwrap_err();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].r#type, "Malformed");
    assert_eq!(found[0].location, "");
    assert!(found[0].reason.contains("not a valid JSON"), "{}", found[0].reason);
    assert_eq!(error_message(&found), MALFORMED_CONTENT_MESSAGE);

    let found = prepare_for_storage(&[0xff, 0xfe], None, common::NOW).unwrap_err();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].r#type, "Malformed");
}

#[test]
fn root_must_be_an_object() {
    let violation = assert_single(&json!(["version", "1"]), "type", "");
    assert_eq!(error_message(&[violation]), INVALID_CONTENT_MESSAGE);
}

#[test]
fn version_is_required_and_must_be_1() {
    assert_single(&without(valid(), "/version"), "required", "version");
    let violation = assert_single(&with(valid(), "/version", json!("2")), "enum", "version");
    assert_eq!(violation.value, "2");
    // The number 1 is not the string "1".
    let violation = assert_single(&with(valid(), "/version", json!(1)), "enum", "version");
    assert_eq!(violation.value, "1");
}

#[test]
fn no_other_top_level_keys() {
    assert_single(
        &with(valid(), "/metadata", json!({})),
        "additionalProperties",
        "metadata",
    );
}

#[test]
fn flags_and_values_must_be_objects() {
    let found = summary(&with(valid(), "/flags", json!([])));
    // Without definitions every value entry is undeclared.
    assert_eq!(found[0], ("type".into(), "flags".into()));
    assert!(
        found[1..].iter().all(|(constraint, _)| constraint == "declaredFlag"),
        "{found:?}"
    );
    let found = summary(&with(valid(), "/values", json!("on")));
    assert_eq!(found[0], ("type".into(), "values".into()));
}

#[test]
fn flag_keys_follow_the_key_pattern() {
    let document = json!({ "version": "1", "flags": { "Checkout": { "name": "x" } } });
    let violation = assert_single(&document, "pattern", "flags.Checkout");
    assert_eq!(violation.value, "Checkout");
    let long = format!("a{}", "b".repeat(64));
    let document = json!({ "version": "1", "flags": { long.clone(): {} }, "values": { long.clone(): {} } });
    let found = summary(&document);
    assert_eq!(
        found,
        vec![
            ("pattern".into(), format!("flags.{long}")),
            ("pattern".into(), format!("values.{long}"))
        ]
    );
}

#[test]
fn flag_definition_must_be_an_object() {
    assert_single(
        &with(valid(), "/flags/dark-mode", json!("Dark mode")),
        "type",
        "flags.dark-mode",
    );
}

#[test]
fn flag_name_is_optional_but_bounded() {
    assert_eq!(violations(&without(valid(), "/flags/dark-mode/name")), vec![]);
    let location = "flags.dark-mode.name";
    assert_single(
        &with(valid(), "/flags/dark-mode/name", json!("x".repeat(65))),
        "pattern",
        location,
    );
    assert_single(&with(valid(), "/flags/dark-mode/name", json!("")), "pattern", location);
    assert_single(
        &with(valid(), "/flags/dark-mode/name", json!("two\nlines")),
        "pattern",
        location,
    );
    assert_single(&with(valid(), "/flags/dark-mode/name", json!(5)), "type", location);
    // 64 characters are fine even when they take more bytes.
    assert_eq!(
        violations(&with(valid(), "/flags/dark-mode/name", json!("é".repeat(64)))),
        vec![]
    );
}

#[test]
fn flag_description_is_bounded() {
    let document = with(valid(), "/flags/checkout/description", json!("d".repeat(1025)));
    assert_single(&document, "maxLength", "flags.checkout.description");
    assert_eq!(
        violations(&with(valid(), "/flags/checkout/description", json!("d".repeat(1024)))),
        vec![]
    );
}

#[test]
fn flag_definition_has_no_other_members() {
    let violation = assert_single(
        &with(valid(), "/flags/dark-mode/enabled", json!(true)),
        "additionalProperties",
        "flags.dark-mode.enabled",
    );
    assert_eq!(violation.value, "true");
}

#[test]
fn timestamps_must_be_strings() {
    assert_single(
        &with(valid(), "/flags/dark-mode/_createdAt", json!(0)),
        "type",
        "flags.dark-mode._createdAt",
    );
    assert_single(
        &with(valid(), "/values/dark-mode/_updatedAt", json!(null)),
        "type",
        "values.dark-mode._updatedAt",
    );
}

#[test]
fn deprecation_is_planned_with_a_date() {
    let at = "/flags/checkout/_deprecation";
    assert_single(
        &with(valid(), &format!("{at}/status"), json!("active")),
        "enum",
        "flags.checkout._deprecation.status",
    );
    assert_single(
        &with(valid(), &format!("{at}/date"), json!("2030-02-30")),
        "format",
        "flags.checkout._deprecation.date",
    );
    assert_single(
        &with(valid(), &format!("{at}/date"), json!("31/01/2030")),
        "format",
        "flags.checkout._deprecation.date",
    );
    assert_single(
        &with(valid(), &format!("{at}/reason"), json!("old")),
        "additionalProperties",
        "flags.checkout._deprecation.reason",
    );
    assert_single(
        &with(valid(), at, json!("planned")),
        "type",
        "flags.checkout._deprecation",
    );
}

#[test]
fn at_most_25_attributes() {
    let attributes: serde_json::Map<String, Value> = (0..26)
        .map(|i| (format!("a{i}"), json!({ "constraints": { "type": "boolean" } })))
        .collect();
    let document = json!({ "version": "1", "flags": { "f": { "attributes": attributes } }, "values": { "f": { "enabled": false } } });
    assert_single(&document, "maxProperties", "flags.f.attributes");
    let mut attributes = attributes;
    attributes.remove("a25");
    let document = json!({ "version": "1", "flags": { "f": { "attributes": attributes } }, "values": { "f": { "enabled": false } } });
    assert_eq!(violations(&document), vec![]);
}

#[test]
fn attribute_definitions_are_checked() {
    let attributes = "/flags/checkout/attributes";
    assert_single(
        &with(valid(), &format!("{attributes}/Bad"), json!({})),
        "pattern",
        "flags.checkout.attributes.Bad",
    );
    assert_single(
        &with(valid(), &format!("{attributes}/beta/default"), json!(true)),
        "additionalProperties",
        "flags.checkout.attributes.beta.default",
    );
    let description = json!("d".repeat(1025));
    assert_single(
        &with(valid(), &format!("{attributes}/beta/description"), description),
        "maxLength",
        "flags.checkout.attributes.beta.description",
    );
}

#[test]
fn constraints_need_a_known_type() {
    let at = "/flags/checkout/attributes/beta/constraints";
    assert_single(
        &with(valid(), at, json!({ "required": false })),
        "required",
        "flags.checkout.attributes.beta.constraints.type",
    );
    assert_single(
        &with(valid(), at, json!({ "type": "date" })),
        "enum",
        "flags.checkout.attributes.beta.constraints.type",
    );
    assert_single(
        &with(valid(), at, json!({ "type": true })),
        "type",
        "flags.checkout.attributes.beta.constraints.type",
    );
    assert_single(
        &with(valid(), at, json!({ "type": "boolean", "required": "yes" })),
        "type",
        "flags.checkout.attributes.beta.constraints.required",
    );
}

#[test]
fn number_constraints() {
    let at = "/flags/checkout/attributes/limit/constraints";
    let location = "flags.checkout.attributes.limit.constraints";
    assert_single(
        &with(valid(), &format!("{at}/minimum"), json!(0.5)),
        "type",
        &format!("{location}.minimum"),
    );
    assert_single(
        &with(valid(), &format!("{at}/maximum"), json!("100")),
        "type",
        &format!("{location}.maximum"),
    );
    assert_single(
        &with(valid(), &format!("{at}/pattern"), json!("x")),
        "additionalProperties",
        &format!("{location}.pattern"),
    );
    // 100.0 is an integer in JSON Schema.
    assert_eq!(
        violations(&with(valid(), &format!("{at}/maximum"), json!(100.0))),
        vec![]
    );
}

#[test]
fn string_constraints() {
    let at = "/flags/checkout/attributes/code/constraints";
    let location = "flags.checkout.attributes.code.constraints";
    let violation = assert_single(
        &with(valid(), &format!("{at}/pattern"), json!("([A-Z")),
        "format",
        &format!("{location}.pattern"),
    );
    assert_eq!(violation.value, "([A-Z");
    let long = format!("^{}$", "a".repeat(1023));
    let found = summary(&with(valid(), &format!("{at}/pattern"), json!(long)));
    // Too long, and then "ABC" no longer matches it.
    assert_eq!(
        found,
        vec![
            ("maxLength".into(), format!("{location}.pattern")),
            ("pattern".into(), "values.checkout.code".into())
        ]
    );
    assert_single(&with(valid(), &format!("{at}/enum"), json!(["ABC"])), "not", location);
    assert_single(
        &with(valid(), &format!("{at}/minimum"), json!(1)),
        "additionalProperties",
        &format!("{location}.minimum"),
    );

    let at = "/flags/checkout/attributes/color/constraints/enum";
    let location = "flags.checkout.attributes.color.constraints.enum";
    let many: Vec<Value> = std::iter::once(json!("blue"))
        .chain((0..100).map(|i| json!(i)))
        .collect();
    assert_single(&with(valid(), at, Value::Array(many)), "maxItems", location);
    assert_single(
        &with(valid(), at, json!(["blue", 1.5])),
        "type",
        &format!("{location}.1"),
    );
    assert_single(
        &with(valid(), at, json!(["blue", "x".repeat(1025)])),
        "maxLength",
        &format!("{location}.1"),
    );
    assert_single(&with(valid(), at, json!("blue")), "type", location);
}

#[test]
fn patterns_are_ecma_regexes() {
    // Look-ahead is valid ECMA-262 (and so valid in AWS's JSON Schema) although the plain Rust
    // regex engine rejects it.
    let document = with(
        valid(),
        "/flags/checkout/attributes/code/constraints/pattern",
        json!("^(?!XYZ)[A-Z]{3}$"),
    );
    assert_eq!(violations(&document), vec![]);
    let document = with(document, "/values/checkout/code", json!("XYZ"));
    assert_single(&document, "pattern", "values.checkout.code");
}

#[test]
fn array_constraints() {
    let at = "/flags/checkout/attributes/regions/constraints";
    let location = "flags.checkout.attributes.regions.constraints";
    assert_single(
        &with(valid(), &format!("{at}/elements"), json!({ "type": "boolean" })),
        "enum",
        &format!("{location}.elements.type"),
    );
    assert_single(
        &with(valid(), &format!("{at}/elements"), json!({ "type": "array" })),
        "enum",
        &format!("{location}.elements.type"),
    );
    assert_single(
        &with(valid(), &format!("{at}/items"), json!({})),
        "additionalProperties",
        &format!("{location}.items"),
    );
    // Without `elements` any homogeneous array is accepted.
    assert_eq!(violations(&without(valid(), &format!("{at}/elements"))), vec![]);
}

#[test]
fn constraint_problems_carry_the_offending_value() {
    let document = with(
        valid(),
        "/flags/checkout/attributes/beta/constraints",
        json!({ "type": "date" }),
    );
    assert_eq!(single(&document).value, "date");
}
