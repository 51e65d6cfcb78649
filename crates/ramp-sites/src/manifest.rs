//! [`Manifest`]: the index of one deploy, path → blob.

use std::collections::BTreeMap;

use ramp_blobs::{Blobs, Digest};
use serde::{Deserialize, Serialize};

/// Every file of one deploy. Keys are site paths without a leading slash, exactly as they will
/// be looked up (`index.html`, `assets/app.js`): already normalized and checked when the deploy
/// was ingested, so serving compares bytes and never touches a filesystem.
///
/// A manifest is immutable once stored: it is itself a blob (its JSON), and a job records the
/// manifest's digest. Two deploys of the same files have the same manifest digest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub files: BTreeMap<String, SiteFile>,
    /// The artifact's own custom headers (`customHttp.yml` at the root, spec §8.5), which take
    /// precedence over the app's. The file itself is not served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_headers: Option<String>,
}

/// One file of a deploy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteFile {
    /// The file's content as uploaded.
    pub blob: Digest,
    pub size: u64,
    /// `Content-Type` to serve it with, decided from the extension at ingest (spec §11.6).
    pub content_type: String,
    /// The content compressed with gzip, when the type is compressible and compression helps;
    /// made once at deploy time, never per request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gzip: Option<Encoded>,
    /// The same with brotli.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub br: Option<Encoded>,
}

/// A precompressed variant of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Encoded {
    pub blob: Digest,
    pub size: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("the deploy's manifest {0} is not in the blob store")]
    Missing(Digest),
    #[error("the deploy's manifest {digest} cannot be read: {cause}")]
    Unreadable { digest: Digest, cause: String },
    #[error(transparent)]
    Blobs(#[from] ramp_blobs::Error),
}

impl SiteFile {
    /// The entity tag of the file: its content digest, so it is the same on every node and
    /// across deploys of the same content.
    pub fn etag(&self) -> String {
        format!("\"{}\"", &self.blob.to_hex()[..32])
    }
}

impl Manifest {
    /// Stores the manifest as a blob and returns its digest.
    pub async fn store(&self, blobs: &Blobs) -> Result<Digest, ManifestError> {
        let json = serde_json::to_vec(self).map_err(|e| ManifestError::Unreadable {
            digest: Digest::of(b""),
            cause: e.to_string(),
        })?;
        Ok(blobs.put(json.into()).await?)
    }

    /// Reads the manifest stored under `digest`.
    pub async fn load(blobs: &Blobs, digest: Digest) -> Result<Manifest, ManifestError> {
        let json = blobs.get(digest).await?.ok_or(ManifestError::Missing(digest))?;
        serde_json::from_slice(&json).map_err(|e| ManifestError::Unreadable {
            digest,
            cause: e.to_string(),
        })
    }

    /// Every blob the deploy references (files and their variants), for garbage collection.
    pub fn blobs(&self) -> impl Iterator<Item = Digest> + '_ {
        self.files.values().flat_map(|file| {
            std::iter::once(file.blob)
                .chain(file.gzip.map(|e| e.blob))
                .chain(file.br.map(|e| e.blob))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_manifest_round_trips_through_the_blob_store() {
        let blobs = Blobs::in_memory();
        let page = blobs.put("<h1>hi</h1>".into()).await.unwrap();
        let mut manifest = Manifest::default();
        manifest.files.insert(
            "index.html".to_owned(),
            SiteFile {
                blob: page,
                size: 11,
                content_type: "text/html; charset=utf-8".to_owned(),
                gzip: None,
                br: None,
            },
        );
        let digest = manifest.store(&blobs).await.unwrap();
        assert_eq!(Manifest::load(&blobs, digest).await.unwrap(), manifest);
        assert_eq!(manifest.blobs().collect::<Vec<_>>(), vec![page]);
    }
}
