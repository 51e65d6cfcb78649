//! `_createdAt` / `_updatedAt` injection (spec §12 "Feature-flag profiles").
//!
//! AWS adds both timestamps to every `flags.<key>` and every `values.<key>` of the stored version
//! (terraform-provider-aws PR #44847 shows both sections carrying them, e.g.
//! `"_createdAt": "2025-10-28T19:14:35.761Z"`). The two sections are stamped independently, so
//! toggling `enabled` bumps `values.<key>._updatedAt` but leaves `flags.<key>._updatedAt` alone.
//!
//! For each entry:
//! * `_createdAt` is carried over from the latest existing version when the key existed there;
//!   otherwise a `_createdAt` sent by the client is kept (re-submitting an older version, which the
//!   user guide describes as "saving a previous feature flag version to a new version", keeps the
//!   flag's original creation time); otherwise it is `now`.
//! * `_updatedAt` is carried over when the entry, ignoring both timestamps, is identical to the one
//!   in the latest existing version; otherwise it is `now`. A client-sent `_updatedAt` is never
//!   trusted: it describes some earlier version, not this change.
//!
//! The carry-over rules are not documented by AWS; they are what makes the timestamps meaningful
//! and match the behaviour an emulator calibrated against AWS reports.

use serde_json::{Map, Value};

const CREATED_AT: &str = "_createdAt";
const UPDATED_AT: &str = "_updatedAt";

/// Stamps a document that has already passed validation.
pub(crate) fn inject(document: &mut Value, previous: Option<&Value>, now: &str) {
    let Value::Object(root) = document else {
        return;
    };
    for section in ["flags", "values"] {
        let Some(Value::Object(entries)) = root.get_mut(section) else {
            continue;
        };
        let before = previous
            .and_then(|previous| previous.get(section))
            .and_then(Value::as_object);
        for (key, entry) in entries.iter_mut() {
            let Value::Object(entry) = entry else {
                continue;
            };
            let old = before.and_then(|before| before.get(key)).and_then(Value::as_object);
            stamp(entry, old, now);
        }
    }
}

fn stamp(entry: &mut Map<String, Value>, old: Option<&Map<String, Value>>, now: &str) {
    let sent_created = entry.remove(CREATED_AT);
    entry.remove(UPDATED_AT);

    let old_created = old
        .and_then(|old| old.get(CREATED_AT))
        .filter(|value| value.is_string());
    let created = old_created
        .cloned()
        .or(sent_created.filter(Value::is_string))
        .unwrap_or_else(|| Value::String(now.to_owned()));

    let old_updated = old
        .filter(|old| same_content(entry, old))
        .and_then(|old| old.get(UPDATED_AT))
        .filter(|value| value.is_string());
    let updated = old_updated.cloned().unwrap_or_else(|| Value::String(now.to_owned()));

    entry.insert(CREATED_AT.to_owned(), created);
    entry.insert(UPDATED_AT.to_owned(), updated);
}

/// Whether `entry` (already stripped of timestamps) equals `old` ignoring `old`'s timestamps.
/// Map equality is order-insensitive, so re-ordered keys do not count as a change.
fn same_content(entry: &Map<String, Value>, old: &Map<String, Value>) -> bool {
    let meaningful = |key: &String| key != CREATED_AT && key != UPDATED_AT;
    let old_len = old.keys().filter(|key| meaningful(key)).count();
    old_len == entry.len() && entry.iter().all(|(key, value)| old.get(key) == Some(value))
}
