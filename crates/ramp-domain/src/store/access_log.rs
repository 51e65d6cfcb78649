//! The access log's storage form, shared by every backend: one row per (region, app) per
//! appended batch, its entries postcard-encoded, with the span of their times for range reads
//! and pruning. postcard is not self-describing: a change to `AccessLogEntry`'s fields needs a
//! migration that empties the table.

use std::collections::HashMap;

use super::{Error, Result};
use crate::amplify::AccessLogEntry;

/// One stored row: an app's entries of one batch, encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLogBatch {
    pub region: String,
    pub app_id: String,
    /// Earliest and latest entry times, epoch milliseconds.
    pub first_time: i64,
    pub last_time: i64,
    pub count: i64,
    pub entries: Vec<u8>,
}

impl AccessLogBatch {
    /// The appended entries split by app, each app's in appended order.
    pub fn split(entries: &[AccessLogEntry]) -> Result<Vec<AccessLogBatch>> {
        let mut by_app: HashMap<(&str, &str), Vec<&AccessLogEntry>> = HashMap::new();
        for e in entries {
            by_app
                .entry((e.region.as_str(), e.app_id.as_str()))
                .or_default()
                .push(e);
        }
        by_app
            .into_iter()
            .map(|((region, app_id), entries)| Self::of(region, app_id, &entries))
            .collect()
    }

    /// The row holding `entries` of one app (a new batch, or a pruned one rewritten).
    pub fn of<E>(region: &str, app_id: &str, entries: &[E]) -> Result<AccessLogBatch>
    where
        E: std::borrow::Borrow<AccessLogEntry> + serde::Serialize,
    {
        let times = entries.iter().map(|e| e.borrow().time.millis());
        Ok(AccessLogBatch {
            region: region.to_owned(),
            app_id: app_id.to_owned(),
            first_time: times.clone().min().unwrap_or_default(),
            last_time: times.max().unwrap_or_default(),
            count: i64::try_from(entries.len()).unwrap_or(i64::MAX),
            entries: postcard::to_allocvec(entries)
                .map_err(|e| Error::Unavailable(format!("cannot encode access log entries: {e}")))?,
        })
    }

    /// The entries of stored row `id`.
    pub fn decode(id: i64, blob: &[u8]) -> Result<Vec<AccessLogEntry>> {
        postcard::from_bytes(blob)
            .map_err(|e| Error::Unavailable(format!("access log batch {id} cannot be decoded: {e}")))
    }
}
