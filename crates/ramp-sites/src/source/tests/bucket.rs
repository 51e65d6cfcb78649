//! `s3://` URL parsing and the checks made before any request.

use ramp_blobs::Blobs;

use crate::source::{BucketAccess, PrefixLimits, S3Source, SourceError, fetch_prefix};

#[test]
fn s3_urls_name_a_bucket_and_an_optional_key() {
    let parsed = |url: &str| {
        let source = S3Source::parse(url).unwrap();
        (source.bucket().to_owned(), source.key().map(str::to_owned))
    };
    assert_eq!(parsed("s3://site-files"), ("site-files".into(), None));
    assert_eq!(parsed("s3://site-files/"), ("site-files".into(), None));
    assert_eq!(
        parsed("s3://site.files/builds/42/"),
        ("site.files".into(), Some("builds/42".into()))
    );
    assert_eq!(parsed("s3://abc/site.zip"), ("abc".into(), Some("site.zip".into())));
    assert_eq!(
        S3Source::parse("s3://abc/builds/42/").unwrap().to_string(),
        "s3://abc/builds/42"
    );
}

#[test]
fn bad_s3_urls_are_refused_with_the_reason() {
    let reason = |url: &str| S3Source::parse(url).unwrap_err().to_string();
    assert_eq!(
        reason("s3://"),
        "sourceUrl \"s3://\" is not a valid s3:// URL: it names no bucket; expected s3://bucket/prefix"
    );
    assert!(reason("https://abc/x").contains("does not start with s3://"));
    assert!(reason("s3://ab/x").contains("not 3 to 63 characters"));
    assert!(reason(&format!("s3://{}", "a".repeat(64))).contains("not 3 to 63 characters"));
    assert!(reason("s3://Site-Files/x").contains("contains 'S'"));
    assert!(reason("s3://site_files").contains("contains '_'"));
    assert!(reason("s3://host:9000/x").contains("contains ':'"));
    assert!(reason("s3://user@bucket/x").contains("contains '@'"));
    assert!(reason("s3://-site").contains("start and end with a letter or digit"));
    assert!(reason("s3://site..files").contains("\"..\""));
    assert!(reason("s3://192.168.1.1/x").contains("shaped like an IP address"));
    assert!(reason("s3://abc//x").contains("the key \"/x\" is not usable"));
    assert!(reason("s3://abc/a/../b").contains("is not usable"));
}

#[tokio::test]
async fn a_bucket_outside_the_allowlist_is_refused_before_any_request() {
    let access = BucketAccess {
        allowed_buckets: vec!["site-sources".into()],
        ..BucketAccess::default()
    };
    let error = fetch_prefix(
        &access,
        "s3://ramp-blobs/sha256",
        &Blobs::in_memory(),
        PrefixLimits::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, SourceError::BucketNotAllowed { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "bucket ramp-blobs is not one ramp deploys from; its operator lists the allowed buckets"
    );
}
