//! [`ingest_files`]: a deploy uploaded file by file (CreateDeployment with a `fileMap`,
//! spec amplify.md §6.2), each file already stored as a blob by the upload handler.

use std::sync::Arc;

use bytes::Bytes;
use futures::{StreamExt as _, TryStreamExt as _};
use ramp_blobs::{Blobs, Digest};

use super::error::{IngestError, Name, Origin};
use super::plan::{PlanReport, Planner, Role};
use super::store::{ReuseIndex, Stored, read_upload, store_uploaded};
use super::{Collector, IN_FLIGHT, IngestLimits, content_type};
use crate::Manifest;

/// One uploaded file of a `fileMap` deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// The fileMap key exactly as the client sent it; checked here like an archive entry name.
    pub path: String,
    /// Where the upload handler stored the body.
    pub blob: Digest,
    /// The body's size as the upload handler measured it.
    pub size: u64,
}

/// Turns uploaded files into a manifest: the same name checks, duplicate policy, limits
/// (count, single-file and total size; there is no compression ratio), content types and
/// precompression as [`super::ingest_zip`]. Fails without storing anything when a name or a
/// size is refused.
pub async fn ingest_files(
    blobs: &Blobs,
    files: Vec<UploadedFile>,
    limits: &IngestLimits,
    reuse: Option<&Manifest>,
) -> Result<super::Ingested, IngestError> {
    let count = files.len() as u64;
    if count > limits.max_files {
        return Err(IngestError::TooManyFiles {
            origin: Origin::FileMap,
            count,
            limit: limits.max_files,
        });
    }
    let (planned, report) = plan(&files, limits)?;
    let reuse = Arc::new(ReuseIndex::new(reuse));
    let mut collector = Collector::new();
    let mut outcomes = futures::stream::iter(planned)
        .map(|(file, role)| {
            let reuse = Arc::clone(&reuse);
            async move {
                Ok::<_, IngestError>(match role {
                    Role::Site(path) => {
                        let kind = content_type(&path);
                        let stored = store_uploaded(blobs, &file.path, file.blob, file.size, kind, &reuse).await?;
                        Outcome::Site(path, stored)
                    }
                    Role::CustomHeaders(name) => {
                        Outcome::CustomHeaders(name, read_upload(blobs, &file.path, file.blob, file.size).await?)
                    }
                    Role::Skip => Outcome::Skip,
                })
            }
        })
        .buffer_unordered(IN_FLIGHT);
    while let Some(outcome) = outcomes.try_next().await? {
        match outcome {
            Outcome::Site(path, stored) => collector.add(path, stored),
            Outcome::CustomHeaders(name, content) => {
                collector.custom_headers(name, report.custom_headers, &content)?;
            }
            Outcome::Skip => {}
        }
    }
    drop(outcomes);
    collector.finish(report, Origin::FileMap)
}

enum Outcome {
    Site(String, Stored),
    CustomHeaders(&'static str, Bytes),
    Skip,
}

/// Checks every key and size before anything is read.
fn plan(files: &[UploadedFile], limits: &IngestLimits) -> Result<(Vec<(UploadedFile, Role)>, PlanReport), IngestError> {
    let mut planner = Planner::new(Origin::FileMap, limits);
    let mut total = 0u64;
    let mut planned = Vec::with_capacity(files.len());
    for file in files {
        let role = planner.place(&file.path)?;
        if role == Role::Skip {
            continue;
        }
        if file.size > limits.max_file_bytes {
            return Err(IngestError::FileTooLarge {
                origin: Origin::FileMap,
                name: Name(file.path.clone()),
                limit: limits.max_file_bytes,
            });
        }
        total = total.saturating_add(file.size);
        if total > limits.max_total_bytes {
            return Err(IngestError::TotalTooLarge {
                limit: limits.max_total_bytes,
            });
        }
        planned.push((file.clone(), role));
    }
    Ok((planned, planner.finish()))
}
