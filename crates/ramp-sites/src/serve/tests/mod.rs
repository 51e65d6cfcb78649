//! Tests of serving, through `Site::respond` with manifests built in an in-memory blob store.

mod auth;
mod content;
mod custom_headers;
mod http_semantics;
mod lookup;
mod rules;

use bytes::Bytes;
use http::{Method, Response};
use ramp_blobs::{Blobs, Digest};

use super::{Content, Rule, Site, SiteSettings};
use crate::manifest::{Encoded, Manifest, SiteFile};

/// A file to deploy, with optional precompressed variants (any bytes do for a test).
pub struct TestFile {
    path: &'static str,
    body: &'static str,
    gzip: Option<&'static str>,
    br: Option<&'static str>,
}

pub fn file(path: &'static str, body: &'static str) -> TestFile {
    TestFile {
        path,
        body,
        gzip: None,
        br: None,
    }
}

pub fn compressed(path: &'static str, body: &'static str, gzip: &'static str, br: &'static str) -> TestFile {
    TestFile {
        path,
        body,
        gzip: Some(gzip),
        br: Some(br),
    }
}

pub fn rule(source: &str, target: &str, status: &str) -> Rule {
    Rule {
        source: source.to_owned(),
        target: target.to_owned(),
        status: status.to_owned(),
        condition: None,
    }
}

pub fn settings() -> SiteSettings {
    SiteSettings {
        deploy_id: "3".to_owned(),
        ..SiteSettings::default()
    }
}

pub fn content_type_of(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("wasm") => "application/wasm",
        _ => "application/octet-stream",
    }
}

pub struct TestSite {
    pub site: Site,
    pub content: Content,
    pub manifest: Manifest,
}

/// Stores `files` and builds the site with `settings` (and the artifact's `customHttp.yml`).
pub async fn deploy_with(files: &[TestFile], artifact_headers: Option<&str>, settings: SiteSettings) -> TestSite {
    let blobs = Blobs::in_memory();
    let mut manifest = Manifest {
        custom_headers: artifact_headers.map(str::to_owned),
        ..Manifest::default()
    };
    for f in files {
        let variant = |body: Option<&'static str>| {
            let blobs = blobs.clone();
            async move {
                match body {
                    Some(body) => Some(Encoded {
                        blob: blobs.put(Bytes::from_static(body.as_bytes())).await.unwrap(),
                        size: body.len() as u64,
                    }),
                    None => None,
                }
            }
        };
        let site_file = SiteFile {
            blob: blobs.put(Bytes::from_static(f.body.as_bytes())).await.unwrap(),
            size: f.body.len() as u64,
            content_type: content_type_of(f.path).to_owned(),
            gzip: variant(f.gzip).await,
            br: variant(f.br).await,
        };
        manifest.files.insert(f.path.to_owned(), site_file);
    }
    let site = Site::new(manifest.clone(), settings).unwrap();
    TestSite {
        site,
        content: Content::new(blobs, 1 << 20),
        manifest,
    }
}

pub async fn deploy(files: &[TestFile], settings: SiteSettings) -> TestSite {
    deploy_with(files, None, settings).await
}

impl TestSite {
    pub async fn send(&self, method: Method, uri: &str, headers: &[(&str, &str)]) -> Response<Bytes> {
        let mut request = http::Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let (parts, ()) = request.body(()).unwrap().into_parts();
        self.site.respond(&parts, &self.content).await
    }

    pub async fn get(&self, uri: &str) -> Response<Bytes> {
        self.send(Method::GET, uri, &[]).await
    }

    pub async fn get_with(&self, uri: &str, headers: &[(&str, &str)]) -> Response<Bytes> {
        self.send(Method::GET, uri, headers).await
    }

    pub fn etag_of(&self, path: &str) -> String {
        self.manifest.files[path].etag()
    }
}

pub fn header<'r>(response: &'r Response<Bytes>, name: &str) -> Option<&'r str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

pub fn body(response: &Response<Bytes>) -> &str {
    std::str::from_utf8(response.body()).unwrap()
}

#[allow(dead_code)]
pub fn digest_of(text: &str) -> Digest {
    Digest::of(text.as_bytes())
}

/// The server runs `respond` inside axum handlers on a multi-threaded runtime: the site must be
/// shareable and the future `Send`. (Compiling is the test.)
#[allow(dead_code)]
fn sites_are_shareable_and_responding_is_send(site: &Site, parts: &http::request::Parts, content: &Content) {
    fn shareable<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: T) {}
    shareable(site);
    shareable(content);
    send(site.respond(parts, content));
}
