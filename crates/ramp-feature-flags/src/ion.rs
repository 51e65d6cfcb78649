//! The Amazon Ion retrieval-time format of a configuration with multi-variant flags (spec §10.4).
//!
//! AWS serves a feature-flag configuration that contains at least one flag with variants as Ion
//! instead of JSON; the AppConfig Agent (≥ 2.0.4416) reads it and evaluates the variant rules
//! against the caller's context ("AWS CLI and SDK calls to AWS AppConfig don't retrieve variant
//! data"). The shape is the one AWS documents for that format, in the user guide page "Feature flag
//! samples for AWS AppConfig Agent local development mode", section "Multi-variant feature flag
//! samples" (docs.aws.amazon.com/appconfig/latest/userguide/appconfig-agent-how-to-use-local-development-samples.html):
//!
//! * The stream holds one top-level value per flag, annotated with the flag key.
//! * A basic flag is an annotated string holding the flag's JSON retrieval-time value, e.g.
//!   `'button_color'::'''{"enabled": true, "color": "orange"}'''`.
//! * A multi-variant flag is an annotated list, in variant (evaluation) order. Each variant with a
//!   rule is a two-element list `[rule, content]`, the rule an s-expression and the content a
//!   string; the default (last, rule-less) variant is just its content string:
//!
//!   ```text
//!   'colorway'::[
//!     [(contains $userId "beta"), '''{"_variant": "BetaTesters", "enabled": true, "background": "blue"}'''],
//!     '''{"_variant": "default", "enabled": true, "background": "green"}''',
//!   ]
//!   ```
//! * A variant's content is a JSON object: `_variant` (the variant name), `enabled`, then the
//!   variant's attribute values.
//!
//! Choices and inferences (UNCONFIRMED against the service itself; only the agent-side samples are
//! public):
//!
//! * The stored rule text is parsed as Ion and embedded as the s-expression. Rules are written in
//!   Ion syntax (user guide "Defining rules for multi-variant feature flags": `(eq $state
//!   "Virginia")`, `(split by::$userId pct::10)`, timestamps like `2024-01`, lists like
//!   `["123", "456"]`), and the samples show exactly that text as the first tuple element. A rule
//!   that is not a single Ion s-expression cannot be served and is reported as a violation.
//! * A disabled variant's content carries no attribute values, mirroring the JSON rule that
//!   disabled flags are served as `{"enabled": false}` (spec §10.4); the samples only show
//!   disabled variants without attributes.
//! * Flags come in key order (the stored document's object order is not meaningful).
//! * Ion 1.0 text, one top-level value per line: it is what the documented samples use, and Ion
//!   readers (the agent's included) accept text and binary alike by looking at the first bytes.
//! * The content type: spec §10.4 derives `application/ion;type=AWS.AppConfig.FeatureFlags` from
//!   the file extension the agent requires for such local files
//!   (`.application%ion%type=AWS.AppConfig.FeatureFlags`, `%` standing for `/` and `;`, which file
//!   names cannot hold; the same page says `.json` makes the agent report `application/json`).

use ion_rs::v1_0::Text;
use ion_rs::{Element, List, Sequence, TextFormat};
use serde_json::{Map, Value};

use crate::report::{Report, expect_object, join, sorted_keys};
use crate::retrieval::{non_empty_variants, project_flag};
use crate::{TYPE_NOT_SATISFIED, Violation};

/// Encodes a stored document (already parsed) in the Ion retrieval-time format.
pub(crate) fn encode(document: &Value) -> Result<Vec<u8>, Vec<Violation>> {
    let mut report = Report::default();
    let Some(root) = expect_object(&mut report, "", document) else {
        return Err(report.into_violations());
    };
    let mut flags = Vec::new();
    if let Some(values) = root
        .get("values")
        .and_then(|values| expect_object(&mut report, "values", values))
    {
        for key in sorted_keys(values) {
            let location = join("values", key);
            let Some(entry) = expect_object(&mut report, &location, &values[key.as_str()]) else {
                continue;
            };
            let flag = match non_empty_variants(entry) {
                Some(variants) => variant_flag(&mut report, &location, variants),
                None => Element::string(json_object(&[], &project_flag(entry))),
            };
            flags.push(flag.with_annotations([key.as_str()]));
        }
    }
    report.into_result()?;
    Sequence::new(flags)
        .encode_to(Vec::new(), Text.with_format(TextFormat::Lines))
        .map_err(|error| {
            vec![Violation {
                constraint: "ion".to_owned(),
                location: String::new(),
                reason: format!("the configuration cannot be encoded as Amazon Ion: {error}"),
                r#type: TYPE_NOT_SATISFIED.to_owned(),
                value: String::new(),
            }]
        })
}

/// `[[rule, content]..., default content]`.
fn variant_flag(report: &mut Report, location: &str, variants: &[Value]) -> Element {
    let list_location = join(location, "_variants");
    let last = variants.len() - 1;
    let mut elements = Vec::with_capacity(variants.len());
    for (index, variant) in variants.iter().enumerate() {
        let location = join(&list_location, index);
        let Some(variant) = expect_object(report, &location, variant) else {
            continue;
        };
        let content = variant_content(report, &location, variant);
        let rule_location = join(&location, "rule");
        // Validation guarantees this shape for stored content: only the last variant has no rule
        // (an empty rule string counts as none).
        let rule = variant.get("rule").filter(|rule| rule.as_str() != Some(""));
        match (rule, index == last) {
            (None, true) => elements.push(content),
            (Some(rule), false) => {
                if let Some(rule) = parse_rule(report, &rule_location, rule) {
                    elements.push(Element::from(List::from(vec![rule, content])));
                }
            }
            (Some(rule), true) => report.push(
                "defaultVariant",
                &rule_location,
                "the last variant is the default variant and must not have a rule".to_owned(),
                rule,
            ),
            (None, false) => report.push(
                "defaultVariant",
                &rule_location,
                "only the last (default) variant may omit its rule".to_owned(),
                &Value::String(String::new()),
            ),
        }
    }
    Element::from(List::from(elements))
}

/// The variant's JSON content string: `_variant`, `enabled`, and the attribute values when enabled.
fn variant_content(report: &mut Report, location: &str, variant: &Map<String, Value>) -> Element {
    let name = match variant.get("name") {
        Some(name @ Value::String(_)) => name.clone(),
        Some(other) => {
            report.wrong_type(&join(location, "name"), "string", other);
            Value::Null
        }
        None => {
            report.missing(&join(location, "name"), "variant name");
            Value::Null
        }
    };
    // As for basic flags, a missing `enabled` means disabled.
    let enabled = variant.get("enabled").and_then(Value::as_bool).unwrap_or(false);
    let mut flag = Map::new();
    flag.insert("enabled".to_owned(), Value::Bool(enabled));
    if enabled
        && let Some(values) = variant.get("attributeValues")
        && let Some(values) = expect_object(report, &join(location, "attributeValues"), values)
    {
        flag.extend(values.iter().map(|(key, value)| (key.clone(), value.clone())));
    }
    Element::string(json_object(&[("_variant", &name)], &flag))
}

/// A rule is Ion text holding exactly one s-expression.
fn parse_rule(report: &mut Report, location: &str, rule: &Value) -> Option<Element> {
    let Some(text) = rule.as_str() else {
        report.wrong_type(location, "string", rule);
        return None;
    };
    let reason = match Element::read_one(text.as_bytes()) {
        Ok(element) if element.as_sexp().is_some() => return Some(element),
        Ok(element) => format!("a rule must be an Ion s-expression, found {}", element.ion_type()),
        Err(error) => format!("a rule must be a single Ion s-expression: {error}"),
    };
    report.push("rule", location, reason, rule);
    None
}

/// Compact JSON text of an object: `leading` members first, then `enabled`, then the remaining
/// members of `flag` in key order. The fixed order matches the documented samples and does not
/// depend on how serde_json's map orders keys.
fn json_object(leading: &[(&str, &Value)], flag: &Map<String, Value>) -> String {
    let mut keys = sorted_keys(flag);
    keys.sort_by_key(|key| key.as_str() != "enabled");
    let members = leading
        .iter()
        .map(|(key, value)| (*key, *value))
        .chain(keys.into_iter().map(|key| (key.as_str(), &flag[key.as_str()])));
    let mut text = String::from("{");
    for (index, (key, value)) in members.enumerate() {
        if index > 0 {
            text.push_str(", ");
        }
        text.push_str(&Value::String(key.to_owned()).to_string());
        text.push_str(": ");
        text.push_str(&value.to_string());
    }
    text.push('}');
    text
}
