//! `AWS.AppConfig.FeatureFlags` documents (spec §12, §12.1, §10.4, §13.1).
//!
//! AppConfig treats hosted content of a feature-flag profile specially:
//!
//! * At `CreateHostedConfigurationVersion` the content is validated against the published
//!   feature-flag schema and against the attribute constraints it declares; violations become a
//!   `BadRequestException` with `Reason: "InvalidConfiguration"` and one
//!   `Details.InvalidConfiguration` entry per problem (spec §12 "Feature-flag profiles", §13.1).
//!   [`prepare_for_storage`] does that and returns the bytes to store.
//! * AppConfig injects `_createdAt` / `_updatedAt` under every `flags.<key>` and `values.<key>`,
//!   so what is stored (and returned by `GetHostedConfigurationVersion`) differs from what was sent
//!   (spec §12; terraform-provider-aws PR #44847).
//! * `GetLatestConfiguration` serves a flattened "retrieval-time" document instead of the stored
//!   one (spec §10.4): [`to_retrieval`], which is JSON ([`to_retrieval_json`]) unless some flag has
//!   variants, in which case it is the Amazon Ion document the AppConfig Agent evaluates (`ion.rs`).
//!
//! Location strings use dotted paths relative to the document root (`values.myFlag.limit`,
//! `values.myFlag._variants.0.rule`, `version`); the empty string names the whole document.
//! Flag and attribute keys cannot contain dots (their key pattern forbids it), so the path is
//! unambiguous. This follows the style a third-party emulator calibrated against AWS uses; the exact
//! AWS wording is unconfirmed.

mod constraints;
mod ion;
mod metadata;
mod report;
mod retrieval;
mod validate;

use std::fmt;

use serde_json::Value;

/// One entry of BadRequestException.Details.InvalidConfiguration.
///
/// Field meanings follow the `InvalidConfigurationDetail` shape (spec §13.1): `constraint` names the
/// violated rule (a JSON Schema keyword such as `maxLength`, `required`, `additionalProperties`, or
/// a semantic rule such as `declaredAttribute`, `defaultVariant`), `location` the dotted path of the
/// offending element, `reason` a human-readable explanation, `type` the error type (`NotSatisfied`,
/// or `Malformed` when the content is not JSON at all) and `value` the offending value (strings
/// verbatim, anything else JSON-encoded, empty when the element is missing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub constraint: String,
    pub location: String,
    pub reason: String,
    pub r#type: String,
    pub value: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}", self.reason)
        } else {
            write!(f, "{}: {}", self.location, self.reason)
        }
    }
}

/// `Violation::type` of the single violation reported for content that is not JSON.
pub const TYPE_MALFORMED: &str = "Malformed";
/// `Violation::type` of every other violation.
pub const TYPE_NOT_SATISFIED: &str = "NotSatisfied";

/// `BadRequestException.Message` AWS returns when the content cannot be parsed at all. Observed from
/// real AWS in aws-sdk-java-v2 issue #5465.
pub const MALFORMED_CONTENT_MESSAGE: &str =
    "Error invoking extension AppConfig Feature Flags Helper: Malformed 'Content' provided";
/// `BadRequestException.Message` for parseable content that violates the schema or constraints.
/// UNCONFIRMED: taken from a third-party emulator that mirrors the wording of the message above.
pub const INVALID_CONTENT_MESSAGE: &str =
    "Error invoking extension AppConfig Feature Flags Helper: Invalid 'Content' data";

/// The `BadRequestException.Message` to send with `violations` (as returned by this crate).
pub fn error_message(violations: &[Violation]) -> &'static str {
    if violations.iter().any(|v| v.r#type == TYPE_MALFORMED) {
        MALFORMED_CONTENT_MESSAGE
    } else {
        INVALID_CONTENT_MESSAGE
    }
}

/// Validates a feature-flag document for storage and returns the bytes AppConfig stores: the
/// document with `_createdAt`/`_updatedAt` injected. `previous` is the latest existing version's
/// stored content (if any) so a flag that existed keeps its `_createdAt` and an unchanged flag keeps
/// its `_updatedAt`; `now_iso8601` is the server clock's time formatted like "2024-05-01T12:00:00.000Z".
///
/// All violations are returned, in a deterministic order: the envelope (`version`, then unknown
/// top-level keys), then `flags`, then `values`, with keys sorted within each object.
pub fn prepare_for_storage(
    content: &[u8],
    previous: Option<&[u8]>,
    now_iso8601: &str,
) -> Result<Vec<u8>, Vec<Violation>> {
    let mut document = parse(content)?;
    validate::validate(&document)?;
    // A previous version that no longer parses (it was stored by us, so this should not happen)
    // only costs the carried-over timestamps; it must not block new versions.
    let previous = previous.and_then(|bytes| serde_json::from_slice::<Value>(bytes).ok());
    metadata::inject(&mut document, previous.as_ref(), now_iso8601);
    serde_json::to_vec(&document).map_err(|error| vec![report::malformed(&error)])
}

/// The media type of the JSON retrieval-time format (spec §10.4).
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// The media type ramp serves Ion feature flags with. UNCONFIRMED (spec §10.4): derived from the
/// file extension the AppConfig Agent's local development mode requires for such files,
/// `.application%ion%type=AWS.AppConfig.FeatureFlags`.
pub const ION_CONTENT_TYPE: &str = "application/ion;type=AWS.AppConfig.FeatureFlags";

/// The retrieval-time configuration of a stored flag document: (bytes, content type). JSON
/// ([`JSON_CONTENT_TYPE`], see [`to_retrieval_json`]) unless the document has multi-variant flags
/// (see [`has_variants`]); then Amazon Ion text ([`ION_CONTENT_TYPE`]) in the shape AWS documents
/// for the AppConfig Agent, with every flag of the configuration (basic ones too) in it.
pub fn to_retrieval(stored: &[u8]) -> Result<(Vec<u8>, &'static str), Vec<Violation>> {
    let document = parse(stored)?;
    if retrieval::has_variants(&document) {
        Ok((ion::encode(&document)?, ION_CONTENT_TYPE))
    } else {
        Ok((project_json(&document)?, JSON_CONTENT_TYPE))
    }
}

/// The retrieval-time JSON clients receive (spec §10.4): `{flagKey: {"enabled": bool,
/// ...attributes}}`; attributes only when enabled; metadata and definitions stripped.
///
/// A multi-variant flag is reduced to its default variant here; [`to_retrieval`] serves documents
/// with such flags as Ion instead.
pub fn to_retrieval_json(stored: &[u8]) -> Result<Vec<u8>, Vec<Violation>> {
    project_json(&parse(stored)?)
}

fn project_json(document: &Value) -> Result<Vec<u8>, Vec<Violation>> {
    let retrieval = retrieval::project(document)?;
    serde_json::to_vec(&retrieval).map_err(|error| vec![report::malformed(&error)])
}

/// Whether any flag in the stored document has `_variants` (such documents are served as Amazon Ion
/// by [`to_retrieval`]).
///
/// An empty `_variants` array does not count: such a flag has no variant to evaluate and is served
/// like a basic flag. Unparseable content has no variants.
pub fn has_variants(stored: &[u8]) -> bool {
    serde_json::from_slice::<Value>(stored).is_ok_and(|document| retrieval::has_variants(&document))
}

fn parse(content: &[u8]) -> Result<Value, Vec<Violation>> {
    serde_json::from_slice(content).map_err(|error| vec![report::malformed(&error)])
}
