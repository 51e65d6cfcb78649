//! Ingest: an uploaded deploy → content-addressed blobs + a [`Manifest`] (spec amplify.md §6,
//! §11.1, §11.2, §11.6).
//!
//! Two upload styles share one pipeline:
//! * [`ingest_zip`]: the `zipUploadUrl` style. The archive's central directory is checked as a
//!   whole first (names, types, methods, encryption, duplicates, overlaps, declared sizes), so
//!   a bad archive fails before anything is stored; then entries are inflated one at a time on
//!   a blocking thread, counting bytes against every limit.
//! * [`ingest_files`]: the `fileUploadUrls` style, where each file is already a blob.
//!
//! Each file is then hashed and precompressed on rayon's pool (one thread per core) while its
//! blobs are written concurrently (`IN_FLIGHT` at once, since the directory backend fsyncs each
//! one). Memory stays bounded by a byte budget on inflated content waiting to be stored.
//!
//! A file whose content and type appear in the previous deploy's manifest (`reuse`) keeps that
//! deploy's variants: the same zip deployed again hashes its files and checks its blobs exist,
//! and compresses nothing.

mod compress;
mod content_type;
mod error;
mod files;
mod limits;
mod paths;
mod plan;
mod store;
mod zip;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

pub use self::zip::ingest_zip;
pub use content_type::content_type;
pub use error::{IngestError, Name, Origin};
pub use files::{UploadedFile, ingest_files};
pub use limits::IngestLimits;
pub use paths::{PathError, SitePath, site_path};
pub use plan::CUSTOM_HEADERS_FILES;

use crate::{Manifest, SiteFile};
use limits::human_bytes;
use plan::PlanReport;
use store::Stored;

/// Files whose blobs are being written at once.
const IN_FLIGHT: usize = 32;

/// A deploy ingested: its manifest (not yet stored; see [`Manifest::store`]) and an account
/// for the job log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    pub manifest: Manifest,
    /// Files in the manifest.
    pub files: u64,
    /// Their total size, uncompressed.
    pub bytes: u64,
    /// Files whose precompressed variants were taken from the previous deploy (`reuse`).
    pub reused: u64,
    /// Lines for the job log, in Amplify's style (`[INFO]: …`, `[WARNING]: …`).
    pub log: Vec<String>,
}

/// Assembles the manifest as files are stored, in whatever order they finish.
struct Collector {
    files: BTreeMap<String, SiteFile>,
    custom_headers: Option<String>,
    bytes: u64,
    reused: u64,
    gzip: u64,
    br: u64,
}

impl Collector {
    fn new() -> Collector {
        Collector {
            files: BTreeMap::new(),
            custom_headers: None,
            bytes: 0,
            reused: 0,
            gzip: 0,
            br: 0,
        }
    }

    fn add(&mut self, path: String, stored: Stored) {
        self.bytes += stored.file.size;
        self.reused += u64::from(stored.reused);
        self.gzip += u64::from(stored.file.gzip.is_some());
        self.br += u64::from(stored.file.br.is_some());
        self.files.insert(path, stored.file);
    }

    /// Keeps the custom headers file `name` if the plan chose it (spec §8.5).
    fn custom_headers(&mut self, name: &str, chosen: Option<&str>, content: &[u8]) -> Result<(), IngestError> {
        if chosen != Some(name) {
            return Ok(());
        }
        let text = std::str::from_utf8(content).map_err(|_| IngestError::CustomHeadersNotText { name: name.into() })?;
        self.custom_headers = Some(text.to_owned());
        Ok(())
    }

    fn finish(self, plan: PlanReport, origin: Origin) -> Result<Ingested, IngestError> {
        if self.files.is_empty() {
            return Err(IngestError::Empty { origin });
        }
        let files = self.files.len() as u64;
        let source = match origin {
            Origin::Archive => "the archive",
            Origin::FileMap => "the uploaded files",
        };
        let mut log = vec![format!(
            "[INFO]: Deploying {files} files ({}) from {source}",
            human_bytes(self.bytes)
        )];
        log.extend(plan.log);
        if let Some(name) = plan.custom_headers {
            log.push(format!(
                "[INFO]: Using the custom headers in {name}; the file itself is not served"
            ));
        }
        log.push(format!(
            "[INFO]: Precompressed variants: {} gzip, {} brotli; {} unchanged files reused the previous deploy's",
            self.gzip, self.br, self.reused
        ));
        Ok(Ingested {
            manifest: Manifest {
                files: self.files,
                custom_headers: self.custom_headers,
            },
            files,
            bytes: self.bytes,
            reused: self.reused,
            log,
        })
    }
}
