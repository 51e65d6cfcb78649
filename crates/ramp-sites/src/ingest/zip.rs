//! [`ingest_zip`]: a deploy uploaded as one zip archive (spec amplify.md §6.5, §11.1, §11.2).

use std::fs::File;
use std::io::{BufReader, Read as _};
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use futures::{StreamExt as _, TryStreamExt as _};
use ramp_blobs::Blobs;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use zip::{CompressionMethod, ZipArchive};

use super::error::{IngestError, Name, Origin};
use super::plan::{PlanReport, Planner, Role};
use super::store::{ReuseIndex, Stored, store_content};
use super::{Collector, IN_FLIGHT, IngestLimits, Ingested, content_type};
use crate::Manifest;

type Archive = ZipArchive<BufReader<File>>;

/// Inflated content waiting to be stored, in KiB: bounds memory whatever the archive holds
/// (one file larger than this waits until it is alone).
const BUDGET_KIB: u32 = 256 * 1024;
/// Inflation happens in reads of this size, each followed by the limit checks.
const CHUNK: usize = 64 * 1024;
/// The declared size is only a hint for the first allocation, never trusted beyond this.
const MAX_PREALLOCATION: u64 = 16 << 20;

/// Ingests the zip archive at `archive` (on the server's disk, as the upload handler left it)
/// into `blobs` and returns its manifest.
///
/// The whole central directory is checked before any entry is inflated: each name (see
/// [`super::site_path`]), links and special files (Unix mode in the external attributes),
/// encryption, the compression method (stored, deflate, deflate64), duplicate names,
/// overlapping entries (the non-recursive zip bomb, spec §11.2), the entry count and the
/// declared sizes. Entries are then inflated in archive order on a blocking thread, counting
/// the bytes produced against the single-file, total and ratio limits, and handed to the
/// storing stage. `customHttp.yml` (or `customHeaders.yaml`) at the root becomes
/// [`Manifest::custom_headers`] and is not served (spec §8.5).
pub async fn ingest_zip(
    blobs: &Blobs,
    archive: &Path,
    limits: &IngestLimits,
    reuse: Option<&Manifest>,
) -> Result<Ingested, IngestError> {
    let size = tokio::fs::metadata(archive)
        .await
        .map_err(|e| IngestError::Io(format!("{}: {e}", archive.display())))?
        .len();
    if size > limits.max_archive_bytes {
        return Err(IngestError::ArchiveTooLarge {
            size,
            limit: limits.max_archive_bytes,
        });
    }
    let (path, checked_limits) = (archive.to_path_buf(), limits.clone());
    let (zip, entries, report) = blocking(move || open(&path, &checked_limits)).await??;

    let (sender, mut receiver) = mpsc::channel(2 * IN_FLIGHT);
    let budget = Arc::new(Semaphore::new(BUDGET_KIB as usize));
    let reader = {
        let (limits, budget, runtime) = (limits.clone(), Arc::clone(&budget), tokio::runtime::Handle::current());
        tokio::task::spawn_blocking(move || inflate_all(zip, entries, &limits, &sender, &budget, &runtime))
    };
    let result = store_all(blobs, &mut receiver, reuse, report).await;
    // Wakes the reader if it waits for budget, so it stops at once on an error.
    budget.close();
    drop(receiver);
    match reader.await {
        Ok(()) => result,
        Err(e) => Err(IngestError::Internal(format!("the archive reader stopped: {e}"))),
    }
}

/// One entry to read, as planned from the central directory.
struct Planned {
    index: usize,
    name: String,
    role: Role,
    compressed_size: u64,
    header_start: u64,
}

/// One entry read.
struct Inflated {
    role: Role,
    content: Bytes,
    /// Its share of the memory budget, released once it is stored.
    _permit: OwnedSemaphorePermit,
}

/// Opens the archive and checks its central directory as a whole.
fn open(path: &Path, limits: &IngestLimits) -> Result<(Archive, Vec<Planned>, PlanReport), IngestError> {
    let file = File::open(path).map_err(|e| IngestError::Io(format!("{}: {e}", path.display())))?;
    let mut zip = ZipArchive::new(BufReader::new(file)).map_err(|e| IngestError::NotZip(e.to_string()))?;
    if zip.has_duplicate_names() {
        return Err(IngestError::DuplicateInDirectory);
    }
    let count = zip.len() as u64;
    if count > limits.max_files {
        return Err(IngestError::TooManyFiles {
            origin: Origin::Archive,
            count,
            limit: limits.max_files,
        });
    }
    let mut planner = Planner::new(Origin::Archive, limits);
    let mut planned = Vec::new();
    let mut declared_total = 0u64;
    for index in 0..zip.len() {
        let entry = zip
            .by_index_data(index)
            .map_err(|e| IngestError::NotZip(e.to_string()))?;
        let name = entry
            .name()
            .map_err(|_| IngestError::Corrupt {
                origin: Origin::Archive,
                name: Name(String::from_utf8_lossy(entry.name_raw()).into_owned()),
                cause: "its name is not valid UTF-8".to_owned(),
            })?
            .into_owned();
        let kind = FileKind::of(entry.unix_mode());
        if let Some(special) = kind.refused() {
            return Err(IngestError::SpecialFile {
                origin: Origin::Archive,
                name: Name(name),
                kind: special,
            });
        }
        // An entry whose mode says directory is one, whatever its name ends with.
        let role = match kind {
            FileKind::Directory => planner.place(&format!("{name}/"))?,
            _ => planner.place(&name)?,
        };
        if role == Role::Skip {
            continue;
        }
        check_readable(&name, entry.encrypted(), entry.compression())?;
        let (size, compressed_size) = (entry.size(), entry.compressed_size());
        declared_total = declared_total.saturating_add(size);
        check_inflated(&name, size, compressed_size, declared_total, limits)?;
        planned.push(Planned {
            index,
            name,
            role,
            compressed_size,
            header_start: entry.header_start(),
        });
    }
    if zip
        .has_overlapping_entries()
        .map_err(|e| IngestError::NotZip(e.to_string()))?
    {
        return Err(IngestError::Overlapping);
    }
    // Archive order: one sequential pass over the file.
    planned.sort_unstable_by_key(|entry| entry.header_start);
    Ok((zip, planned, planner.finish()))
}

/// What an entry's Unix mode says it is (spec §11.1). Archives from Windows carry no Unix
/// mode, and many Unix archivers write permission bits only: both are regular files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Regular,
    Directory,
    Symlink,
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    Unknown,
}

impl FileKind {
    fn of(unix_mode: Option<u32>) -> FileKind {
        match unix_mode.map_or(0, |mode| mode & 0o170_000) {
            0 | 0o100_000 => FileKind::Regular,
            0o040_000 => FileKind::Directory,
            0o120_000 => FileKind::Symlink,
            0o010_000 => FileKind::Fifo,
            0o020_000 => FileKind::CharDevice,
            0o060_000 => FileKind::BlockDevice,
            0o140_000 => FileKind::Socket,
            _ => FileKind::Unknown,
        }
    }

    /// Links are never followed or recreated, not even stored as files: GitHub Pages refuses
    /// them for the same reason, and a link in a site upload is a mistake or an attack.
    fn refused(self) -> Option<&'static str> {
        match self {
            FileKind::Regular | FileKind::Directory => None,
            FileKind::Symlink => Some("a symbolic link"),
            FileKind::Fifo => Some("a named pipe"),
            FileKind::CharDevice => Some("a character device"),
            FileKind::BlockDevice => Some("a block device"),
            FileKind::Socket => Some("a socket"),
            FileKind::Unknown => Some("a special file of unknown type"),
        }
    }
}

fn check_readable(name: &str, encrypted: bool, method: CompressionMethod) -> Result<(), IngestError> {
    if encrypted {
        return Err(IngestError::Encrypted {
            origin: Origin::Archive,
            name: name.into(),
        });
    }
    if !matches!(
        method,
        CompressionMethod::Stored | CompressionMethod::Deflated | CompressionMethod::Deflate64
    ) {
        return Err(IngestError::UnsupportedCompression {
            origin: Origin::Archive,
            name: name.into(),
            method: method.to_string(),
        });
    }
    Ok(())
}

/// Checks `inflated` bytes of the entry `name` (and `total` for the deploy so far) against the
/// limits. Used on the sizes the directory declares, to fail early, and on the bytes actually
/// produced while inflating, which is what counts.
fn check_inflated(
    name: &str,
    inflated: u64,
    compressed: u64,
    total: u64,
    limits: &IngestLimits,
) -> Result<(), IngestError> {
    if inflated > limits.max_file_bytes {
        return Err(IngestError::FileTooLarge {
            origin: Origin::Archive,
            name: name.into(),
            limit: limits.max_file_bytes,
        });
    }
    if total > limits.max_total_bytes {
        return Err(IngestError::TotalTooLarge {
            limit: limits.max_total_bytes,
        });
    }
    if inflated > limits.ratio_min_bytes && inflated > compressed.saturating_mul(limits.max_ratio) {
        return Err(IngestError::RatioExceeded {
            origin: Origin::Archive,
            name: name.into(),
            limit: limits.max_ratio,
        });
    }
    Ok(())
}

/// The reader thread: inflates every planned entry in turn and sends it on, waiting for
/// memory budget. The first error is sent on and ends the reading; a closed channel or budget
/// (the storing side gave up) ends it silently.
fn inflate_all(
    mut zip: Archive,
    entries: Vec<Planned>,
    limits: &IngestLimits,
    sender: &mpsc::Sender<Result<Inflated, IngestError>>,
    budget: &Arc<Semaphore>,
    runtime: &tokio::runtime::Handle,
) {
    let mut total = 0u64;
    let mut chunk = vec![0; CHUNK];
    for entry in entries {
        let content = match inflate(&mut zip, &entry, limits, &mut total, &mut chunk) {
            Ok(content) => content,
            Err(e) => {
                let _ = sender.blocking_send(Err(e));
                return;
            }
        };
        let kib = u32::try_from(content.len().div_ceil(1024))
            .unwrap_or(u32::MAX)
            .clamp(1, BUDGET_KIB);
        let Ok(permit) = runtime.block_on(Arc::clone(budget).acquire_many_owned(kib)) else {
            return;
        };
        let inflated = Inflated {
            role: entry.role,
            content,
            _permit: permit,
        };
        if sender.blocking_send(Ok(inflated)).is_err() {
            return;
        }
    }
}

/// Inflates one entry, checking the limits after every chunk: header sizes are never trusted.
fn inflate(
    zip: &mut Archive,
    entry: &Planned,
    limits: &IngestLimits,
    total: &mut u64,
    chunk: &mut [u8],
) -> Result<Bytes, IngestError> {
    let corrupt = |cause: String| IngestError::Corrupt {
        origin: Origin::Archive,
        name: Name(entry.name.clone()),
        cause,
    };
    let mut file = zip.by_index(entry.index).map_err(|e| corrupt(e.to_string()))?;
    let capacity = file.size().min(limits.max_file_bytes).min(MAX_PREALLOCATION);
    let mut content = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    loop {
        let read = file.read(chunk).map_err(|e| corrupt(e.to_string()))?;
        let Some(bytes) = chunk.get(..read).filter(|bytes| !bytes.is_empty()) else {
            break;
        };
        let inflated = (content.len() + bytes.len()) as u64;
        check_inflated(
            &entry.name,
            inflated,
            entry.compressed_size,
            total.saturating_add(inflated),
            limits,
        )?;
        content.extend_from_slice(bytes);
    }
    *total += content.len() as u64;
    Ok(Bytes::from(content))
}

/// The storing side: stores entries as they arrive, `IN_FLIGHT` at a time.
async fn store_all(
    blobs: &Blobs,
    receiver: &mut mpsc::Receiver<Result<Inflated, IngestError>>,
    reuse: Option<&Manifest>,
    report: PlanReport,
) -> Result<Ingested, IngestError> {
    let reuse = Arc::new(ReuseIndex::new(reuse));
    let mut collector = Collector::new();
    let entries = futures::stream::poll_fn(|cx| receiver.poll_recv(cx));
    let mut outcomes = entries
        .map(|inflated| {
            let reuse = Arc::clone(&reuse);
            async move {
                let Inflated { role, content, _permit } = inflated?;
                match role {
                    Role::Site(path) => {
                        let kind = content_type(&path);
                        let stored = store_content(blobs, content, kind, reuse).await?;
                        Ok::<_, IngestError>(Outcome::Site(path, stored))
                    }
                    Role::CustomHeaders(name) => Ok(Outcome::CustomHeaders(name, content)),
                    Role::Skip => Ok(Outcome::Skip),
                }
            }
        })
        .buffer_unordered(IN_FLIGHT);
    while let Some(outcome) = outcomes.try_next().await? {
        match outcome {
            Outcome::Site(path, stored) => collector.add(path, stored),
            Outcome::CustomHeaders(name, content) => collector.custom_headers(name, report.custom_headers, &content)?,
            Outcome::Skip => {}
        }
    }
    collector.finish(report, Origin::Archive)
}

enum Outcome {
    Site(String, Stored),
    CustomHeaders(&'static str, Bytes),
    Skip,
}

/// Runs blocking `work` (file and zip reading) off the async runtime.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, IngestError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| IngestError::Internal(format!("the archive reader stopped: {e}")))
}
