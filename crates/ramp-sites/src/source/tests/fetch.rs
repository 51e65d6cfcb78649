//! `fetch_zip` against the scripted local server: downloads, redirects, limits, answers.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures::future::BoxFuture;

use super::server::{Reply, Server, ok, ok_until_close, redirect, status};
use crate::source::address::Restricted;
use crate::source::target::{Guard, Resolver};
use crate::source::url::fetch_with;
use crate::source::{FetchPolicy, SourceError, Subject, fetch_zip};

const ZIP: &[u8] = b"PK\x03\x04 pretend this is a zip";

fn local_policy() -> FetchPolicy {
    FetchPolicy {
        allow_private: true,
        ..FetchPolicy::default()
    }
}

/// A download target in a fresh directory (kept alive by the returned guard).
fn target() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("source.zip");
    (dir, path)
}

/// Names that resolve where a test says, without a real DNS.
struct FakeDns(HashMap<&'static str, IpAddr>);

impl Resolver for FakeDns {
    fn lookup<'a>(&'a self, host: &'a str, _port: u16) -> BoxFuture<'a, io::Result<Vec<IpAddr>>> {
        let found = self.0.get(host).copied();
        Box::pin(async move { found.map(|a| vec![a]).ok_or_else(|| io::Error::other("no such host")) })
    }
}

/// Production's checks, except that the test server's address is trusted, so a test can start
/// at it and see where its redirects are refused.
fn guard_trusting_loopback_server() -> Guard {
    let dns = FakeDns(HashMap::from([
        ("site.test", "127.0.0.1".parse().unwrap()),
        ("metadata.test", "169.254.169.254".parse().unwrap()),
    ]));
    Guard {
        resolver: Arc::new(dns),
        allow_private: false,
        trusted: vec!["127.0.0.1".parse().unwrap()],
    }
}

#[tokio::test]
async fn a_zip_is_downloaded_to_the_file() {
    let server = Server::start(|_| ok(ZIP)).await;
    let (_dir, into) = target();
    let size = fetch_zip(&server.url("/site.zip"), &local_policy(), &into)
        .await
        .unwrap();
    assert_eq!(size, ZIP.len() as u64);
    assert_eq!(std::fs::read(&into).unwrap(), ZIP);
}

#[tokio::test]
async fn the_same_local_server_is_refused_without_allow_private() {
    let server = Server::start(|_| ok(ZIP)).await;
    let (_dir, into) = target();
    let error = fetch_zip(&server.url("/site.zip"), &FetchPolicy::default(), &into)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "sourceUrl host 127.0.0.1 is a loopback address; ramp refuses private, loopback and link-local \
         targets (start ramp with --allow-private-source-urls to allow them)"
    );
    assert!(!into.exists());
}

/// A server whose answers may name its own port (known only once it listens).
async fn server_knowing_its_port(route: impl Fn(&str, u16) -> Reply + Send + Sync + 'static) -> Server {
    let port = Arc::new(OnceLock::new());
    let known = Arc::clone(&port);
    let server = Server::start(move |path| route(path, known.get().copied().unwrap_or(0))).await;
    port.set(server.address.port()).unwrap();
    server
}

#[tokio::test]
async fn a_name_is_resolved_by_ramp_and_every_redirect_is_followed_to_the_content() {
    let server = server_knowing_its_port(|path, port| match path {
        "/start" => redirect(302, "/hop"),
        "/hop" => redirect(307, &format!("http://site.test:{port}/site.zip")),
        _ => ok(ZIP),
    })
    .await;
    let (_dir, into) = target();
    // site.test exists only in the test's resolver: reqwest reaching it proves the client
    // connected to the address ramp vetted rather than resolving the name again.
    let url = format!("http://site.test:{}/start", server.address.port());
    let size = fetch_with(&url, &FetchPolicy::default(), &guard_trusting_loopback_server(), &into)
        .await
        .unwrap();
    assert_eq!(size, ZIP.len() as u64);
}

#[tokio::test]
async fn each_redirect_is_vetted_like_the_first_url() {
    let server = server_knowing_its_port(|path, port| match path {
        "/to-private" => redirect(302, "http://10.0.0.1/site.zip"),
        "/to-metadata" => redirect(301, &format!("http://metadata.test:{port}/latest/meta-data/")),
        "/to-mapped" => redirect(308, "http://[::ffff:127.0.0.1]/"),
        "/to-ftp" => redirect(302, "ftp://example.com/site.zip"),
        "/to-credentials" => redirect(302, &format!("http://user:pw@127.0.0.1:{port}/site.zip")),
        "/second-hop" => redirect(302, "/to-private"),
        "/loop" => redirect(302, "/loop"),
        "/nowhere" => status(302),
        _ => ok(ZIP),
    })
    .await;
    let guard = guard_trusting_loopback_server();
    let fetch = |path: &'static str| {
        let guard = guard.clone();
        let url = server.url(path);
        async move {
            let (_dir, into) = target();
            let error = fetch_with(&url, &FetchPolicy::default(), &guard, &into)
                .await
                .unwrap_err();
            assert!(!into.exists(), "{path}");
            error
        }
    };

    let error = fetch("/to-private").await;
    assert!(
        matches!(
            &error,
            SourceError::RefusedAddress { subject: Subject::Redirect { number: 1 }, host, resolved_to: None,
                restriction: Restricted::Private } if host == "10.0.0.1"
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("sourceUrl's redirect #1 host 10.0.0.1 is a private-network address; "),
        "{error}"
    );
    let error = fetch("/to-metadata").await;
    assert!(
        error
            .to_string()
            .starts_with("sourceUrl's redirect #1 host metadata.test resolves to 169.254.169.254, a link-local"),
        "{error}"
    );
    let error = fetch("/to-mapped").await;
    assert!(
        matches!(
            error,
            SourceError::RefusedAddress {
                restriction: Restricted::Loopback,
                ..
            }
        ),
        "{error:?}"
    );
    let error = fetch("/to-ftp").await;
    assert!(matches!(error, SourceError::UnsupportedScheme { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("sourceUrl's redirect #1 uses the \"ftp\" scheme"),
        "{error}"
    );
    let error = fetch("/to-credentials").await;
    assert!(matches!(error, SourceError::Credentials { .. }), "{error:?}");
    let error = fetch("/second-hop").await;
    assert!(
        matches!(
            error,
            SourceError::RefusedAddress {
                subject: Subject::Redirect { number: 2 },
                ..
            }
        ),
        "{error:?}"
    );
    let error = fetch("/loop").await;
    assert_eq!(error.to_string(), "sourceUrl redirected more than 5 times");
    let error = fetch("/nowhere").await;
    assert!(
        error
            .to_string()
            .ends_with("answered 302 without a usable Location to follow: it has no Location header"),
        "{error}"
    );
}

#[tokio::test]
async fn the_size_limit_holds_with_and_without_a_content_length() {
    let body = vec![b'x'; 100];
    let announced = body.clone();
    let server = Server::start(move |path| match path {
        "/announced" => ok(&announced),
        _ => ok_until_close(&announced),
    })
    .await;
    let policy = FetchPolicy {
        max_bytes: 50,
        ..local_policy()
    };
    for (path, declared) in [("/announced", Some(100)), ("/unannounced", None)] {
        let (_dir, into) = target();
        let error = fetch_zip(&server.url(path), &policy, &into).await.unwrap_err();
        assert!(
            matches!(error, SourceError::TooLarge { limit: 50, declared: d } if d == declared),
            "{path}: {error:?}"
        );
        assert!(!into.exists(), "{path}");
    }
    // Exactly at the limit is allowed.
    let (_dir, into) = target();
    let policy = FetchPolicy {
        max_bytes: body.len() as u64,
        ..local_policy()
    };
    assert_eq!(
        fetch_zip(&server.url("/unannounced"), &policy, &into).await.unwrap(),
        100
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = Server::start(|_| Reply::Stall).await;
    let policy = FetchPolicy {
        timeout: Duration::from_millis(200),
        ..local_policy()
    };
    let (_dir, into) = target();
    let error = fetch_zip(&server.url("/site.zip"), &policy, &into).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "fetching the source took longer than ramp's limit of 0.2 s"
    );
}

#[tokio::test]
async fn an_error_status_is_reported_without_the_query_string() {
    let server = Server::start(|_| status(404)).await;
    let (_dir, into) = target();
    let url = server.url("/site.zip?X-Amz-Signature=very-secret");
    let error = fetch_zip(&url, &local_policy(), &into).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "sourceUrl http://{}/site.zip?… answered HTTP 404 Not Found",
            server.address
        )
    );
}

#[tokio::test]
async fn nothing_listening_is_a_connection_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (_dir, into) = target();
    let error = fetch_zip(&format!("http://127.0.0.1:{port}/"), &local_policy(), &into)
        .await
        .unwrap_err();
    assert!(matches!(error, SourceError::Connect { .. }), "{error:?}");
}
