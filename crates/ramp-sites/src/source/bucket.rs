//! `s3://` sources (spec amplify.md §6.4): the objects under a prefix (`BUCKET_PREFIX`) or one
//! zip object (`ZIP`), read from ramp's configured S3-compatible service. Only that service is
//! ever contacted, so an `s3://` URL cannot be turned against another host; which of its
//! buckets may be read is the allowlist's business (§11.4).

use std::collections::HashSet;
use std::fmt;
use std::path::Path as FilePath;

use bytes::{Bytes, BytesMut};
use futures::{StreamExt as _, TryStreamExt as _};
use object_store::aws::AmazonS3;
use object_store::path::Path;
use object_store::{GetResult, ObjectStore, ObjectStoreExt as _};
use ramp_blobs::{Blobs, Digest, S3Options};
use tokio::io::AsyncWriteExt as _;

use super::error::{SourceError, chain};

/// How ramp reaches the buckets sources name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketAccess {
    /// Endpoint, region, credentials and addressing style, as for ramp's blob store.
    pub s3: S3Options,
    /// The buckets a `sourceUrl` may name. Empty: any bucket ramp's credentials can read,
    /// which includes the blob store's own bucket if it is on the same service.
    pub allowed_buckets: Vec<String>,
}

/// Budgets of one `BUCKET_PREFIX` fetch (spec §11.2 applies to buckets as to zips).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefixLimits {
    pub max_objects: usize,
    pub max_total_bytes: u64,
    /// One object; it is held in memory while stored as a blob.
    pub max_object_bytes: u64,
    /// Objects copied at once.
    pub concurrency: usize,
}

impl Default for PrefixLimits {
    fn default() -> PrefixLimits {
        PrefixLimits {
            max_objects: 20_000,
            max_total_bytes: 5 * 1024 * 1024 * 1024,
            max_object_bytes: 512 * 1024 * 1024,
            concurrency: 8,
        }
    }
}

/// One object of a prefix, stored as a blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedObject {
    /// The key after the prefix and its `/`, unchanged: the caller validates it as a site path.
    pub path: String,
    pub blob: Digest,
    pub size: u64,
}

/// An `s3://bucket[/key]` URL, parsed strictly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Source {
    bucket: String,
    /// `None`: the whole bucket. Never empty, without leading or trailing `/`.
    key: Option<String>,
}

impl S3Source {
    /// Reads `s3://bucket`, `s3://bucket/` (the whole bucket) or `s3://bucket/key/prefix[/]`.
    pub fn parse(url: &str) -> Result<S3Source, SourceError> {
        let invalid = |reason: String| SourceError::InvalidS3Url {
            url: url.to_owned(),
            reason,
        };
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| invalid("it does not start with s3://".to_owned()))?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        check_bucket_name(bucket).map_err(invalid)?;
        let key = key.trim_end_matches('/');
        if key.is_empty() {
            return Ok(S3Source {
                bucket: bucket.to_owned(),
                key: None,
            });
        }
        // object_store's rules for a path, so the key means exactly what it says; it would
        // silently drop a leading `/`, so empty segments are refused here first.
        if key.split('/').any(str::is_empty) {
            return Err(invalid(format!(
                "the key {key:?} is not usable: it has an empty segment"
            )));
        }
        Path::parse(key).map_err(|e| invalid(format!("the key {key:?} is not usable: {e}")))?;
        Ok(S3Source {
            bucket: bucket.to_owned(),
            key: Some(key.to_owned()),
        })
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The key or prefix, without trailing `/`; `None` for the whole bucket.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }
}

impl fmt::Display for S3Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.key {
            Some(key) => write!(f, "s3://{}/{key}", self.bucket),
            None => write!(f, "s3://{}", self.bucket),
        }
    }
}

/// AWS's bucket naming rules, which MinIO and Ceph share: 3-63 characters of lowercase
/// letters, digits, `.` and `-`, starting and ending with a letter or digit, no `..`, and not
/// shaped like an IPv4 address.
fn check_bucket_name(bucket: &str) -> Result<(), String> {
    let problem = if bucket.is_empty() {
        "it names no bucket; expected s3://bucket/prefix".to_owned()
    } else if !(3..=63).contains(&bucket.len()) {
        format!("bucket name {bucket:?} is not 3 to 63 characters long")
    } else if let Some(c) = bucket
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-')))
    {
        format!("bucket name {bucket:?} contains {c:?}; only lowercase letters, digits, '.' and '-' are allowed")
    } else if !bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !bucket.ends_with(|c: char| c.is_ascii_alphanumeric())
    {
        format!("bucket name {bucket:?} must start and end with a letter or digit")
    } else if bucket.contains("..") {
        format!("bucket name {bucket:?} contains \"..\"")
    } else if bucket.parse::<std::net::Ipv4Addr>().is_ok() {
        format!("bucket name {bucket:?} is shaped like an IP address")
    } else {
        return Ok(());
    };
    Err(problem)
}

/// Stores every object under `url`'s prefix (the whole bucket without one) in `blobs`.
/// Directory markers (keys ending in `/`) are skipped; the result is sorted by path.
pub async fn fetch_prefix(
    s3: &BucketAccess,
    url: &str,
    blobs: &Blobs,
    limits: PrefixLimits,
) -> Result<Vec<FetchedObject>, SourceError> {
    let source = S3Source::parse(url)?;
    let store = s3.open(&source)?;
    let listed = list(&store, &source, &limits).await?;
    if listed.is_empty() {
        return Err(SourceError::EmptyPrefix {
            url: source.to_string(),
        });
    }
    let mut fetched: Vec<FetchedObject> = futures::stream::iter(listed)
        .map(|object| copy(&store, &source, blobs, object, limits.max_object_bytes))
        .buffer_unordered(limits.concurrency.max(1))
        .try_collect()
        .await?;
    fetched.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(fetched)
}

/// Downloads the object `url` names into the file `into` and returns its size. On failure
/// `into` is removed.
pub async fn fetch_object(s3: &BucketAccess, url: &str, max_bytes: u64, into: &FilePath) -> Result<u64, SourceError> {
    let source = S3Source::parse(url)?;
    let Some(key) = source.key() else {
        return Err(SourceError::InvalidS3Url {
            url: url.to_owned(),
            reason: "it names a bucket, not an object; a ZIP source is s3://bucket/path/to/site.zip".to_owned(),
        });
    };
    let store = s3.open(&source)?;
    let fetched = save(&store, &source, &Path::from(key), max_bytes, into).await;
    if fetched.is_err() {
        let _ = tokio::fs::remove_file(into).await;
    }
    fetched
}

/// An object found by the listing: its store path, its path relative to the prefix, its size.
struct Listed {
    location: Path,
    path: String,
    size: u64,
}

/// The objects under `source`'s prefix, within the count and size budgets.
async fn list(store: &AmazonS3, source: &S3Source, limits: &PrefixLimits) -> Result<Vec<Listed>, SourceError> {
    let prefix = source.key().map(Path::from);
    let strip = source.key().map(|key| format!("{key}/")).unwrap_or_default();
    let mut objects = store.list(prefix.as_ref());
    let mut listed = Vec::new();
    let mut total: u64 = 0;
    while let Some(meta) = objects.try_next().await.map_err(|e| s3_error(source, &e))? {
        let path = meta.location.as_ref().strip_prefix(strip.as_str()).unwrap_or_default();
        // The prefix's own directory marker.
        if path.is_empty() {
            continue;
        }
        total = total.saturating_add(meta.size);
        if total > limits.max_total_bytes {
            return Err(SourceError::PrefixTooLarge {
                url: source.to_string(),
                limit: limits.max_total_bytes,
            });
        }
        if listed.len() >= limits.max_objects {
            return Err(SourceError::TooManyObjects {
                url: source.to_string(),
                limit: limits.max_objects,
            });
        }
        listed.push(Listed {
            path: path.to_owned(),
            location: meta.location,
            size: meta.size,
        });
    }
    Ok(without_directory_markers(listed))
}

/// object_store drops the trailing `/` of a key, so a directory marker `a/b/` is listed as an
/// empty object `a/b`. An empty object whose path is the directory of another object is such a
/// marker (or an empty file no site could serve beside that directory) and is left out.
fn without_directory_markers(listed: Vec<Listed>) -> Vec<Listed> {
    let directories: HashSet<&str> = listed
        .iter()
        .flat_map(|object| {
            let path = object.path.as_str();
            path.match_indices('/').filter_map(|(end, _)| path.get(..end))
        })
        .collect();
    let markers: HashSet<String> = listed
        .iter()
        .filter(|object| object.size == 0 && directories.contains(object.path.as_str()))
        .map(|object| object.path.clone())
        .collect();
    listed
        .into_iter()
        .filter(|object| !markers.contains(&object.path))
        .collect()
}

/// Reads one listed object and stores it as a blob.
async fn copy(
    store: &AmazonS3,
    source: &S3Source,
    blobs: &Blobs,
    object: Listed,
    max_object_bytes: u64,
) -> Result<FetchedObject, SourceError> {
    let url = format!("s3://{}/{}", source.bucket(), object.location);
    if object.size > max_object_bytes {
        return Err(SourceError::ObjectTooLarge {
            url,
            size: object.size,
            limit: max_object_bytes,
        });
    }
    let found = get(store, source, &object.location).await?;
    let content = read_capped(found, &url, max_object_bytes).await?;
    let size = content.len() as u64;
    let blob = blobs
        .put(content)
        .await
        .map_err(|e| SourceError::Store { cause: e.to_string() })?;
    Ok(FetchedObject {
        path: object.path,
        blob,
        size,
    })
}

async fn get(store: &AmazonS3, source: &S3Source, location: &Path) -> Result<GetResult, SourceError> {
    store.get(location).await.map_err(|e| match e {
        object_store::Error::NotFound { .. } => SourceError::ObjectNotFound {
            url: format!("s3://{}/{location}", source.bucket()),
        },
        other => s3_error(source, &other),
    })
}

/// The object's content, refused once it passes `limit` (it may have grown since the listing).
async fn read_capped(found: GetResult, url: &str, limit: u64) -> Result<Bytes, SourceError> {
    let mut content = BytesMut::new();
    let mut chunks = found.into_stream();
    while let Some(chunk) = chunks.try_next().await.map_err(|e| SourceError::S3 {
        url: url.to_owned(),
        cause: chain(&e),
    })? {
        if (content.len() + chunk.len()) as u64 > limit {
            return Err(SourceError::ObjectTooLarge {
                url: url.to_owned(),
                size: (content.len() + chunk.len()) as u64,
                limit,
            });
        }
        content.extend_from_slice(&chunk);
    }
    Ok(content.freeze())
}

/// Streams one object into a file, refusing it once it passes `max_bytes`.
async fn save(
    store: &AmazonS3,
    source: &S3Source,
    location: &Path,
    max_bytes: u64,
    into: &FilePath,
) -> Result<u64, SourceError> {
    let found = get(store, source, location).await?;
    if found.meta.size > max_bytes {
        return Err(SourceError::TooLarge {
            limit: max_bytes,
            declared: Some(found.meta.size),
        });
    }
    let local = |e: std::io::Error| SourceError::LocalWrite { cause: e.to_string() };
    let mut file = tokio::fs::File::create(into).await.map_err(local)?;
    let mut written: u64 = 0;
    let mut chunks = found.into_stream();
    while let Some(chunk) = chunks.try_next().await.map_err(|e| s3_error(source, &e))? {
        written = written.saturating_add(chunk.len() as u64);
        if written > max_bytes {
            return Err(SourceError::TooLarge {
                limit: max_bytes,
                declared: None,
            });
        }
        file.write_all(&chunk).await.map_err(local)?;
    }
    file.flush().await.map_err(local)?;
    Ok(written)
}

fn s3_error(source: &S3Source, error: &object_store::Error) -> SourceError {
    SourceError::S3 {
        url: source.to_string(),
        cause: chain(error),
    }
}

impl BucketAccess {
    /// A client for `source`'s bucket, if the allowlist lets it be read.
    fn open(&self, source: &S3Source) -> Result<AmazonS3, SourceError> {
        if !self.allowed_buckets.is_empty() && !self.allowed_buckets.iter().any(|b| b == source.bucket()) {
            return Err(SourceError::BucketNotAllowed {
                bucket: source.bucket().to_owned(),
            });
        }
        ramp_blobs::bucket_client(source.bucket(), &self.s3, &format!("s3://{}", source.bucket()))
            .map(|(client, _)| client)
            .map_err(|e| SourceError::S3Config { reason: e.to_string() })
    }
}
