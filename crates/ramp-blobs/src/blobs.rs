//! [`Blobs`]: put, get, check and delete content by its SHA-256.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use futures::StreamExt as _;
use futures::stream::BoxStream;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt as _, PutPayload};

use crate::Digest;
use crate::backend;
use crate::error::{Error, chain};
use crate::location::{BlobLocation, S3Options};

/// Content hashed above this size is hashed on a blocking thread, not the async runtime.
const INLINE_HASH_LIMIT: usize = 256 * 1024;
/// Part size of streamed writes (S3's minimum part is 5 MiB).
const STREAM_CHUNK: usize = 8 * 1024 * 1024;

/// A stored blob as [`Blobs::list_with_times`] lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListedBlob {
    pub digest: Digest,
    pub size: u64,
    /// When the blob was last written, by the backend's wall clock.
    pub last_modified: SystemTime,
}

/// A content-addressed blob store. Cloning is cheap and clones share one connection pool.
///
/// A blob's key is `sha256/<first two hex digits>/<other 62 hex digits>` under the
/// location's prefix (the two-digit level keeps directories small on a filesystem).
#[derive(Clone)]
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
    description: Arc<str>,
}

impl Blobs {
    /// Opens the store at `location` (`options` apply to S3 only) and checks that it answers,
    /// so a wrong bucket, endpoint or credential fails here and not at the first deploy.
    /// A directory is created if missing.
    pub async fn open(location: &BlobLocation, options: &S3Options) -> Result<Blobs, Error> {
        let backend = match location {
            BlobLocation::Directory(path) => backend::directory(path.clone()).await?,
            BlobLocation::S3(s3) => backend::s3(s3, options)?,
        };
        let blobs = Blobs {
            store: backend.store,
            description: backend.description.into(),
        };
        // One listing (one request on S3) proves the bucket exists and the credentials may
        // read it. Writes are not probed: that would leave objects behind.
        blobs
            .store
            .list_with_delimiter(None)
            .await
            .map_err(|e| Error::Unreachable {
                backend: blobs.description.to_string(),
                cause: chain(&e),
            })?;
        Ok(blobs)
    }

    /// A store in this process's memory, for tests of code that uses blobs.
    pub fn in_memory() -> Blobs {
        Blobs {
            store: Arc::new(InMemory::new()),
            description: "memory".into(),
        }
    }

    /// The backend in one line for logs: the directory, or `s3://bucket[/prefix]` followed by
    /// ` at <endpoint>` when the endpoint is not AWS's.
    pub fn describe(&self) -> &str {
        &self.description
    }

    /// Stores `content` and returns its digest. Storing content that is already there writes
    /// nothing, so uploading the same file in many deploys costs one object.
    pub async fn put(&self, content: Bytes) -> Result<Digest, Error> {
        let digest = hash(content.clone()).await;
        let key = key(&digest);
        match self.store.head(&key).await {
            // The same size under this name is taken as the same content; `get` still checks.
            Ok(meta) if meta.size == content.len() as u64 => {
                tracing::debug!(%digest, "blob already stored");
                return Ok(digest);
            }
            // A different size cannot be this content: a damaged copy, replaced below.
            Ok(meta) => tracing::warn!(%digest, size = meta.size, "replacing a damaged blob"),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(self.storage_error("checking", &key, &e)),
        }
        // Two nodes storing the same new content at once both write the same bytes, and each
        // write replaces the object atomically, so the race is harmless.
        self.store
            .put(&key, PutPayload::from_bytes(content))
            .await
            .map_err(|e| self.storage_error("writing", &key, &e))?;
        tracing::debug!(%digest, "blob stored");
        Ok(digest)
    }

    /// The content named `digest`, or `None` if it is not stored. What was read is hashed
    /// again, and content that does not match its name is an error, never returned.
    pub async fn get(&self, digest: Digest) -> Result<Option<Bytes>, Error> {
        let key = key(&digest);
        let found = match self.store.get(&key).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(self.storage_error("reading", &key, &e)),
        };
        let content = found
            .bytes()
            .await
            .map_err(|e| self.storage_error("reading", &key, &e))?;
        let actual = hash(content.clone()).await;
        if actual != digest {
            return Err(Error::Corrupt {
                backend: self.description.to_string(),
                key: key.to_string(),
                actual,
            });
        }
        Ok(Some(content))
    }

    /// Stores the content of the file at `path` (already hashed by the caller as `digest`,
    /// e.g. while it was received) without holding it in memory: it is streamed in parts
    /// (multipart on S3). Content already stored is not written again.
    pub async fn put_file(&self, path: &std::path::Path, digest: Digest) -> Result<(), Error> {
        use tokio::io::AsyncReadExt as _;
        let key = key(&digest);
        if self.contains(digest).await? {
            return Ok(());
        }
        let io_error = |e: std::io::Error| Error::Storage {
            backend: self.description.to_string(),
            operation: "reading the file to store",
            key: key.to_string(),
            cause: e.to_string(),
        };
        let mut file = tokio::fs::File::open(path).await.map_err(io_error)?;
        let upload = self
            .store
            .put_multipart(&key)
            .await
            .map_err(|e| self.storage_error("writing", &key, &e))?;
        let mut write = object_store::WriteMultipart::new_with_chunk_size(upload, STREAM_CHUNK);
        let mut buffer = vec![0; STREAM_CHUNK];
        loop {
            let read = match file.read(&mut buffer).await {
                Ok(read) => read,
                Err(e) => {
                    let _ = write.abort().await;
                    return Err(io_error(e));
                }
            };
            if read == 0 {
                break;
            }
            write
                .wait_for_capacity(4)
                .await
                .map_err(|e| self.storage_error("writing", &key, &e))?;
            write.write(&buffer[..read]);
        }
        write
            .finish()
            .await
            .map_err(|e| self.storage_error("writing", &key, &e))?;
        Ok(())
    }

    /// Writes the content named `digest` to the file at `path` without holding it in memory,
    /// checking it against its name as it streams; `Ok(false)` when it is not stored.
    pub async fn get_to_file(&self, digest: Digest, path: &std::path::Path) -> Result<bool, Error> {
        use sha2::Digest as _;
        use tokio::io::AsyncWriteExt as _;
        let key = key(&digest);
        let found = match self.store.get(&key).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(false),
            Err(e) => return Err(self.storage_error("reading", &key, &e)),
        };
        let io_error = |e: std::io::Error| Error::Storage {
            backend: self.description.to_string(),
            operation: "writing the blob to a file",
            key: key.to_string(),
            cause: e.to_string(),
        };
        let mut file = tokio::fs::File::create(path).await.map_err(io_error)?;
        let mut hasher = sha2::Sha256::new();
        let mut stream = found.into_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.storage_error("reading", &key, &e))?;
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(io_error)?;
        }
        file.flush().await.map_err(io_error)?;
        let actual = Digest::from_bytes(hasher.finalize().into());
        if actual != digest {
            return Err(Error::Corrupt {
                backend: self.description.to_string(),
                key: key.to_string(),
                actual,
            });
        }
        Ok(true)
    }

    /// Whether content named `digest` is stored (without reading or checking it).
    pub async fn contains(&self, digest: Digest) -> Result<bool, Error> {
        let key = key(&digest);
        match self.store.head(&key).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(self.storage_error("checking", &key, &e)),
        }
    }

    /// Removes the content named `digest`; removing what is not there succeeds.
    pub async fn delete(&self, digest: Digest) -> Result<(), Error> {
        let key = key(&digest);
        match self.store.delete(&key).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.storage_error("deleting", &key, &e)),
        }
    }

    /// Every stored digest, in no particular order. Objects under the location that are not
    /// blobs (another tool's files) are skipped.
    pub fn list(&self) -> BoxStream<'static, Result<Digest, Error>> {
        self.list_with_times()
            .map(|listed| listed.map(|blob| blob.digest))
            .boxed()
    }

    /// Every stored blob with its size and when it was last written, in no particular order:
    /// what garbage collection needs to spare blobs an ingest in progress has just stored and
    /// not yet recorded in a manifest. Times are the backend's (the file's modification time,
    /// S3's `LastModified`): wall-clock time of the machine or service that stored the blob.
    pub fn list_with_times(&self) -> BoxStream<'static, Result<ListedBlob, Error>> {
        let description = Arc::clone(&self.description);
        self.store
            .list(Some(&Path::from("sha256")))
            .filter_map(move |listed| {
                let item = match listed {
                    Ok(meta) => digest_of_key(&meta.location).map(|digest| {
                        Ok(ListedBlob {
                            digest,
                            size: meta.size,
                            last_modified: SystemTime::from(meta.last_modified),
                        })
                    }),
                    Err(e) => Some(Err(Error::Storage {
                        backend: description.to_string(),
                        operation: "listing",
                        key: "sha256/".to_owned(),
                        cause: chain(&e),
                    })),
                };
                futures::future::ready(item)
            })
            .boxed()
    }

    fn storage_error(&self, operation: &'static str, key: &Path, error: &object_store::Error) -> Error {
        Error::Storage {
            backend: self.description.to_string(),
            operation,
            key: key.to_string(),
            cause: chain(error),
        }
    }
}

impl fmt::Debug for Blobs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Blobs").field(&self.description).finish()
    }
}

/// Where the blob named `digest` is stored.
fn key(digest: &Digest) -> Path {
    let hex = digest.to_hex();
    Path::from_iter(["sha256", &hex[..2], &hex[2..]])
}

/// The digest a blob key names, or `None` for any other key.
fn digest_of_key(key: &Path) -> Option<Digest> {
    let parts: Vec<_> = key.parts().collect();
    let [algorithm, fan_out, rest] = parts.as_slice() else {
        return None;
    };
    if algorithm.as_ref() != "sha256" || fan_out.as_ref().len() != 2 {
        return None;
    }
    Digest::parse(&format!("{}{}", fan_out.as_ref(), rest.as_ref())).ok()
}

/// SHA-256 of `content`, off the async runtime when it is large.
async fn hash(content: Bytes) -> Digest {
    if content.len() <= INLINE_HASH_LIMIT {
        return Digest::of(&content);
    }
    let shared = content.clone();
    match tokio::task::spawn_blocking(move || Digest::of(&shared)).await {
        Ok(digest) => digest,
        // Only when the runtime is shutting down; hashing here is still correct.
        Err(_) => Digest::of(&content),
    }
}
