//! `s3://` sources against moto's S3 server, started per test on a free loopback port as
//! ramp-blobs' tests do. Without `moto_server` on PATH they print a notice and pass, except
//! under CI (the `CI` variable is set).

use ramp_blobs::{Blobs, Digest, S3Options};
use ramp_moto::Moto;

use crate::source::{BucketAccess, PrefixLimits, SourceError, fetch_object, fetch_prefix};

/// What these tests do with moto beyond starting it (`ramp_moto`).
trait MotoSources {
    fn access(&self) -> BucketAccess;
    async fn put(&self, path: &str, body: &'static [u8]);
}

impl MotoSources for Moto {
    fn access(&self) -> BucketAccess {
        BucketAccess {
            s3: S3Options {
                endpoint: Some(self.endpoint().to_owned()),
                region: Some("us-east-1".into()),
                access_key_id: Some("testing".into()),
                secret_access_key: Some("testing".into()),
                virtual_hosted_style: None,
            },
            allowed_buckets: Vec::new(),
        }
    }

    /// One raw request (moto checks no signatures, but wants an `Authorization` header).
    async fn put(&self, path: &str, body: &'static [u8]) {
        let response = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .put(format!("{}{path}", self.endpoint()))
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, \
                 SignedHeaders=host, Signature=0000",
            )
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "PUT {path}: {}", response.status());
    }
}

const INDEX: &[u8] = b"<!doctype html><title>ramp</title>";
const CSS: &[u8] = b"body { color: teal }";

async fn bucket_with_a_site(moto: &Moto) {
    moto.put("/sources", b"").await;
    moto.put("/sources/site/", b"").await;
    moto.put("/sources/site/index.html", INDEX).await;
    moto.put("/sources/site/css/", b"").await;
    moto.put("/sources/site/css/main.css", CSS).await;
    moto.put("/sources/site/empty.txt", b"").await;
    moto.put("/sources/site2/other.html", b"not under site/").await;
    moto.put("/sources/site.zip", b"PK\x03\x04 a zip").await;
}

#[tokio::test]
async fn a_prefix_becomes_blobs_keyed_by_relative_path() {
    let Some(moto) = Moto::start("the s3:// source tests") else {
        return;
    };
    bucket_with_a_site(&moto).await;
    let blobs = Blobs::in_memory();
    let fetched = fetch_prefix(&moto.access(), "s3://sources/site/", &blobs, PrefixLimits::default())
        .await
        .unwrap();
    let summary: Vec<_> = fetched.iter().map(|o| (o.path.as_str(), o.blob, o.size)).collect();
    assert_eq!(
        summary,
        vec![
            ("css/main.css", Digest::of(CSS), CSS.len() as u64),
            ("empty.txt", Digest::of(b""), 0),
            ("index.html", Digest::of(INDEX), INDEX.len() as u64),
        ]
    );
    assert_eq!(blobs.get(Digest::of(INDEX)).await.unwrap().as_deref(), Some(INDEX));

    let whole = fetch_prefix(&moto.access(), "s3://sources", &blobs, PrefixLimits::default())
        .await
        .unwrap();
    let paths: Vec<_> = whole.iter().map(|o| o.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "site.zip",
            "site/css/main.css",
            "site/empty.txt",
            "site/index.html",
            "site2/other.html"
        ]
    );
}

#[tokio::test]
async fn prefix_budgets_and_emptiness_are_errors() {
    let Some(moto) = Moto::start("the s3:// source tests") else {
        return;
    };
    bucket_with_a_site(&moto).await;
    let blobs = Blobs::in_memory();
    let access = moto.access();
    let fetch = |limits: PrefixLimits, url: &'static str| fetch_prefix(&access, url, &blobs, limits);

    let few = PrefixLimits {
        max_objects: 2,
        ..PrefixLimits::default()
    };
    let error = fetch(few, "s3://sources/site").await.unwrap_err();
    assert!(
        matches!(error, SourceError::TooManyObjects { limit: 2, .. }),
        "{error:?}"
    );

    let small = PrefixLimits {
        max_total_bytes: 40,
        ..PrefixLimits::default()
    };
    let error = fetch(small, "s3://sources/site").await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "the objects under s3://sources/site add up to more than ramp's limit of 40 bytes"
    );

    let one_small = PrefixLimits {
        max_object_bytes: 30,
        ..PrefixLimits::default()
    };
    let error = fetch(one_small, "s3://sources/site").await.unwrap_err();
    assert!(
        matches!(
            error,
            SourceError::ObjectTooLarge {
                size: 34,
                limit: 30,
                ..
            }
        ),
        "{error:?}"
    );

    let error = fetch(PrefixLimits::default(), "s3://sources/nothing-here")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "there are no objects under s3://sources/nothing-here"
    );

    let error = fetch(PrefixLimits::default(), "s3://no-such-bucket/site")
        .await
        .unwrap_err();
    assert!(matches!(error, SourceError::S3 { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("reading s3://no-such-bucket/site failed: "),
        "{error}"
    );
}

#[tokio::test]
async fn a_zip_object_is_downloaded_to_the_file() {
    let Some(moto) = Moto::start("the s3:// source tests") else {
        return;
    };
    bucket_with_a_site(&moto).await;
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("source.zip");

    let size = fetch_object(&moto.access(), "s3://sources/site.zip", 1024, &into)
        .await
        .unwrap();
    assert_eq!(size, 10);
    assert_eq!(std::fs::read(&into).unwrap(), b"PK\x03\x04 a zip");

    let error = fetch_object(&moto.access(), "s3://sources/site.zip", 5, &into)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            SourceError::TooLarge {
                limit: 5,
                declared: Some(10)
            }
        ),
        "{error:?}"
    );
    assert!(!into.exists());

    let error = fetch_object(&moto.access(), "s3://sources/missing.zip", 1024, &into)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "s3://sources/missing.zip does not exist or ramp may not read it"
    );

    let error = fetch_object(&moto.access(), "s3://sources", 1024, &into)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("names a bucket, not an object"), "{error}");
}
