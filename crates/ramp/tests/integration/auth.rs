use std::process::Command;

use crate::harness::{ACCESS_KEY, SECRET_KEY, TestServer, error_code};

fn secured() -> TestServer {
    TestServer::with_args(&["--access-key-id", ACCESS_KEY, "--secret-access-key", SECRET_KEY])
}

#[tokio::test]
async fn signed_requests_pass_and_bad_signatures_are_403() {
    let server = secured();
    let good = server.appconfig();
    good.create_application().name("signed").send().await.unwrap();

    let wrong_secret = server.appconfig_with(ACCESS_KEY, "not-the-secret", "us-east-1");
    let err = wrong_secret.list_applications().send().await.unwrap_err();
    assert_eq!(error_code(&err), "InvalidSignatureException");
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 403);

    let unknown_key = server.appconfig_with("AKIDUNKNOWN", SECRET_KEY, "us-east-1");
    let err = unknown_key.list_applications().send().await.unwrap_err();
    assert_eq!(error_code(&err), "UnrecognizedClientException");

    let unsigned = server.http().get(server.url("/applications")).send().await.unwrap();
    assert_eq!(unsigned.status().as_u16(), 403);
    assert_eq!(
        unsigned.headers()["x-amzn-errortype"],
        "MissingAuthenticationTokenException"
    );

    let garbled = server
        .http()
        .get(server.url("/applications"))
        .header("authorization", "AWS4-HMAC-SHA256 nonsense")
        .send()
        .await
        .unwrap();
    assert_eq!(garbled.status().as_u16(), 400);
    assert_eq!(garbled.headers()["x-amzn-errortype"], "IncompleteSignatureException");

    // Health stays open for load balancers.
    let health = server.http().get(server.url("/_ramp/health")).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
}

/// A GET signed by hand, as any SigV4 client (or `curl --aws-sigv4`) would sign it.
pub(crate) async fn signed_get(
    server: &TestServer,
    path: &str,
    service: &str,
    when: ramp_clock::Timestamp,
) -> reqwest::Response {
    let host = server.base_url.trim_start_matches("http://");
    let mut headers = http::HeaderMap::new();
    headers.insert("host", host.parse().unwrap());
    let method = http::Method::GET;
    let request = ramp_sigv4::SignedRequest {
        method: &method,
        raw_path: path,
        query: &[],
        headers: &headers,
        body: b"",
    };
    let mut builder = server.http().get(server.url(path));
    for (name, value) in ramp_sigv4::sign(&request, ACCESS_KEY, SECRET_KEY, "us-east-1", service, when) {
        builder = builder.header(name.as_str(), value.to_str().unwrap());
    }
    builder.send().await.unwrap()
}

#[tokio::test]
async fn skewed_and_wrongly_scoped_signatures_are_refused() {
    let server = secured();
    let now = clock_now(&server).await;
    assert_eq!(
        signed_get(&server, "/applications", "appconfig", now)
            .await
            .status()
            .as_u16(),
        200
    );
    let stale = signed_get(&server, "/applications", "appconfig", now.plus_minutes(-16)).await;
    assert_eq!(stale.status().as_u16(), 403);
    assert!(stale.text().await.unwrap().contains("Signature expired"));
    let other_service = signed_get(&server, "/applications", "amplify", now).await;
    assert_eq!(other_service.status().as_u16(), 403);
}

#[tokio::test]
async fn the_admin_api_needs_a_signature_for_service_ramp() {
    let server = secured();
    let unsigned = server.http().get(server.url("/_ramp/clock")).send().await.unwrap();
    assert_eq!(unsigned.status().as_u16(), 403);
    let now = clock_now(&server).await;
    assert_eq!(
        signed_get(&server, "/_ramp/clock", "ramp", now).await.status().as_u16(),
        200
    );
    assert_eq!(
        signed_get(&server, "/_ramp/clock", "appconfig", now)
            .await
            .status()
            .as_u16(),
        403
    );
}

#[tokio::test]
async fn signatures_are_checked_against_real_time_whatever_ramps_clock_reads() {
    // ramp's own clock years in the past, as a test that froze or moved it would have it.
    let server = TestServer::with_args(&[
        "--access-key-id",
        ACCESS_KEY,
        "--secret-access-key",
        SECRET_KEY,
        "--manual-clock-start",
        "2020-01-01T00:00:00Z",
    ]);
    // The SDK signs with the machine's real time, and that is what counts.
    server.appconfig().list_applications().send().await.unwrap();
    let at_ramp_time = ramp_clock::Timestamp::parse_iso8601("2020-01-01T00:00:00Z").unwrap();
    let signed_at_ramp_time = signed_get(&server, "/applications", "appconfig", at_ramp_time).await;
    assert_eq!(
        signed_at_ramp_time.status().as_u16(),
        403,
        "ramp's clock is not the signature's clock"
    );
    assert_eq!(
        signed_get(&server, "/_ramp/clock", "ramp", wall_time())
            .await
            .status()
            .as_u16(),
        200
    );
}

/// Reads ramp's clock; on a secured server the request is signed.
pub(crate) async fn clock_now(server: &TestServer) -> ramp_clock::Timestamp {
    // Signatures are checked against real time, whatever ramp's clock reads.
    let response = signed_get(server, "/_ramp/clock", "ramp", wall_time()).await;
    let body: serde_json::Value = response.json().await.unwrap();
    ramp_clock::Timestamp::parse_iso8601(body["Now"].as_str().unwrap()).unwrap()
}

#[test]
fn open_mode_refuses_public_listen_without_insecure() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_ramp"))
        .args(["serve", "--listen", "0.0.0.0:0", "--data-dir"])
        .arg(dir.path())
        .env_remove("RAMP_ACCESS_KEY_ID")
        .env_remove("RAMP_SECRET_ACCESS_KEY")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--insecure"));
}

/// The machine's wall time, to sign a first request before ramp's clock is known.
pub(crate) fn wall_time() -> ramp_clock::Timestamp {
    use ramp_clock::Clock;
    ramp_clock::SystemClock::new().now()
}

#[tokio::test]
async fn the_alertmanager_receiver_needs_its_bearer_token() {
    let server = TestServer::with_args(&[
        "--access-key-id",
        ACCESS_KEY,
        "--secret-access-key",
        SECRET_KEY,
        "--alertmanager-token",
        "s3cret-token",
    ]);
    let post = |authorization: Option<&str>| {
        let mut request = server
            .http()
            .post(server.url("/_ramp/alertmanager"))
            .body(r#"{"version":"4","status":"firing","alerts":[]}"#);
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        request.send()
    };
    for wrong in [
        None,
        Some("Bearer s3cret-tokeN"),
        Some("Bearer s3cret"),
        Some("Bearer "),
    ] {
        assert_eq!(post(wrong).await.unwrap().status().as_u16(), 401, "{wrong:?}");
    }
    assert_eq!(post(Some("Bearer s3cret-token")).await.unwrap().status().as_u16(), 200);
}
