//! Fetching a deploy's content from where StartDeployment's `sourceUrl` points (spec
//! amplify.md §6.4), safely (§11.4).
//!
//! * [`fetch_zip`]: an `http(s)://` URL to a zip, downloaded to a file with only public
//!   addresses reachable (unless the operator allows private ones), every redirect re-checked,
//!   and size and time capped.
//! * [`fetch_prefix`] (`BUCKET_PREFIX`) and [`fetch_object`] (`ZIP` at `s3://bucket/key`):
//!   ramp's configured S3-compatible service, limited to an allowlist of buckets when one is set.
//!
//! What is fetched is not yet trusted: the zip is checked when extracted and the bucket's keys
//! are checked as paths by `ingest`. Every [`SourceError`] reads as a job failure reason.

mod address;
mod bucket;
mod error;
mod target;
mod url;

pub use address::Restricted;
pub use bucket::{BucketAccess, FetchedObject, PrefixLimits, S3Source, fetch_object, fetch_prefix};
pub use error::{ALLOW_PRIVATE_FLAG, SourceError, Subject};
pub use url::{FetchPolicy, fetch_zip};

#[cfg(test)]
mod tests;
