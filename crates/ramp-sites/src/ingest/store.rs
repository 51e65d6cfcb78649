//! Storing one file of a deploy: its content, its precompressed variants, and reuse of the
//! previous deploy's work for content that did not change.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use ramp_blobs::{Blobs, Digest};

use super::compress::{Variants, on_cpu, precompress};
use super::error::{IngestError, Name};
use crate::{Encoded, Manifest, SiteFile};

/// The previous deploy's files by content, so a file whose bytes did not change keeps its
/// variants without being compressed again.
#[derive(Debug, Default)]
pub(crate) struct ReuseIndex {
    by_digest: HashMap<Digest, SiteFile>,
}

impl ReuseIndex {
    pub(crate) fn new(previous: Option<&Manifest>) -> ReuseIndex {
        let by_digest = previous
            .into_iter()
            .flat_map(|manifest| manifest.files.values())
            .map(|file| (file.blob, file.clone()))
            .collect();
        ReuseIndex { by_digest }
    }

    /// The previous deploy's entry for this content served as this type. The type is decided
    /// by the extension, so the same bytes under another extension are looked at afresh
    /// (whether they compress depends on the type).
    fn get(&self, digest: Digest, content_type: &str) -> Option<&SiteFile> {
        self.by_digest
            .get(&digest)
            .filter(|file| file.content_type == content_type)
    }
}

/// One file stored, and whether the previous deploy's variants were reused.
#[derive(Debug)]
pub(crate) struct Stored {
    pub file: SiteFile,
    pub reused: bool,
}

/// Stores `content`, read from an archive, with its variants.
pub(crate) async fn store_content(
    blobs: &Blobs,
    content: Bytes,
    content_type: String,
    reuse: Arc<ReuseIndex>,
) -> Result<Stored, IngestError> {
    let size = content.len() as u64;
    let hashed = content.clone();
    let (digest, previous) = on_cpu(move || {
        let digest = Digest::of(&hashed);
        (digest, reuse.get(digest, &content_type).cloned().ok_or(content_type))
    })
    .await?;
    let content_type = match previous {
        Ok(file) if all_stored(blobs, &file).await? => return Ok(Stored { file, reused: true }),
        Ok(file) => file.content_type,
        Err(content_type) => content_type,
    };
    let compressed = content.clone();
    let (variants, content_type) = on_cpu(move || (precompress(&compressed, &content_type), content_type)).await?;
    let (blob, gzip, br) = futures::try_join!(
        async { Ok::<_, IngestError>(blobs.put(content).await?) },
        put_variant(blobs, variants.gzip),
        put_variant(blobs, variants.br),
    )?;
    debug_assert_eq!(blob, digest);
    Ok(Stored {
        file: SiteFile {
            blob,
            size,
            content_type,
            gzip,
            br,
        },
        reused: false,
    })
}

/// Completes a file the uploader already stored under `digest` (the per-file upload style):
/// only its variants are made, unless the previous deploy has them.
pub(crate) async fn store_uploaded(
    blobs: &Blobs,
    name: &str,
    digest: Digest,
    declared_size: u64,
    content_type: String,
    reuse: &ReuseIndex,
) -> Result<Stored, IngestError> {
    if let Some(file) = reuse.get(digest, &content_type)
        && file.size == declared_size
        && all_stored(blobs, file).await?
    {
        return Ok(Stored {
            file: file.clone(),
            reused: true,
        });
    }
    let content = read_upload(blobs, name, digest, declared_size).await?;
    let variants = if super::content_type::is_compressible(&content_type) {
        let type_for_worker = content_type.clone();
        on_cpu(move || precompress(&content, &type_for_worker)).await?
    } else {
        Variants::default()
    };
    let (gzip, br) = futures::try_join!(put_variant(blobs, variants.gzip), put_variant(blobs, variants.br))?;
    Ok(Stored {
        file: SiteFile {
            blob: digest,
            size: declared_size,
            content_type,
            gzip,
            br,
        },
        reused: false,
    })
}

/// The uploaded content, checked against the size the uploader recorded.
pub(crate) async fn read_upload(
    blobs: &Blobs,
    name: &str,
    digest: Digest,
    declared_size: u64,
) -> Result<Bytes, IngestError> {
    let content = blobs.get(digest).await?.ok_or_else(|| IngestError::MissingUpload {
        name: name.into(),
        digest,
    })?;
    if content.len() as u64 != declared_size {
        return Err(IngestError::SizeMismatch {
            name: Name(name.to_owned()),
            declared: declared_size,
            actual: content.len() as u64,
        });
    }
    Ok(content)
}

async fn put_variant(blobs: &Blobs, variant: Option<Bytes>) -> Result<Option<Encoded>, IngestError> {
    let Some(content) = variant else {
        return Ok(None);
    };
    let size = content.len() as u64;
    let blob = blobs.put(content).await?;
    Ok(Some(Encoded { blob, size }))
}

/// Whether every blob of a previous deploy's file is still there: reusing it must not publish
/// a reference to content that garbage collection has since removed.
async fn all_stored(blobs: &Blobs, file: &SiteFile) -> Result<bool, IngestError> {
    let variant = |encoded: Option<Encoded>| async move {
        match encoded {
            Some(encoded) => blobs.contains(encoded.blob).await,
            None => Ok(true),
        }
    };
    let (content, gzip, br) = futures::try_join!(blobs.contains(file.blob), variant(file.gzip), variant(file.br))?;
    Ok(content && gzip && br)
}
