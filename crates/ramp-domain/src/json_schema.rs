//! `JSON_SCHEMA` validators (spec/appconfig.md §11.2): AppConfig checks configurations against
//! inline JSON Schemas, draft-04 unless the schema names another draft with `$schema`.

use jsonschema::Draft;
use serde_json::Value;

use crate::error::InvalidConfigurationDetail;

fn compile(schema: &str) -> Result<jsonschema::Validator, String> {
    // The model allows empty validator content (0–32768 characters, spec/appconfig.md §2.3) and
    // Terraform sends it; an empty schema constrains nothing, like `{}`.
    let schema = if schema.trim().is_empty() { "{}" } else { schema };
    let schema: Value = serde_json::from_str(schema).map_err(|e| format!("the schema is not valid JSON: {e}"))?;
    let mut options = jsonschema::options();
    if schema.get("$schema").is_none() {
        options = options.with_draft(Draft::Draft4);
    }
    options
        .build(&schema)
        .map_err(|e| format!("the schema is not a valid JSON Schema: {e}"))
}

/// Checks a validator's `Content` when a profile is created or updated.
pub fn check_schema(schema: &str) -> Result<(), String> {
    compile(schema).map(|_| ())
}

/// Validates `content` against `schema`, describing every violation.
pub fn validate(schema: &str, content: &[u8]) -> Result<(), Vec<InvalidConfigurationDetail>> {
    let detail = |location: String, reason: String, value: String| InvalidConfigurationDetail {
        constraint: "JSON_SCHEMA".to_owned(),
        location,
        reason,
        detail_type: "JSON_SCHEMA".to_owned(),
        value,
    };
    let validator = compile(schema).map_err(|e| vec![detail(String::new(), e, String::new())])?;
    let instance: Value = serde_json::from_slice(content).map_err(|e| {
        vec![detail(
            String::new(),
            format!("the configuration is not valid JSON: {e}"),
            String::new(),
        )]
    })?;
    let errors: Vec<_> = validator
        .iter_errors(&instance)
        .map(|e| {
            detail(
                e.instance_path().to_string(),
                e.to_string(),
                truncate(&e.instance().to_string()),
            )
        })
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

fn truncate(text: &str) -> String {
    text.chars().take(256).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str =
        r#"{"type":"object","properties":{"limit":{"type":"integer","maximum":10}},"required":["limit"]}"#;

    #[test]
    fn accepts_and_rejects() {
        assert!(validate(SCHEMA, br#"{"limit": 5}"#).is_ok());
        let errors = validate(SCHEMA, br#"{"limit": 50}"#).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].location, "/limit");
        assert!(validate(SCHEMA, b"{}").is_err());
        assert!(validate(SCHEMA, b"not json").is_err());
    }

    #[test]
    fn schema_itself_is_checked() {
        assert!(check_schema(SCHEMA).is_ok());
        assert!(check_schema("{").is_err());
        assert!(check_schema("").is_ok(), "empty content is allowed by the model");
        assert!(validate("", br#"{"anything": 1}"#).is_ok());
        assert!(check_schema(r#"{"type": 12}"#).is_err());
    }
}
