//! The `values` section: one entry per declared flag, holding either a basic value
//! (`enabled` plus attribute values) or a list of variants (spec §12.1, schema definitions
//! `flagValues`, `flagValue`, `variant`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::{FlagInfo, MAX_ATTRIBUTES, check_key, check_name, check_timestamp};
use crate::constraints;
use crate::report::{Report, check_string, expect_object, join, sorted_keys};

/// `flagValue._variants`: at most 32 (written `maxLength: 32` in the schema, which JSON Schema
/// ignores on arrays; spec §12.1 reads it as an item count).
const MAX_VARIANTS: usize = 32;
/// `variant.rule`: `maxLength: 16384`.
const MAX_RULE: usize = 16384;

pub(super) fn check(report: &mut Report, values: Option<&Map<String, Value>>, flags: &BTreeMap<String, FlagInfo>) {
    let empty = Map::new();
    let values = values.unwrap_or(&empty);
    for key in sorted_keys(values) {
        let location = join("values", key);
        if !check_key(report, &location, key) {
            continue;
        }
        let value = &values[key.as_str()];
        // CHOSEN (unconfirmed): the published schema does not tie `values` keys to `flags` keys,
        // but a value for an undeclared flag has no name, no attribute declarations and nothing the
        // console could show, so it is rejected. Its body is not examined further: every attribute
        // in it would otherwise be reported as undeclared too.
        let Some(flag) = flags.get(key.as_str()) else {
            let reason = format!("flag \"{key}\" is not declared in flags");
            report.push("declaredFlag", &location, reason, value);
            continue;
        };
        if let Some(entry) = expect_object(report, &location, value) {
            check_value(report, &location, entry, flag);
        }
    }
    // CHOSEN (unconfirmed): a declared flag without a values entry would be served as nothing at
    // all; the AWS console always writes both halves, so the pair is required.
    for key in flags.keys().filter(|key| !values.contains_key(key.as_str())) {
        let reason = format!("flag \"{key}\" is declared in flags but has no entry in values");
        report.push("required", &join("values", key), reason, &Value::String(String::new()));
    }
}

fn check_value(report: &mut Report, location: &str, entry: &Map<String, Value>, flag: &FlagInfo) {
    let variants = match entry.get("_variants") {
        None => None,
        Some(Value::Array(variants)) => Some(variants),
        Some(other) => {
            report.wrong_type(&join(location, "_variants"), "array", other);
            None
        }
    };
    if let Some(variants) = variants.filter(|variants| !variants.is_empty()) {
        check_variant_value(report, location, entry, variants, flag);
        return;
    }

    // A missing `enabled` means disabled: the published schema does not require it, and an
    // emulator calibrated against AWS reports that AWS defaults it to false.
    let enabled = match entry.get("enabled") {
        None => false,
        Some(Value::Bool(enabled)) => *enabled,
        Some(other) => {
            report.wrong_type(&join(location, "enabled"), "boolean", other);
            false
        }
    };
    let mut attributes = Vec::new();
    for key in sorted_keys(entry) {
        let member = join(location, key);
        let value = &entry[key.as_str()];
        match key.as_str() {
            "enabled" | "_variants" => {}
            "_createdAt" | "_updatedAt" => check_timestamp(report, &member, value),
            _ if key.starts_with('_') || !super::is_valid_key(key) => report.unknown_key(
                &member,
                "enabled, _createdAt, _updatedAt, _variants and the flag's attribute keys",
                value,
            ),
            _ => attributes.push((key, value)),
        }
    }
    check_attribute_values(report, location, &attributes, flag, enabled);
}

/// A flag value with variants takes its state and attributes from the variants only. An emulator
/// calibrated against AWS reports that AWS rejects `enabled` or attribute values next to a
/// non-empty `_variants`; we do the same rather than store values that are never served.
fn check_variant_value(
    report: &mut Report,
    location: &str,
    entry: &Map<String, Value>,
    variants: &[Value],
    flag: &FlagInfo,
) {
    for key in sorted_keys(entry) {
        let member = join(location, key);
        let value = &entry[key.as_str()];
        match key.as_str() {
            "_variants" => {}
            "_createdAt" | "_updatedAt" => check_timestamp(report, &member, value),
            _ => report.unknown_key(
                &member,
                "_variants, _createdAt, _updatedAt (the flag has variants)",
                value,
            ),
        }
    }

    let list_location = join(location, "_variants");
    if variants.len() > MAX_VARIANTS {
        let reason = format!("a flag can have at most {MAX_VARIANTS} variants");
        report.push("maxItems", &list_location, reason, &Value::from(variants.len()));
    }
    let mut names = BTreeSet::new();
    let last = variants.len() - 1;
    for (index, variant) in variants.iter().enumerate() {
        let variant_location = join(&list_location, index);
        if let Some(variant) = expect_object(report, &variant_location, variant) {
            check_variant(report, &variant_location, variant, index == last, flag, &mut names);
        }
    }
}

/// `variant`: `{name, enabled}` required, `rule` and `attributeValues` optional. The default
/// variant is the one without a rule; it must be the last one and only the last may lack a rule
/// (spec §12.1; user guide "multi-variant feature flags concepts").
fn check_variant(
    report: &mut Report,
    location: &str,
    variant: &Map<String, Value>,
    is_last: bool,
    flag: &FlagInfo,
    names: &mut BTreeSet<String>,
) {
    for key in sorted_keys(variant) {
        if !matches!(key.as_str(), "name" | "enabled" | "rule" | "attributeValues") {
            let allowed = "name, enabled, rule, attributeValues";
            report.unknown_key(&join(location, key), allowed, &variant[key.as_str()]);
        }
    }

    let name_location = join(location, "name");
    match variant.get("name") {
        None => report.missing(&name_location, "variant name"),
        Some(name) => {
            check_name(report, &name_location, name);
            // CHOSEN: the console identifies variants by name, so two variants of one flag may
            // not share one (an emulator calibrated against AWS reports the same rule).
            if let Some(name) = name.as_str().filter(|name| !names.insert((*name).to_owned())) {
                let reason = format!("variant name \"{name}\" is used more than once");
                report.push(
                    "uniqueVariantName",
                    &name_location,
                    reason,
                    &Value::String(name.to_owned()),
                );
            }
        }
    }

    let enabled_location = join(location, "enabled");
    let enabled = match variant.get("enabled") {
        None => {
            report.missing(&enabled_location, "variant enabled");
            false
        }
        Some(Value::Bool(enabled)) => *enabled,
        Some(other) => {
            report.wrong_type(&enabled_location, "boolean", other);
            false
        }
    };

    let rule_location = join(location, "rule");
    let rule = variant.get("rule");
    if let Some(rule) = rule {
        check_string(report, &rule_location, rule, MAX_RULE);
    }
    // An empty rule string counts as no rule: it cannot select anyone.
    let has_rule = rule.is_some_and(|rule| rule.as_str().is_none_or(|text| !text.is_empty()));
    match (is_last, has_rule) {
        (true, true) => report.push(
            "defaultVariant",
            &rule_location,
            "the last variant is the default variant and must not have a rule".to_owned(),
            rule.unwrap_or(&Value::Null),
        ),
        (false, false) => report.push(
            "defaultVariant",
            &rule_location,
            "only the last (default) variant may omit its rule".to_owned(),
            &Value::String(String::new()),
        ),
        _ => {}
    }

    let values_location = join(location, "attributeValues");
    let Some(values) = variant.get("attributeValues") else {
        check_attribute_values(report, &values_location, &[], flag, enabled);
        return;
    };
    let Some(values) = expect_object(report, &values_location, values) else {
        return;
    };
    if values.len() > MAX_ATTRIBUTES {
        let reason = format!("a variant can set at most {MAX_ATTRIBUTES} attribute values");
        report.push("maxProperties", &values_location, reason, &Value::from(values.len()));
    }
    let mut attributes = Vec::new();
    for key in sorted_keys(values) {
        if check_key(report, &join(&values_location, key), key) {
            attributes.push((key, &values[key.as_str()]));
        }
    }
    check_attribute_values(report, &values_location, &attributes, flag, enabled);
}

/// Attribute values (of a basic value or of one variant) against the flag's declarations: every
/// key must be a declared attribute, every value must have the `attributeValue` shape and satisfy
/// its constraints, and — when the flag (variant) is enabled — every `required` attribute must be
/// present. A disabled flag serves no attributes (spec §10.4), so requiring them there would only
/// force placeholder values.
fn check_attribute_values(
    report: &mut Report,
    location: &str,
    attributes: &[(&String, &Value)],
    flag: &FlagInfo,
    enabled: bool,
) {
    for (key, value) in attributes {
        let member = join(location, key);
        let Some(declared) = flag.attributes.get(key.as_str()) else {
            let reason = format!("attribute \"{key}\" is not declared in the flag's attributes");
            report.push("declaredAttribute", &member, reason, value);
            continue;
        };
        // A badly shaped value has already been reported; checking it against the constraints
        // would only report the same problem again.
        if constraints::check_shape(report, &member, value)
            && let Some(declared) = declared
        {
            declared.check(report, &member, value);
        }
    }
    if enabled {
        for (key, declared) in &flag.attributes {
            let required = declared.as_ref().is_some_and(|declared| declared.required);
            if required && !attributes.iter().any(|(present, _)| present.as_str() == key) {
                report.missing(&join(location, key), &format!("attribute \"{key}\""));
            }
        }
    }
}
