//! [`Content`]: blobs read through a bounded in-memory cache shared by every site of a node.
//!
//! The cache is a `quick_cache` (S3-FIFO, sharded, lock-light) weighted by bytes, holding `Bytes`,
//! so a hit is a reference-count increment and the response body shares the cached memory.
//! Concurrent misses of one blob wait for the first reader instead of all reading the store.
//! Blobs are content-addressed and immutable, so a cached blob is never stale.

use bytes::Bytes;
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use ramp_blobs::{Blobs, Digest};

/// A blob larger than this fraction of the cache is served but not cached, so one large file
/// cannot flush the small hot ones.
const LARGEST_CACHED_FRACTION: u64 = 8;

/// Book-keeping cost of one entry beyond its bytes, so many tiny blobs are bounded too.
const ENTRY_OVERHEAD: u64 = 128;

/// A blob a site needs that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    #[error("blob {0} of a deploy is not in the blob store")]
    Missing(Digest),
    #[error(transparent)]
    Blobs(#[from] ramp_blobs::Error),
}

/// The blob reader with its cache. Share one per node (it is `Sync`; wrap it in an `Arc`).
pub struct Content {
    blobs: Blobs,
    cache: Cache<Digest, Bytes, ByLength>,
    largest_cached: u64,
}

#[derive(Debug, Clone, Copy)]
struct ByLength;

impl Weighter<Digest, Bytes> for ByLength {
    fn weight(&self, _digest: &Digest, content: &Bytes) -> u64 {
        content.len() as u64 + ENTRY_OVERHEAD
    }
}

impl Content {
    /// A reader of `blobs` caching up to `capacity_bytes` of content.
    pub fn new(blobs: Blobs, capacity_bytes: u64) -> Content {
        // quick_cache sizes its tables from an item estimate; 16 KiB is a typical web asset.
        let estimated_items = usize::try_from(capacity_bytes / (16 * 1024))
            .unwrap_or(usize::MAX)
            .max(16);
        Content {
            blobs,
            cache: Cache::with_weighter(estimated_items, capacity_bytes.max(1), ByLength),
            largest_cached: capacity_bytes / LARGEST_CACHED_FRACTION,
        }
    }

    /// The content of `digest`, from the cache or the store.
    pub async fn get(&self, digest: Digest) -> Result<Bytes, ContentError> {
        match self.cache.get_value_or_guard_async(&digest).await {
            Ok(content) => Ok(content),
            Err(guard) => {
                let content = self.blobs.get(digest).await?.ok_or(ContentError::Missing(digest))?;
                if content.len() as u64 <= self.largest_cached {
                    // Err only when the entry was inserted meanwhile, which is just as good.
                    let _ = guard.insert(content.clone());
                }
                Ok(content)
            }
        }
    }

    /// Bytes the cache holds now (with a small per-entry overhead).
    pub fn cached_bytes(&self) -> u64 {
        self.cache.weight()
    }

    /// How many blobs the cache holds now.
    pub fn cached_blobs(&self) -> usize {
        self.cache.len()
    }
}

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Content")
            .field("blobs", &self.blobs)
            .field("cached_bytes", &self.cached_bytes())
            .finish()
    }
}
