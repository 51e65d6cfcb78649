//! The files of a deploy as served: every response header value a file needs, computed once when
//! the site is built, and the table of request paths with clean URLs resolved in advance
//! (spec amplify.md §8.4), so a request does one hash lookup and clones a few `HeaderValue`s.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use foldhash::fast::RandomState;
use http::HeaderValue;
use ramp_blobs::Digest;

use super::headers::{HeaderList, HeaderRules};
use crate::manifest::{Encoded, Manifest, SiteFile};

/// One representation of a file: as uploaded, or a precompressed variant.
#[derive(Debug)]
pub struct Representation {
    pub blob: Digest,
    pub size: u64,
    /// Each representation has its own strong entity tag (RFC 9110 §8.8.3), so a cache never
    /// takes gzip bytes for brotli ones.
    pub etag: HeaderValue,
    pub length: HeaderValue,
    /// `Content-Encoding`, for a variant.
    pub encoding: Option<HeaderValue>,
}

/// A file with everything its responses need.
#[derive(Debug)]
pub struct PreparedFile {
    /// The site path with its leading `/`, for logs.
    pub path: Box<str>,
    pub identity: Representation,
    pub br: Option<Representation>,
    pub gzip: Option<Representation>,
    pub content_type: HeaderValue,
    pub html: bool,
    pub custom: HeaderList,
}

/// Where a request path leads.
#[derive(Debug, Clone, Copy)]
pub enum Route<'a> {
    File(&'a PreparedFile),
    /// `/about` when only `about/index.html` exists: 301 to `/about/` (§8.4).
    AddSlash,
    Miss,
}

#[derive(Debug, Clone, Copy)]
enum Target {
    File(usize),
    AddSlash,
}

/// The prepared files and the route table of one deploy.
#[derive(Debug)]
pub struct Files {
    files: Vec<PreparedFile>,
    /// Request path without its leading `/` → what serves it.
    routes: HashMap<Box<str>, Target, RandomState>,
}

impl Files {
    pub fn new(manifest: &Manifest, headers: &HeaderRules) -> Files {
        let mut interned: HashMap<Vec<(http::HeaderName, HeaderValue)>, HeaderList> = HashMap::new();
        let mut files = Vec::with_capacity(manifest.files.len());
        let mut routes = HashMap::with_capacity_and_hasher(manifest.files.len() * 2, RandomState::default());
        for (key, file) in &manifest.files {
            let path = format!("/{key}");
            let custom = headers.for_path(&path);
            let custom = match interned.get(&custom) {
                Some(list) => list.clone(),
                None => {
                    let list: HeaderList = custom.clone().into();
                    interned.insert(custom, list.clone());
                    list
                }
            };
            routes.insert(key.as_str().into(), Target::File(files.len()));
            files.push(prepare(path, file, custom));
        }
        // Clean URLs, weakest claim last: an exact file beats `about.html` for `/about`, which
        // beats the slash redirect to `about/index.html`.
        for (index, key) in manifest.files.keys().enumerate() {
            if let Some(stem) = key.strip_suffix(".html").filter(|s| !s.is_empty() && !s.ends_with('/')) {
                routes.entry(stem.into()).or_insert(Target::File(index));
            }
        }
        for (index, key) in manifest.files.keys().enumerate() {
            let Some(directory) = key
                .strip_suffix("index.html")
                .filter(|d| d.is_empty() || d.ends_with('/'))
            else {
                continue;
            };
            routes.insert(directory.into(), Target::File(index));
            if let Some(bare) = directory.strip_suffix('/')
                && let Entry::Vacant(entry) = routes.entry(bare.into())
            {
                entry.insert(Target::AddSlash);
            }
        }
        Files { files, routes }
    }

    /// What serves `path` (decoded, starting with `/`).
    pub fn route(&self, path: &str) -> Route<'_> {
        let key = path.strip_prefix('/').unwrap_or(path);
        match self.routes.get(key) {
            Some(Target::File(index)) => self.files.get(*index).map_or(Route::Miss, Route::File),
            Some(Target::AddSlash) => Route::AddSlash,
            None => Route::Miss,
        }
    }

    /// The file a rewrite's target path names: like a request, except that a directory without
    /// its slash is served directly rather than redirected (the browser's URL stays the same).
    pub fn rewritten(&self, target: &str) -> Option<&PreparedFile> {
        match self.route(target) {
            Route::File(file) => Some(file),
            Route::AddSlash => match self.route(&format!("{target}/")) {
                Route::File(file) => Some(file),
                _ => None,
            },
            Route::Miss => None,
        }
    }
}

fn prepare(path: String, file: &SiteFile, custom: HeaderList) -> PreparedFile {
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let html = file
        .content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("text/html");
    let variant = |encoded: &Option<Encoded>, name: &'static str| {
        encoded.map(|e| {
            let encoding = Some(HeaderValue::from_static(name));
            representation(e.blob, e.size, variant_etag(e.blob), encoding)
        })
    };
    PreparedFile {
        path: path.into(),
        identity: representation(file.blob, file.size, file.etag(), None),
        br: variant(&file.br, "br"),
        gzip: variant(&file.gzip, "gzip"),
        content_type,
        html,
        custom,
    }
}

fn representation(blob: Digest, size: u64, etag: String, encoding: Option<HeaderValue>) -> Representation {
    Representation {
        blob,
        size,
        // An ETag is quotes around hex digits: always a valid header value.
        etag: HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("\"\"")),
        length: HeaderValue::from(size),
        encoding,
    }
}

/// The entity tag of a variant, in the form of [`SiteFile::etag`] but from the variant's digest.
fn variant_etag(blob: Digest) -> String {
    let hex = blob.to_hex();
    format!("\"{}\"", hex.get(..32).unwrap_or(&hex))
}
