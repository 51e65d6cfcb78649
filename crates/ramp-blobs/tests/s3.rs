//! The S3 backend against a real S3-compatible server: moto's, from PyPI (`moto[server]` in
//! tests/requirements.txt). Each test starts its own `moto_server` on a free loopback port.
//!
//! Without `moto_server` on PATH these tests print a notice and pass, except under CI (the `CI`
//! variable is set), where a missing tool must not look like a passing suite.

#![allow(clippy::unwrap_used, reason = "test helpers panic on broken fixtures by design")]

use std::net::TcpListener;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::TryStreamExt as _;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use ramp_blobs::{BlobLocation, Blobs, Digest, Error, S3Location, S3Options};
use ramp_moto::Moto;

/// What these tests do with moto beyond starting it (`ramp_moto`).
trait MotoS3 {
    async fn create_bucket(&self, bucket: &str);
    async fn raw(&self, method: &str, path: &str, body: Bytes) -> (http::StatusCode, Bytes);
    fn options(&self) -> S3Options;
    async fn open(&self, bucket: &str, prefix: Option<&str>) -> Result<Blobs, Error>;
}

impl MotoS3 for Moto {
    /// Creates a bucket with a plain `PUT /bucket` (object_store cannot create buckets).
    async fn create_bucket(&self, bucket: &str) {
        let (status, body) = self.raw("PUT", &format!("/{bucket}"), Bytes::new()).await;
        assert!(status.is_success(), "creating bucket {bucket}: {status} {body:?}");
    }

    /// One request to moto, bypassing ramp-blobs. moto checks no signatures, but it answers a
    /// request without any `Authorization` as an anonymous one (403 on a private object), so
    /// the request carries a well-formed header with a meaningless signature.
    async fn raw(&self, method: &str, path: &str, body: Bytes) -> (http::StatusCode, Bytes) {
        let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
        let request = http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.endpoint()))
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, \
                 SignedHeaders=host, Signature=0000",
            )
            .body(Full::new(body))
            .unwrap();
        let response = client.request(request).await.expect("moto answers");
        let status = response.status();
        let body = response.into_body().collect().await.expect("moto's body").to_bytes();
        (status, body)
    }

    fn options(&self) -> S3Options {
        S3Options {
            endpoint: Some(self.endpoint().to_owned()),
            region: Some("us-east-1".into()),
            access_key_id: Some("testing".into()),
            secret_access_key: Some("testing".into()),
            virtual_hosted_style: None,
        }
    }

    async fn open(&self, bucket: &str, prefix: Option<&str>) -> Result<Blobs, Error> {
        let location = BlobLocation::S3(S3Location::new(bucket, prefix).unwrap());
        Blobs::open(&location, &self.options()).await
    }
}

/// A loopback port nothing listens on (for a moment: the listener is closed at once).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().unwrap().port()
}

/// The object key of `digest` under `prefix`: the layout ramp-blobs documents.
fn key(prefix: &str, digest: Digest) -> String {
    let hex = digest.to_hex();
    format!("{prefix}sha256/{}/{}", &hex[..2], &hex[2..])
}

async fn listed(blobs: &Blobs) -> Vec<Digest> {
    blobs.list().try_collect().await.unwrap()
}

#[tokio::test]
async fn round_trip_through_a_bucket() {
    let Some(moto) = Moto::start("the S3 backend tests") else {
        return;
    };
    moto.create_bucket("site-files").await;
    let blobs = moto.open("site-files", None).await.unwrap();
    assert_eq!(blobs.describe(), format!("s3://site-files at {}", moto.endpoint()));
    let content = Bytes::from_static(b"<!doctype html><title>ramp</title>");

    let digest = blobs.put(content.clone()).await.unwrap();
    assert_eq!(digest, Digest::of(&content));
    let (status, stored) = moto
        .raw("GET", &format!("/site-files/{}", key("", digest)), Bytes::new())
        .await;
    assert_eq!((status, stored), (http::StatusCode::OK, content.clone()));

    assert_eq!(blobs.put(content.clone()).await.unwrap(), digest);
    assert_eq!(listed(&blobs).await, vec![digest]);
    assert_eq!(blobs.get(digest).await.unwrap(), Some(content));
    assert!(blobs.contains(digest).await.unwrap());

    blobs.delete(digest).await.unwrap();
    assert!(!blobs.contains(digest).await.unwrap());
    assert_eq!(blobs.get(digest).await.unwrap(), None);
    blobs.delete(digest).await.unwrap();
    assert_eq!(listed(&blobs).await, vec![]);
}

#[tokio::test]
async fn key_prefixes_keep_two_stores_on_one_bucket_apart() {
    let Some(moto) = Moto::start("the S3 backend tests") else {
        return;
    };
    moto.create_bucket("shared").await;
    let a = moto.open("shared", Some("ramp/a/")).await.unwrap();
    let b = moto.open("shared", Some("ramp/b")).await.unwrap();
    assert_eq!(a.describe(), format!("s3://shared/ramp/a at {}", moto.endpoint()));

    let only_in_a = a.put(Bytes::from_static(b"a's file")).await.unwrap();
    let in_both = a.put(Bytes::from_static(b"common")).await.unwrap();
    assert_eq!(b.put(Bytes::from_static(b"common")).await.unwrap(), in_both);

    assert!(!b.contains(only_in_a).await.unwrap());
    assert_eq!(b.get(only_in_a).await.unwrap(), None);
    let (status, _) = moto
        .raw("GET", &format!("/shared/{}", key("ramp/a/", only_in_a)), Bytes::new())
        .await;
    assert_eq!(status, http::StatusCode::OK);

    b.delete(in_both).await.unwrap();
    assert_eq!(a.get(in_both).await.unwrap().as_deref(), Some(&b"common"[..]));
    let mut in_a = listed(&a).await;
    in_a.sort();
    let mut expected = vec![only_in_a, in_both];
    expected.sort();
    assert_eq!(in_a, expected);
    assert_eq!(listed(&b).await, vec![]);
}

#[tokio::test]
async fn a_corrupt_object_is_an_error_until_it_is_stored_again() {
    let Some(moto) = Moto::start("the S3 backend tests") else {
        return;
    };
    moto.create_bucket("files").await;
    let blobs = moto.open("files", Some("p")).await.unwrap();
    let content = Bytes::from_static(b"body { color: teal }");
    let digest = blobs.put(content.clone()).await.unwrap();
    let object = format!("/files/{}", key("p/", digest));

    // Replaced behind ramp's back with content of the same length.
    let mut damaged = content.to_vec();
    damaged[5] ^= 0x20;
    let (status, _) = moto.raw("PUT", &object, Bytes::from(damaged.clone())).await;
    assert!(status.is_success(), "{status}");
    let error = blobs.get(digest).await.unwrap_err();
    assert!(matches!(error, Error::Corrupt { actual, .. } if actual == Digest::of(&damaged)));
    let message = error.to_string();
    assert!(
        message.contains(&format!("s3://files/p at {}", moto.endpoint())),
        "{message}"
    );
    assert!(message.contains(&key("", digest)), "{message}");

    // An object of the same size is taken as already stored, so a put does not repair it ...
    blobs.put(content.clone()).await.unwrap();
    assert!(matches!(blobs.get(digest).await, Err(Error::Corrupt { .. })));
    // ... but one of another size cannot be the content, and is replaced.
    let (status, _) = moto.raw("PUT", &object, Bytes::from_static(b"truncated")).await;
    assert!(status.is_success(), "{status}");
    blobs.put(content.clone()).await.unwrap();
    assert_eq!(blobs.get(digest).await.unwrap(), Some(content));
}

#[tokio::test]
async fn opening_a_missing_bucket_fails_naming_bucket_and_endpoint() {
    let Some(moto) = Moto::start("the S3 backend tests") else {
        return;
    };
    let error = moto.open("no-such-bucket", None).await.unwrap_err();
    assert!(matches!(error, Error::Unreachable { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "blob store s3://no-such-bucket at {} is not usable: ",
            moto.endpoint()
        )),
        "{message}"
    );
    assert!(message.contains("NoSuchBucket"), "{message}");
}

// Needs no moto: nothing listens on the endpoint.
#[tokio::test]
async fn opening_a_dead_endpoint_fails_quickly_naming_it() {
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    let options = S3Options {
        endpoint: Some(endpoint.clone()),
        access_key_id: Some("testing".into()),
        secret_access_key: Some("testing".into()),
        ..S3Options::default()
    };
    let location = BlobLocation::parse("s3://site-files/ramp").unwrap();
    let started = Instant::now();
    let error = Blobs::open(&location, &options).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert!(matches!(error, Error::Unreachable { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "blob store s3://site-files/ramp at {endpoint} is not usable: "
        )),
        "{message}"
    );
}
