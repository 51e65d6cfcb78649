//! `s3://` sources against moto's S3 server, started per test on a free loopback port as
//! ramp-blobs' tests do. Without `moto_server` on PATH they print a notice and pass, except
//! under CI (the `CI` variable is set).

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ramp_blobs::{Blobs, Digest, S3Options};

use crate::source::{BucketAccess, PrefixLimits, SourceError, fetch_object, fetch_prefix};

const INSTALL: &str = "python3 -m pip install 'moto[server]'";

struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    fn start() -> Option<Moto> {
        let installed = Command::new("moto_server")
            .arg("--help")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !installed {
            assert!(
                std::env::var_os("CI").is_none(),
                "moto_server is not on PATH: {INSTALL}"
            );
            eprintln!("skipping the s3:// source tests: moto_server is not on PATH ({INSTALL})");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!("moto_server exited before listening: {status}");
            }
            assert!(Instant::now() < deadline, "moto_server did not listen within 30 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(moto)
    }

    fn access(&self) -> BucketAccess {
        BucketAccess {
            s3: S3Options {
                endpoint: Some(self.endpoint.clone()),
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
            .put(format!("{}{path}", self.endpoint))
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

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
    let Some(moto) = Moto::start() else { return };
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
    let Some(moto) = Moto::start() else { return };
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
    let Some(moto) = Moto::start() else { return };
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
