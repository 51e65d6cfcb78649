//! The retrieval-time document served by `GetLatestConfiguration` (spec §10.4; user guide "type
//! reference for AWS.AppConfig.FeatureFlags", retrieval schema): `{flagKey: {"enabled": bool,
//! attr: value...}}`, built from `values` only. Definitions (`flags`), names, descriptions,
//! constraints and the `_`-prefixed metadata are dropped; attributes appear only for enabled flags,
//! so a disabled flag is exactly `{"enabled": false}` (also observed by floci PR #3890).

use serde_json::{Map, Value};

use crate::Violation;
use crate::report::{Report, expect_object, join, sorted_keys};

/// Projects a stored document. The document passed validation when it was stored, so the only
/// failures left are structural ones (content stored before validation existed, or by hand).
pub(crate) fn project(document: &Value) -> Result<Value, Vec<Violation>> {
    let mut report = Report::default();
    let Some(root) = expect_object(&mut report, "", document) else {
        return Err(report.into_violations());
    };
    let mut served = Map::new();
    if let Some(values) = root
        .get("values")
        .and_then(|values| expect_object(&mut report, "values", values))
    {
        for key in sorted_keys(values) {
            let location = join("values", key);
            if let Some(entry) = expect_object(&mut report, &location, &values[key.as_str()]) {
                served.insert(key.clone(), Value::Object(project_flag(entry)));
            }
        }
    }
    report.into_result().map(|()| Value::Object(served))
}

pub(crate) fn project_flag(entry: &Map<String, Value>) -> Map<String, Value> {
    // A multi-variant flag fetched without an evaluation context gets its default (last) variant:
    // that is the variant that matches when no rule does. `to_retrieval` serves such documents as
    // Amazon Ion (`crate::ion`); this fallback only keeps `to_retrieval_json` callers working. The
    // variant's name is not exposed: the retrieval schema has no room for it.
    let variant = non_empty_variants(entry)
        .and_then(|variants| variants.last())
        .and_then(Value::as_object);
    let (enabled, attributes) = match variant {
        Some(variant) => (
            variant.get("enabled").and_then(Value::as_bool).unwrap_or(false),
            variant.get("attributeValues").and_then(Value::as_object),
        ),
        // `enabled` absent means disabled (see the values validation).
        None => (
            entry.get("enabled").and_then(Value::as_bool).unwrap_or(false),
            Some(entry),
        ),
    };
    let mut flag = Map::new();
    flag.insert("enabled".to_owned(), Value::Bool(enabled));
    if enabled {
        for (key, value) in attributes.into_iter().flatten() {
            if key != "enabled" && !key.starts_with('_') {
                flag.insert(key.clone(), value.clone());
            }
        }
    }
    flag
}

pub(crate) fn non_empty_variants(entry: &Map<String, Value>) -> Option<&Vec<Value>> {
    entry
        .get("_variants")
        .and_then(Value::as_array)
        .filter(|variants| !variants.is_empty())
}

pub(crate) fn has_variants(document: &Value) -> bool {
    document.get("values").and_then(Value::as_object).is_some_and(|values| {
        values
            .values()
            .filter_map(Value::as_object)
            .any(|e| non_empty_variants(e).is_some())
    })
}
