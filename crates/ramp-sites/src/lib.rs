//! Amplify Hosting sites (spec `amplify.md` §6, §8, §11).
//!
//! A *deploy* is what one successful job publishes: a [`Manifest`] mapping each path of the site
//! to a content-addressed blob in `ramp-blobs` (plus its precompressed variants). Nothing is ever
//! written to a filesystem tree keyed by user paths, so serving is a lookup in the manifest and
//! traversal or symlink tricks have nothing to reach (spec §11.1, §11.3).
//!
//! * [`manifest`]: the deploy's file index, stored as a blob of its own.
//! * [`ingest`]: archive (zip), per-file uploads, URL and bucket-prefix sources → blobs + manifest,
//!   with the security limits of spec §11.
//! * [`serve`]: a deploy plus its app's and branch's settings → HTTP responses (rules, headers,
//!   basic auth, conditional and range requests, precompressed variants), from a bounded cache.
//!
//! This crate knows nothing of the AWS API or of ramp's store: the server maps Amplify's
//! resources to these types.

pub mod ingest;
pub mod manifest;
pub mod serve;
pub mod source;

pub use manifest::{Encoded, Manifest, ManifestError, SiteFile};
