//! URLs refused before any connection, with the messages a job reports.

use crate::source::address::Restricted;
use crate::source::{FetchPolicy, SourceError, Subject, fetch_zip};

async fn refusal(url: &str) -> SourceError {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("source.zip");
    let error = fetch_zip(url, &FetchPolicy::default(), &into).await.unwrap_err();
    assert!(!into.exists(), "{url}");
    error
}

#[tokio::test]
async fn other_schemes_and_credentials_are_refused() {
    for (url, scheme) in [("ftp://example.com/site.zip", "ftp"), ("file:///etc/passwd", "file")] {
        let error = refusal(url).await;
        assert!(
            matches!(&error, SourceError::UnsupportedScheme { subject: Subject::SourceUrl, scheme: s } if s == scheme),
            "{url}: {error:?}"
        );
        assert_eq!(
            error.to_string(),
            format!("sourceUrl uses the {scheme:?} scheme; ramp fetches only https://, http:// and s3:// sources")
        );
    }
    for url in [
        "https://user:secret@example.com/site.zip",
        "https://user@example.com/",
        "http://:pw@example.com/",
    ] {
        let error = refusal(url).await;
        assert!(matches!(error, SourceError::Credentials { .. }), "{url}: {error:?}");
        assert!(!error.to_string().contains("secret"), "{error}");
    }
    let error = refusal("not a url").await;
    assert_eq!(
        error.to_string(),
        "sourceUrl is not a valid URL: relative URL without a base"
    );
}

#[tokio::test]
async fn every_spelling_of_a_local_address_is_refused() {
    let cases = [
        ("http://localhost/", "localhost", Restricted::Loopback),
        ("http://127.1/", "127.0.0.1", Restricted::Loopback),
        ("http://0x7f000001/", "127.0.0.1", Restricted::Loopback),
        ("http://2130706433/", "127.0.0.1", Restricted::Loopback),
        ("http://0177.0.0.1/", "127.0.0.1", Restricted::Loopback),
        ("http://[::ffff:127.0.0.1]/", "[::ffff:7f00:1]", Restricted::Loopback),
        ("http://[::1]:8080/", "[::1]", Restricted::Loopback),
        (
            "http://169.254.169.254/latest/meta-data/",
            "169.254.169.254",
            Restricted::LinkLocal,
        ),
        ("http://[fd00:ec2::254]/", "[fd00:ec2::254]", Restricted::Private),
        ("https://10.1.2.3/site.zip", "10.1.2.3", Restricted::Private),
        ("http://100.100.100.200/", "100.100.100.200", Restricted::SharedCgnat),
        ("http://0.0.0.0/", "0.0.0.0", Restricted::Unspecified),
        (
            "http://[64:ff9b::a9fe:a9fe]/",
            "[64:ff9b::a9fe:a9fe]",
            Restricted::LinkLocal,
        ),
    ];
    for (url, expected_host, expected) in cases {
        let error = refusal(url).await;
        let SourceError::RefusedAddress {
            subject,
            host,
            restriction,
            ..
        } = &error
        else {
            panic!("{url}: {error:?}")
        };
        assert_eq!(
            (*subject, host.as_str(), *restriction),
            (Subject::SourceUrl, expected_host, expected),
            "{url}"
        );
        assert!(error.to_string().contains("--allow-private-source-urls"), "{error}");
    }
    let error = refusal("http://localhost/").await;
    assert!(
        error.to_string().starts_with("sourceUrl host localhost resolves to "),
        "{error}"
    );
}
